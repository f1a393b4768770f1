"""Password reset with Django's default token generator (the link dies once the password changed).

The request never tells whether an address has an account (no account enumeration)."""

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from backend.accounts.services.mail import absolute_url, mail_after_commit
from backend.core.errors import ApplicationError

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
def password_reset_request(*, email: str) -> None:
    """Mail a reset link when `email` belongs to an active login; do nothing otherwise. The caller
    answers the same either way. Imported students (no password yet) use this to set their first
    password."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        return
    with override(user.preferred_language):
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


def _user_for_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


@transaction.atomic
def password_reset_confirm(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link. The link then stops working (the token covers the
    password hash) and the person's API tokens are revoked."""
    user = _user_for_uid(uidb64)
    if user is None or not default_token_generator.check_token(user, token):
        raise ApplicationError(
            _("Deze herstellink is ongeldig of verlopen. Vraag een nieuwe link aan.")
        )
    check_password_strength(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).delete()
    return user
