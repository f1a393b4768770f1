"""Password reset with Django's default token generator (the link dies once the password changed).

The request never tells whether an address has an account (no account enumeration): it records
the request and queues a task, the same work for every address; the task looks the account up and
mails. Mails per address and requests per client address are limited (backend.security)."""

from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.services.mail import absolute_url, mail_after_commit
from backend.core.errors import ApplicationError
from backend.core.i18n import in_language_of
from backend.core.outbox import outbox_enqueue
from backend.security.models import MailKind
from backend.security.services import (
    api_tokens_revoke,
    mail_request_claim,
    mail_request_record,
    signin_lock_clear,
)

# Matches Django's PasswordResetConfirmView pattern `<uidb64>/<token>/`, which the web app mounts.
PASSWORD_RESET_PATH = "/wachtwoord/reset/{uidb64}/{token}/"


def check_password_strength(password: str, user: User, *, field: str = "password") -> None:
    """Django's password validators; all their complaints go to `field` so the form shows them.

    `user` may be unsaved: the validators compare the password with the person's name and e-mail.
    """
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(
            error.messages[0], extra={"fields": {field: list(error.messages)}}
        ) from None


def password_reset_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(PASSWORD_RESET_PATH.format(uidb64=uidb64, token=token))


@transaction.atomic
def password_reset_request(*, email: str, address: str = "", now: datetime | None = None) -> None:
    """Queue a reset mail for `email` (sent by `password_reset_mail_send` in a task, only when the
    address belongs to an active login). Within an hour at most PASSWORD_RESET_MAX_PER_EMAIL
    mails per address and PASSWORD_RESET_MAX_PER_ADDRESS requests per client `address`; beyond
    that nothing is queued. The caller answers the same either way, and this function does the
    same work for known and unknown addresses, so neither answer nor timing tells them apart.
    Imported students (no password yet) use this to set their first password."""
    record = mail_request_record(
        kind=MailKind.PASSWORD_RESET, email=email, address=address, now=now or timezone.now()
    )
    if record.allowed:
        # In the outbox, with the request: a broker that is down delays the mail, never loses it.
        outbox_enqueue(
            task="backend.accounts.tasks.password_reset_mail_task", kwargs={"request_id": record.pk}
        )


def password_reset_mail_send(*, request_id: int, now: datetime) -> bool:
    """The task's half of a reset request: mail the link when the address belongs to an active
    login. Returns whether a mail was sent; a request is handled once (a redelivered task sends
    nothing)."""
    record = mail_request_claim(request_id=request_id, now=now)
    if record is None:
        return False
    user = User.objects.filter(email__iexact=record.email, is_active=True).first()
    if user is None:
        return False
    with in_language_of(user):
        mail_after_commit(
            to=user.email,
            subject=_("Nieuw wachtwoord instellen"),
            body=_(
                "Iemand (hopelijk jij) vroeg een nieuw wachtwoord aan voor Koppel.\n\n"
                "Kies een nieuw wachtwoord via deze link:\n%(url)s\n\n"
                "Vroeg je niets aan? Dan kun je dit bericht negeren."
            )
            % {"url": password_reset_link(user)},
        )
    return True


def _user_for_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


@transaction.atomic
def password_reset_confirm(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link. The link then stops working (the token covers the
    password hash), the person's API tokens are revoked and a sign-in lock is lifted (the way back
    in for a locked-out person)."""
    user = _user_for_uid(uidb64)
    if user is None or not default_token_generator.check_token(user, token):
        raise ApplicationError(
            _("Deze herstellink is ongeldig of verlopen. Vraag een nieuwe link aan.")
        )
    check_password_strength(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    api_tokens_revoke(user=user)
    signin_lock_clear(email=user.email)
    return user
