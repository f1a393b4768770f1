from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.utils import timezone

from backend.notifications.models import Notification


def notification_emails_send(*, notification_ids: list[int]) -> int:
    """E-mail each notification once. A notification is claimed by setting `emailed_at` with a
    conditional update, so a task delivered twice (or two workers) sends each e-mail once; a
    failed send releases its claim and raises, so the task's retry sends the rest."""
    sent = 0
    connection = get_connection()
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True, wants_email=True
    ).select_related("recipient")
    for notification in pending:
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed != 1:
            continue  # another worker got there first
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL}{notification.url}"
        try:
            EmailMessage(
                subject=f"[Koppel] {notification.title}",
                body=body,
                to=[notification.recipient.email],
                connection=connection,
            ).send()
        except Exception:
            # Not sent: release the claim so the task's retry sends it (the ones before it stay
            # marked sent and are not sent again).
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent
