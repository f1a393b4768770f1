from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from backend.agreements.models import AgreementEvent
from backend.agreements.services import verify_chain
from backend.agreements.services.log import ChainProblem


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the agreement log and each chain's head; names the first broken "
        "(or missing) entry per agreement and exits 1 when any chain is broken."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--agreement", type=int, help="Verify one agreement's chain only.")

    def handle(self, *args: Any, **options: Any) -> None:
        agreement_id = options.get("agreement")
        problems = verify_chain(agreement_id=agreement_id)
        checked = AgreementEvent.objects.all()
        if agreement_id is not None:
            checked = checked.filter(agreement_id=agreement_id)
        if problems:
            for problem in problems:
                self.stderr.write(
                    f"BROKEN: agreement {problem.agreement_id}, entry #{problem.sequence} "
                    f"({_where(problem)}): {problem.reason}"
                )
            first = problems[0]
            raise CommandError(
                f"Agreement log broken: first broken entry is agreement {first.agreement_id} "
                f"#{first.sequence} ({_where(first)}): {first.reason}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Agreement log intact: {checked.count()} entries verified.")
        )


def _where(problem: ChainProblem) -> str:
    return "missing" if problem.event_id is None else f"id {problem.event_id}"
