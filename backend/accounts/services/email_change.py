"""Changing a login's e-mail address on someone else's request (the student import).

The change is only recorded; a link with a random one-time token goes to the OLD address and the
address changes when that link is confirmed. Only the token's SHA-256 hash is stored. This keeps
whoever controls a school's export from moving a login to an address they read (and then taking
it over with "wachtwoord vergeten")."""

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import dateformat
from django.utils.translation import gettext as _

from backend.accounts.models import EmailChange, User
from backend.accounts.services.invitations import hash_token
from backend.accounts.services.mail import absolute_url, mail_after_commit
from backend.core.errors import ApplicationError, Conflict, NotFound
from backend.core.i18n import in_language_of
from backend.security.services import api_tokens_revoke

if TYPE_CHECKING:
    from backend.organisations.models import Organisation

EMAIL_CHANGE_VALID_FOR = dt.timedelta(days=14)
# The web page that confirms the change; the token is the last path segment.
EMAIL_CHANGE_PATH = "/e-mailadres/bevestigen/{token}/"


def email_changes_request(
    *,
    changes: list[tuple[User, str]],
    requested_by: User | None,
    school: "Organisation | None",
    now: dt.datetime,
) -> list[EmailChange]:
    """Record, for each (login, new address) in `changes`, that the address should change, and
    mail each OLD address a link to confirm it (after commit). An earlier open request for the same
    login is replaced, so only the newest link works. A fixed number of queries for any number of
    changes. The caller makes sure each new address is free and the login may be changed."""
    if not changes:
        return []
    EmailChange.objects.filter(
        user_id__in=[user.pk for user, _new in changes], confirmed_at__isnull=True
    ).delete()
    tokens = [secrets.token_urlsafe(32) for _change in changes]
    created = EmailChange.objects.bulk_create(
        [
            EmailChange(
                user=user,
                old_email=user.email,
                new_email=new_email,
                token_hash=hash_token(token),
                requested_by=requested_by,
                school=school,
                expires_at=now + EMAIL_CHANGE_VALID_FOR,
            )
            for (user, new_email), token in zip(changes, tokens, strict=True)
        ]
    )
    for change, token in zip(created, tokens, strict=True):
        _mail_old_address(change, token)
    return created


def _mail_old_address(change: EmailChange, token: str) -> None:
    with in_language_of(change.user):
        mail_after_commit(
            to=change.old_email,
            subject=_("Bevestig je nieuwe e-mailadres"),
            body=_(
                "%(school)s heeft in Koppel een nieuw e-mailadres voor je opgegeven: %(new)s.\n\n"
                "Klopt dat? Bevestig het via deze link:\n%(url)s\n\n"
                "Tot je bevestigt, blijft %(old)s je inlognaam. De link werkt één keer en "
                "verloopt op %(expires)s. Herken je dit niet? Negeer dit bericht dan."
            )
            % {
                "school": change.school.name if change.school else "Koppel",
                "new": change.new_email,
                "old": change.old_email,
                "url": absolute_url(EMAIL_CHANGE_PATH.format(token=token)),
                "expires": dateformat.format(change.expires_at, "j F Y H:i"),
            },
        )


def email_change_for_token(token: str, *, now: dt.datetime, lock: bool = False) -> EmailChange:
    """The open change behind a token, or a clear error: unknown, already used or expired."""
    queryset = EmailChange.objects.select_related("user")
    if lock:
        queryset = queryset.select_for_update()
    change = queryset.filter(token_hash=hash_token(token or "")).first()
    if change is None:
        raise NotFound(_("Deze link bestaat niet of is onvolledig."))
    if change.confirmed_at is not None:
        raise Conflict(_("Dit nieuwe e-mailadres is al bevestigd."))
    if change.expires_at <= now or change.user.email != change.old_email:
        raise ApplicationError(
            _("Deze link is verlopen. Vraag je school om het e-mailadres opnieuw door te geven.")
        )
    return change


@transaction.atomic
def email_change_confirm(*, token: str, now: dt.datetime) -> User:
    """Apply a pending change from the link mailed to the old address. Works once. The person's
    API tokens are revoked (their login name changed). Raises Conflict when another login took
    the new address in the meantime."""
    change = email_change_for_token(token, now=now, lock=True)
    user = change.user
    if User.objects.filter(email__iexact=change.new_email).exclude(pk=user.pk).exists():
        raise Conflict(
            _("%(email)s is al in gebruik. Vraag je school om een ander adres door te geven.")
            % {"email": change.new_email}
        )
    user.email = change.new_email
    user.save(update_fields=["email"])
    change.confirmed_at = now
    change.save(update_fields=["confirmed_at", "updated_at"])
    api_tokens_revoke(user=user)
    return user
