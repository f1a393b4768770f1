"""manage.py import_students SCHOOL_BRIN FILE — see docs/student-import.md."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from backend.accounts.services import StudentImportError, students_import
from backend.organisations.selectors import school_with_brin


class Command(BaseCommand):
    help = "Import students from a CSV export of the school's student system (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("brin", help="BRIN code of the school, e.g. 25LX")
        parser.add_argument("file", type=Path, help="CSV file (';' or ',' separated, UTF-8)")

    def handle(self, *args: Any, brin: str, file: Path, **options: Any) -> None:
        school = school_with_brin(brin)
        if school is None:
            raise CommandError(f"Geen school met BRIN-code {brin}.")
        if not file.is_file():
            raise CommandError(f"Bestand niet gevonden: {file}")
        try:
            result = students_import(
                school=school, content=file.read_bytes(), actor=None, today=timezone.localdate()
            )
        except StudentImportError as error:
            for row_error in error.errors:
                self.stderr.write(str(row_error))
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{school.name}: {result.created} nieuw, {result.updated} bijgewerkt, "
                f"{result.unchanged} ongewijzigd."
            )
        )
        if result.reactivated:
            self.stdout.write(f"{result.reactivated} teruggekeerde student(en) weer actief.")
        if result.email_changes_pending:
            self.stdout.write(
                f"{result.email_changes_pending} nieuw(e) e-mailadres(sen) wachten op bevestiging "
                "via het oude adres."
            )
