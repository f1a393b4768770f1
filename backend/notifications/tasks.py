from celery import shared_task

from backend.notifications.emails import notification_emails_send


@shared_task
def send_notification_emails_task(notification_ids: list[int]) -> int:
    return notification_emails_send(notification_ids=notification_ids)
