"""Invitations by e-mail: a random token is mailed as a link; only its SHA-256 hash is stored."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import dateformat
from django.utils.translation import gettext as _

from backend.accounts.access import invitable_roles
from backend.accounts.models import Invitation, Membership, Role, User
from backend.accounts.services.mail import absolute_url, mail_after_commit
from backend.accounts.services.passwords import check_password_strength
from backend.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, field_error

if TYPE_CHECKING:
    from backend.organisations.models import Organisation

INVITATION_VALID_FOR = dt.timedelta(days=14)
# The web page that shows the invitation form; the token is the last path segment.
INVITATION_PATH = "/uitnodiging/{token}/"


@dataclass(frozen=True)
class IssuedInvitation:
    """The stored invitation plus the plain token, which exists only in memory and in the e-mail."""

    invitation: Invitation
    token: str

    @property
    def url(self) -> str:
        return absolute_url(INVITATION_PATH.format(token=self.token))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, organisation: "Organisation", email: str, role: str, actor: User, now: dt.datetime
) -> IssuedInvitation:
    """Invite `email` to `organisation` in `role` and mail the link (after commit).

    An earlier open invitation for the same address, organisation and role is replaced, so only
    the newest link works. Raises PermissionDenied when `actor` may not invite to this role here,
    Conflict when the person already holds this role here, ApplicationError for a bad address.
    """
    email = (email or "").strip().lower()
    _check_invitation(organisation=organisation, email=email, role=role, actor=actor)
    Invitation.objects.filter(
        email=email, organisation=organisation, role=role, accepted_at__isnull=True
    ).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=now + INVITATION_VALID_FOR,
    )
    issued = IssuedInvitation(invitation=invitation, token=token)
    _mail_invitation(issued, organisation=organisation, actor=actor)
    return issued


def _check_invitation(*, organisation: "Organisation", email: str, role: str, actor: User) -> None:
    try:
        validate_email(email)
    except ValidationError:
        raise field_error("email", _("Vul een geldig e-mailadres in.")) from None
    if role not in Role.values:
        raise field_error("role", _("Onbekende rol: %(role)s.") % {"role": role})
    if role not in invitable_roles(actor, organisation):
        # No name: `organisation` may be any id the client sent, e.g. another company.
        raise PermissionDenied(
            _("Je mag geen %(role)s uitnodigen voor deze organisatie.") % {"role": Role(role).label}
        )
    if (
        Membership.objects.active()
        .filter(user__email__iexact=email, organisation=organisation, role=role)
        .exists()
    ):
        raise Conflict(
            _("%(email)s is al %(role)s bij %(name)s.")
            % {"email": email, "role": Role(role).label, "name": organisation.name}
        )


def _mail_invitation(
    issued: IssuedInvitation, *, organisation: "Organisation", actor: User
) -> None:
    invitation = issued.invitation
    role = Role(invitation.role).label
    mail_after_commit(
        to=invitation.email,
        subject=_("Uitnodiging: %(role)s bij %(name)s") % {"role": role, "name": organisation.name},
        body=_(
            "%(inviter)s nodigt je uit om als %(role)s bij %(name)s mee te doen in Koppel.\n\n"
            "Open deze link om je account te maken of te koppelen:\n%(url)s\n\n"
            "De link werkt één keer en verloopt op %(expires)s."
        )
        % {
            "inviter": actor.get_full_name() or actor.email,
            "role": role,
            "name": organisation.name,
            "url": issued.url,
            "expires": dateformat.format(invitation.expires_at, "j F Y H:i"),
        },
    )


def invitation_for_token(token: str, *, now: dt.datetime, lock: bool = False) -> Invitation:
    """The open invitation behind a token, or a clear error: unknown, already used or expired."""
    queryset = Invitation.objects.select_related("organisation", "invited_by")
    if lock:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(token_hash=hash_token(token or "")).first()
    if invitation is None:
        raise NotFound(_("Deze uitnodiging bestaat niet of de link is onvolledig."))
    if invitation.accepted_at is not None:
        raise Conflict(_("Deze uitnodiging is al gebruikt. Log in met je e-mailadres."))
    if invitation.expires_at <= now:
        raise ApplicationError(
            _(
                "Deze uitnodiging is verlopen op %(date)s. Vraag %(inviter)s om een nieuwe "
                "uitnodiging."
            )
            % {
                "date": dateformat.format(invitation.expires_at, "j F Y"),
                "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.email,
            }
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    now: dt.datetime,
) -> Membership:
    """Accept an invitation: creates the login (new address) or links the existing one, and adds
    the membership. Works once; the invitation is locked while it is being accepted.

    A new person chooses `password` (Django's validators apply) and gives their names. Someone who
    already has a Koppel login proves it is theirs with their current `password`; a login that was
    deactivated when the person left is reactivated (they were invited back).
    """
    invitation = invitation_for_token(token, now=now, lock=True)
    user = _login_for(invitation, password=password, first_name=first_name, last_name=last_name)
    membership = Membership.objects.active().filter(
        user=user, organisation=invitation.organisation, role=invitation.role
    ).first() or Membership.objects.create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at, invitation.accepted_by = now, user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return membership


def _login_for(invitation: Invitation, *, password: str, first_name: str, last_name: str) -> User:
    """A new login for a new address; otherwise the existing one, proven by its password and
    switched on again when the person had left."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        if not first_name.strip() or not last_name.strip():
            raise field_error("first_name", _("Vul je voor- en achternaam in."))
        candidate = User(email=invitation.email, first_name=first_name, last_name=last_name)
        check_password_strength(password, candidate)
        return User.objects.create_user(
            email=invitation.email,
            password=password,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
    if not user.check_password(password):
        raise field_error(
            "password",
            _(
                "Er bestaat al een account met %(email)s. Vul het wachtwoord van dat account "
                "in, of vraag eerst een nieuw wachtwoord aan."
            )
            % {"email": invitation.email},
        )
    if not user.is_active or user.left_at is not None:
        user.is_active, user.left_at = True, None
        user.save(update_fields=["is_active", "left_at"])
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    """Withdraw an open invitation (its link stops working). Same people who may invite."""
    if invitation.role not in invitable_roles(actor, invitation.organisation):
        raise PermissionDenied(_("Je mag deze uitnodiging niet intrekken."))
    if invitation.accepted_at is not None:
        raise Conflict(_("Deze uitnodiging is al geaccepteerd."))
    invitation.delete()
