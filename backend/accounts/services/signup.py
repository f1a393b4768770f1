"""The login half of a company sign-up, confirmed from the e-mail address.

The answer never tells whether the e-mail address already has an account (no enumeration): a new
address gets an inactive login and a confirmation link, a known one gets a mail saying someone
tried to sign up with it; both answers are "check your e-mail", and both mails are sent by a task.
The company itself is registered by organisations.services.company_sign_up, which calls these.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from backend.accounts.models import Membership, Role, User
from backend.accounts.services.mail import absolute_url, mail_after_commit
from backend.accounts.services.passwords import check_password_strength
from backend.core.errors import ApplicationError, field_error
from backend.core.i18n import in_language_of
from backend.core.outbox import outbox_enqueue
from backend.security.models import MailKind
from backend.security.services import (
    TooManyRequests,
    mail_request_address_exhausted,
    mail_request_claim,
    mail_request_record,
)

if TYPE_CHECKING:
    from backend.organisations.models import Organisation

# The web app mounts these pages (frontend/urls_core.py).
SIGN_UP_CONFIRM_PATH = "/aanmelden/bevestigen/{uidb64}/{token}/"
PASSWORD_FORGOTTEN_PATH = "/wachtwoord/vergeten/"


class _SignUpTokenGenerator(PasswordResetTokenGenerator):
    """Like a reset link, but its own salt, and dead once the login is active."""

    key_salt = "backend.accounts.services.signup"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        email = getattr(user, "email", "")
        return f"{user.pk}{user.password}{user.is_active}{email}{timestamp}"


sign_up_token_generator = _SignUpTokenGenerator()


def _is_pending(user: User, *, now: datetime) -> bool:
    """Signed up and not yet confirmed: inactive, never signed in, never left, and created
    within the life of a confirmation link. An older inactive login was switched off on
    purpose; a sign-up must not switch it back on."""
    return (
        not user.is_active
        and user.last_login is None
        and user.left_at is None
        and user.date_joined > now - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    )


@dataclass(frozen=True)
class NewLogin:
    """Who signs up, as typed on the sign-up form."""

    email: str
    password: str
    first_name: str
    last_name: str
    phone: str = ""
    job_title: str = ""
    preferred_language: str = "nl"


def sign_up_validate(*, login: NewLogin, address: str, now: datetime) -> None:
    """The person's half of a sign-up: a valid e-mail address, both names and a strong password
    (Django's validators). Raises ApplicationError naming the field (`contact_email`,
    `contact_first_name`, `password`), and a 429 when the client `address` sent
    SIGN_UP_MAX_PER_ADDRESS sign-ups within the hour. None of these depends on the e-mail address
    having an account."""
    try:
        validate_email(login.email)
    except ValidationError:
        raise field_error("contact_email", _("Vul een geldig e-mailadres in.")) from None
    if not login.first_name.strip() or not login.last_name.strip():
        raise field_error("contact_first_name", _("Vul je voor- en achternaam in."))
    candidate = User(email=login.email, first_name=login.first_name, last_name=login.last_name)
    check_password_strength(login.password, candidate)
    if mail_request_address_exhausted(kind=MailKind.SIGN_UP, address=address, now=now):
        raise TooManyRequests(
            _("Te veel aanmeldingen vanaf dit adres. Probeer het over een uur opnieuw.")
        )


def sign_up_for_known_address(*, email: str, password: str, address: str, now: datetime) -> bool:
    """When `email` already has an account, nothing is created: its holder gets a mail saying
    someone tried to sign up with it, and this returns True. The caller must then answer exactly
    as for a new sign-up. Returns False for a new address."""
    if not User.objects.filter(email__iexact=email).exists():
        return False
    # Hash anyway: creating a login costs one hash, so the timing tells nothing.
    make_password(password)
    _queue_mail(email=email, address=address, now=now)
    return True


def _queue_mail(*, email: str, address: str, now: datetime) -> None:
    record = mail_request_record(kind=MailKind.SIGN_UP, email=email, address=address, now=now)
    if record.allowed:
        # In the outbox, with the request: a broker that is down delays the mail, never loses it.
        outbox_enqueue(
            task="backend.accounts.tasks.sign_up_mail_task", kwargs={"request_id": record.pk}
        )


def sign_up_login_create(
    *,
    login: NewLogin,
    organisation: "Organisation",
    role: str,
    address: str,
    now: datetime,
) -> Membership:
    """An inactive login for a new address with its membership at `organisation`, and the mail
    with the confirmation link (by a task, queued in this transaction). The login works once
    confirmed (`company_sign_up_confirm`). The caller validated the input (`sign_up_validate`)
    and made sure the address is new (`sign_up_for_known_address`)."""
    user = User.objects.create_user(
        email=login.email,
        password=login.password,
        first_name=login.first_name.strip(),
        last_name=login.last_name.strip(),
        phone=login.phone,
        preferred_language=login.preferred_language,
        is_active=False,
    )
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, job_title=login.job_title
    )
    _queue_mail(email=login.email, address=address, now=now)
    return membership


def sign_up_confirm_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = sign_up_token_generator.make_token(user)
    return absolute_url(SIGN_UP_CONFIRM_PATH.format(uidb64=uidb64, token=token))


def _mail_confirm(user: User) -> None:
    mail_after_commit(
        to=user.email,
        subject=_("Bevestig je aanmelding"),
        body=_(
            "Welkom bij Koppel! Bevestig je aanmelding via deze link:\n%(url)s\n\n"
            "Meldde je je niet aan? Dan kun je dit bericht negeren."
        )
        % {"url": sign_up_confirm_link(user)},
    )


def _mail_already_registered(user: User) -> None:
    mail_after_commit(
        to=user.email,
        subject=_("Aanmelding met je e-mailadres"),
        body=_(
            "Iemand probeerde zich bij Koppel aan te melden met dit e-mailadres, maar je hebt al "
            "een account.\n\nWas jij dat? Log dan in, of kies een nieuw wachtwoord via:\n%(url)s\n\n"
            "Was jij het niet? Dan kun je dit bericht negeren; er is niets veranderd."
        )
        % {"url": absolute_url(PASSWORD_FORGOTTEN_PATH)},
    )


def sign_up_mail_send(*, request_id: int, now: datetime) -> bool:
    """The task's half of a sign-up: a confirmation link for a new login, otherwise a notice to
    the account holder. Returns whether a mail was sent; a request is handled once."""
    record = mail_request_claim(request_id=request_id, now=now)
    if record is None:
        return False
    user = User.objects.filter(email__iexact=record.email).first()
    if user is None:  # the sign-up was rolled back
        return False
    with in_language_of(user):
        if _is_pending(user, now=now):
            _mail_confirm(user)
        else:
            _mail_already_registered(user)
    return True


@transaction.atomic
def company_sign_up_confirm(*, uidb64: str, token: str) -> Membership:
    """Activate a signed-up login from its e-mailed link; the link then stops working. Returns the
    company contact membership. Raises ApplicationError for a wrong, used or expired link (the
    link lives as long as a password reset link, PASSWORD_RESET_TIMEOUT)."""
    invalid = ApplicationError(
        _("Deze bevestigingslink is ongeldig of verlopen. Meld je opnieuw aan of log in.")
    )
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        raise invalid from None
    user = User.objects.select_for_update().filter(pk=pk).first()
    if user is None or not _is_pending(user, now=timezone.now()):
        raise invalid
    membership = Membership.objects.active().filter(user=user, role=Role.COMPANY_CONTACT).first()
    if membership is None or not sign_up_token_generator.check_token(user, token):
        raise invalid
    user.is_active = True
    user.save(update_fields=["is_active"])
    return membership
