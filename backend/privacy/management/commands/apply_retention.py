"""`manage.py apply_retention [--dry-run] [--school ID] [--as-of DATE]`: apply the schools'
retention periods now (what the daily beat task does) or count what it would remove."""

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from backend.organisations.models import Organisation
from backend.privacy.models import RetentionRule, RetentionRun
from backend.privacy.services.retention import apply_retention


def _as_of(text: str | None) -> dt.datetime:
    """Now, an ISO date (its start, local time) or an ISO date and time."""
    if not text:
        return timezone.now()
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise CommandError(f"--as-of: not a date (YYYY-MM-DD) or date and time: {text!r}")
        moment = dt.datetime.combine(day, dt.time())
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Apply every school's retention periods (or one school's with --school), counted back "
        "from now or --as-of; --dry-run counts what would be removed and removes nothing. "
        "Prints per rule and model what was (or would be) removed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count only, remove nothing.")
        parser.add_argument("--school", type=int, help="The id of one school.")
        parser.add_argument("--as-of", help="Count the periods back from this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _as_of(options.get("as_of"))
        schools = Organisation.objects.schools().order_by("pk")
        if options.get("school") is not None:
            schools = schools.filter(pk=options["school"])
            if not schools.exists():
                raise CommandError(f"No school with id {options['school']}.")
        for school in schools:
            run = apply_retention(school, as_of=as_of, dry_run=options["dry_run"])
            self._report(school, run)

    def _report(self, school: Organisation, run: RetentionRun) -> None:
        verb = "would remove" if run.dry_run else "removed"
        self.stdout.write(
            f"{school.name} (id {school.pk}), as of {run.as_of:%Y-%m-%d %H:%M}: "
            f"{verb} {run.total} (run {run.pk}{', dry run' if run.dry_run else ''})"
        )
        for rule, models in run.counts.items():
            self.stdout.write(f"  {rule} ({RetentionRule(rule).label}):")
            for label, count in models.items():
                self.stdout.write(f"    {label}: {count}")
