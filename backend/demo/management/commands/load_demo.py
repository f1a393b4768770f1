"""manage.py load_demo — the three demo scenarios and a login for every role (used by make demo)."""

import time
from argparse import ArgumentParser
from collections.abc import Sequence
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from backend.demo import loader as demo


class Command(BaseCommand):
    help = (
        "Laad de demo: drie scenario's uit de studie (Digiwise Limburg, mediacampus MICA, GLR), "
        "met een login per rol. Nogmaals draaien is veilig: dan worden alleen de logins getoond."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Leeg eerst de HELE database (manage.py flush) en laad de demo opnieuw.",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        if reset:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("Database geleegd.")
        started = time.monotonic()
        # The demo's own notifications are kept in the app; printing hundreds of e-mails to the
        # console would bury the login table.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = demo.load(now=timezone.now())
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Demo geladen in {time.monotonic() - started:.1f} s.")
            )
            for area in result.areas:
                self.stdout.write(f"  + {area}")
        else:
            self.stdout.write("De demo is al geladen; er is niets veranderd.")
        self.print_logins(result.logins)

    def print_logins(self, logins: Sequence[demo.Login]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Wachtwoord voor alle demo-logins: {demo.PASSWORD}")
        self.stdout.write(
            f"{demo.ADMIN_EMAIL} logt in met twee stappen: voeg in een authenticator-app de "
            f"geheime sleutel {demo.ADMIN_TOTP_SECRET} toe (de demoscholen vragen geen tweede stap)."
        )
        widths = [
            max(len(getattr(login, field)) for login in logins) if logins else 0
            for field in ("scenario", "role", "email", "name")
        ]
        header = ("Scenario", "Rol", "E-mail", "Naam", "Organisatie")
        widths = [max(w, len(h)) for w, h in zip(widths, header, strict=False)]
        line = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
        self.stdout.write(line.format(*header))
        self.stdout.write(line.format(*("-" * w for w in widths), "-" * 11))
        for login in logins:
            self.stdout.write(
                line.format(login.scenario, login.role, login.email, login.name, login.organisation)
            )
