"""An institution admin decides about employees who signed in with no invitation."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.access import invitable_roles
from backend.accounts.models import Role, User
from backend.core.errors import ApplicationError, Conflict, field_error
from backend.sso.access import is_linkable, require_may_manage_sso
from backend.sso.claims import Person
from backend.sso.models import IdentityLink, Outcome, PendingEmployee, PendingStatus
from backend.sso.services.log import log_entry
from backend.sso.services.sign_in import ensure_membership


def _locked_open(pending: PendingEmployee) -> PendingEmployee:
    locked = (
        PendingEmployee.objects.select_for_update()
        .select_related("organisation")
        .get(pk=pending.pk)
    )
    if locked.status != PendingStatus.OPEN:
        raise Conflict(_("Over deze aanvraag is al besloten."))
    return locked


def _person(pending: PendingEmployee) -> Person:
    return Person(
        subject=pending.subject,
        email=pending.email,
        first_name=pending.first_name,
        last_name=pending.last_name,
        home_organisation="",
        affiliations=tuple(filter(None, pending.affiliation.split(","))),
    )


@transaction.atomic
def pending_employee_approve(
    *, pending: PendingEmployee, role: str, actor: User, now: dt.datetime
) -> User:
    """Give the employee `role` at the school and link their school identity to a login: the
    existing login with their e-mail address when it may be linked, or a new one (no password;
    they sign in with the school account). Raises PermissionDenied (not this school's admin),
    a field error (a role the admin may not give), Conflict (decided already) or ApplicationError
    (the address belongs to a login a school identity may never reach)."""
    require_may_manage_sso(actor, pending.organisation)
    pending = _locked_open(pending)
    school = pending.organisation
    if role not in invitable_roles(actor, school):
        raise field_error("role", _("Kies een rol voor een medewerker van de school."))
    if IdentityLink.objects.filter(issuer=pending.issuer, subject=pending.subject).exists():
        raise Conflict(_("Dit schoolaccount is al aan een Koppel-account gekoppeld."))
    user = User.objects.filter(email__iexact=pending.email).first()
    if user is None:
        user = User.objects.create_user(
            email=pending.email,
            password=None,
            first_name=pending.first_name,
            last_name=pending.last_name,
        )
    elif not is_linkable(user, school=school, student=False) or (
        IdentityLink.objects.filter(user=user, issuer=pending.issuer).exists()
    ):
        # One neutral message: the admin learns nothing about another organisation's people.
        raise ApplicationError(
            _(
                "%(email)s hoort bij een Koppel-account dat niet aan een schoolaccount gekoppeld "
                "kan worden. Nodig deze medewerker uit via e-mail of neem contact op met Koppel."
            )
            % {"email": pending.email}
        )
    ensure_membership(user, school_id=school.pk, role=role)
    IdentityLink.objects.create(
        issuer=pending.issuer,
        subject=pending.subject,
        user=user,
        organisation=school,
        created_at=now,
    )
    pending.status, pending.role = PendingStatus.APPROVED, role
    pending.decided_at, pending.decided_by = now, actor
    pending.save(update_fields=["status", "role", "decided_at", "decided_by"])
    log_entry(
        now=now,
        outcome=Outcome.APPROVED,
        issuer=pending.issuer,
        person=_person(pending),
        detail=Role(role).value,
        user_id=user.pk,
        organisation_id=school.pk,
        actor_id=actor.pk,
    )
    return user


@transaction.atomic
def pending_employee_refuse(*, pending: PendingEmployee, actor: User, now: dt.datetime) -> None:
    """Refuse the request: the employee's next sign-in is refused with "employee-refused"."""
    require_may_manage_sso(actor, pending.organisation)
    pending = _locked_open(pending)
    pending.status, pending.decided_at, pending.decided_by = PendingStatus.REFUSED, now, actor
    pending.save(update_fields=["status", "decided_at", "decided_by"])
    log_entry(
        now=now,
        outcome=Outcome.REJECTED,
        issuer=pending.issuer,
        person=_person(pending),
        organisation_id=pending.organisation_id,
        actor_id=actor.pk,
    )
