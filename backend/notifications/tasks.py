from celery import shared_task

from backend.notifications.emails import notification_emails_send


# A mail server that is down (OSError covers smtplib's errors) is retried with backoff; the
# e-mails already sent are marked, so a retry sends only the rest.
@shared_task(
    name="backend.notifications.tasks.send_notification_emails_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_emails_task(notification_ids: list[int]) -> int:
    return notification_emails_send(notification_ids=notification_ids)
