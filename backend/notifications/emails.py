from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.utils import timezone

from backend.notifications.models import Notification


def notification_emails_send(*, notification_ids: list[int]) -> int:
    """E-mail each notification once. A notification is claimed by setting `emailed_at` with a
    conditional update, so a task delivered twice (or two workers) sends each e-mail once."""
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
        EmailMessage(
            subject=f"[Koppel] {notification.title}",
            body=body,
            to=[notification.recipient.email],
            connection=connection,
        ).send()
        sent += 1
    return sent
