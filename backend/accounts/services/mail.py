"""E-mails to addresses that may not have an account yet (invitations, password reset).

Recorded in the caller's transaction and sent by a task after commit (backend/core/mail.py): a
rolled-back transaction never mails a link that does not work, a broker that is down delays the
mail without losing it, and the request never waits for the mail server."""

from django.conf import settings

from backend.core.mail import outgoing_mail_enqueue


def mail_after_commit(*, to: str, subject: str, body: str) -> None:
    outgoing_mail_enqueue(to=to, subject=f"[Koppel] {subject}", body=body)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"
