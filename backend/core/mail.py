"""E-mails to addresses that may not have an account (invitations, password resets), sent by a
task through the outbox: recorded with the change, sent after commit, once."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from backend.core.models import OutgoingMail
from backend.core.outbox import outbox_enqueue


def outgoing_mail_enqueue(*, to: str, subject: str, body: str) -> OutgoingMail:
    """Record an e-mail in the current transaction; a rolled-back change mails nothing."""
    mail = OutgoingMail.objects.create(
        to=to, subject=subject[:200], body=body, created_at=timezone.now()
    )
    outbox_enqueue(task="backend.core.tasks.outgoing_mail_send_task", kwargs={"mail_id": mail.pk})
    return mail


def outgoing_mail_send(*, mail_id: int, now: dt.datetime | None = None) -> bool:
    """Send a recorded e-mail once. The claim is a conditional update, so a second delivery of
    the task (or a second worker) sends nothing. If sending fails the claim is undone so the
    next delivery can try again."""
    now = now or timezone.now()
    if not OutgoingMail.objects.filter(pk=mail_id, sent_at__isnull=True).update(sent_at=now):
        return False
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to])
    except Exception:
        OutgoingMail.objects.filter(pk=mail_id).update(sent_at=None)
        raise
    # The body may carry a one-time link; once sent, the database need not keep it.
    OutgoingMail.objects.filter(pk=mail_id).update(body="")
    return True


def outgoing_mail_prune(*, now: dt.datetime | None = None) -> int:
    """Delete mails sent longer than OUTBOX_KEEP_DISPATCHED_DAYS ago (the address is personal
    data; unsent mails stay so nothing is lost). Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.OUTBOX_KEEP_DISPATCHED_DAYS)
    deleted, _ = OutgoingMail.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
