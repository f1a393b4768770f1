from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from backend.core.outbox import outbox_dispatch_pending, outbox_requeue_failed


class Command(BaseCommand):
    help = (
        "Publish every pending outbox row to the broker now (beat publishes the due ones every "
        "minute)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--requeue-failed",
            action="store_true",
            help="First make rows that failed OUTBOX_MAX_ATTEMPTS times pending again.",
        )

    def handle(self, *args: Any, requeue_failed: bool = False, **options: Any) -> None:
        if requeue_failed:
            self.stdout.write(f"requeued {outbox_requeue_failed()} failed row(s)")
        self.stdout.write(f"published {outbox_dispatch_pending(due_only=False)} row(s)")
