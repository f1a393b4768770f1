"""manage.py import_kwalificatiedossier FILE [FILE ...] — SBB XML (.xml), Koppel JSON or CSV."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.curriculum.importers import CurriculumFormatError, parse_file
from backend.curriculum.importers.types import ParsedDossier
from backend.curriculum.services import kwalificatiedossier_import


class Command(BaseCommand):
    help = (
        "Importeer kwalificatiedossiers uit SBB-XML-exports (.xml) of het Koppel JSON- of "
        "CSV-formaat (docs/curriculum-format.md). Alle bestanden of niets: bij een fout wordt "
        "niets opgeslagen. Nogmaals importeren verandert niets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        parsed: list[ParsedDossier] = []
        for name in files:
            try:
                parsed.extend(parse_file(name))
            except CurriculumFormatError as error:
                raise CommandError(f"{error} — er is niets geïmporteerd.") from None
        report = kwalificatiedossier_import(parsed=parsed)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS("Klaar.") if report.changed else "Niets veranderd (unchanged)."
        )
