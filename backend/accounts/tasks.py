"""E-mails that anyone can trigger without signing in (password reset, sign-up), sent here and not
in the request, so a slow mail server never shows in the answer. Thin: one service call each,
idempotent (a request is claimed once)."""

from celery import shared_task
from django.utils import timezone

from backend.accounts.services.passwords import password_reset_mail_send
from backend.accounts.services.signup import sign_up_mail_send


@shared_task
def password_reset_mail_task(request_id: int) -> bool:
    return password_reset_mail_send(request_id=request_id, now=timezone.now())


@shared_task
def sign_up_mail_task(request_id: int) -> bool:
    return sign_up_mail_send(request_id=request_id, now=timezone.now())
