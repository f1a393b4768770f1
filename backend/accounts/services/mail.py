"""E-mails to addresses that may not have an account yet (invitations, password reset).

Sent after commit so a rolled-back transaction never mails a link that does not work."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def mail_after_commit(*, to: str, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(f"[Koppel] {subject}", body, settings.DEFAULT_FROM_EMAIL, [to])
    )


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"
