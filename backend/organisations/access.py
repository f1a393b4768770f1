"""Who may see and do what with organisations, their staff lists, consortia and school policies,
and for which schools someone checks a certificate. Services, APIs and pages ask here.

Who manages an organisation is decided by memberships: `accounts.access.can_manage_organisation`,
which the accounts app's own services need too; this module builds on it."""

from django.utils.translation import gettext as _

from backend.accounts.access import can_manage_organisation
from backend.accounts.models import Certificate, Role, User
from backend.accounts.roles import (
    CERTIFICATE_VERIFIER_ROLES,
    COORDINATING_ROLES,
    STAFF_LIST_ROLES,
)
from backend.accounts.selectors import organisation_ids_for, staff_school_ids, user_roles
from backend.core.errors import PermissionDenied
from backend.organisations.models import Consortium, Organisation, OrganisationKind
from backend.organisations.selectors import consortium_lead_ids, person_related_to_school

# The kinds of organisation a school's intake team registers when they come forward.
INTAKE_KINDS = {
    OrganisationKind.COMPANY,
    OrganisationKind.INTERMEDIARY,
    OrganisationKind.COLLECTIVE,
}


# --- organisations ------------------------------------------------------------------------------


def can_create_organisation(user: User, kind: str) -> bool:
    """Koppel staff create any organisation. A school's intake team (coordinator, programme lead,
    institution admin) registers companies, intermediaries and collectives that come forward.
    Companies can also sign themselves up (organisations.services.company_sign_up)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return kind in INTAKE_KINDS and bool(user_roles(user) & set(COORDINATING_ROLES))


def require_organisation_manager(actor: User, organisation: Organisation) -> None:
    """Raise PermissionDenied unless `actor` manages `organisation` (`can_manage_organisation`)."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied(
            _("Je mag de gegevens van %(name)s niet wijzigen.") % {"name": organisation.name}
        )


def may_record_takeover(actor: User, organisation: Organisation, successor: Organisation) -> bool:
    """Koppel staff, or someone who manages both organisations."""
    return actor.is_staff or (
        can_manage_organisation(actor, organisation) and can_manage_organisation(actor, successor)
    )


def can_see_staff_list(user: User, organisation: Organisation) -> bool:
    """The organisation's managers and the coordinating staff who work there; Koppel staff."""
    if not user.is_authenticated:
        return False
    return user.is_staff or organisation.pk in organisation_ids_for(user, *STAFF_LIST_ROLES)


def can_see_contacts(user: User, organisation: Organisation) -> bool:
    """An organisation's contact people are shown to its own staff list readers, to every school
    staff member (they look for partners) and to Koppel staff."""
    return user.is_staff or bool(staff_school_ids(user)) or can_see_staff_list(user, organisation)


def can_see_school_policy(user: User, school: Organisation) -> bool:
    """A school's own rules (imports, care notes): its staff and Koppel staff."""
    return user.is_staff or school.pk in staff_school_ids(user)


# --- consortia ----------------------------------------------------------------------------------


def can_manage_consortium(user: User, consortium: Consortium) -> bool:
    """Admins of the consortium's lead organisation (penvoerder) manage its members."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    admin_of = organisation_ids_for(user, Role.INSTITUTION_ADMIN)
    return bool(admin_of & consortium_lead_ids(consortium))


def can_start_consortium(user: User, lead: Organisation) -> bool:
    """Koppel staff, or a manager of the organisation that will lead it."""
    return user.is_staff or can_manage_organisation(user, lead)


def require_consortium_manager(actor: User, consortium: Consortium) -> None:
    if not can_manage_consortium(actor, consortium):
        raise PermissionDenied(
            _("Alleen de beheerders van de penvoerder van %(name)s beheren de leden.")
            % {"name": consortium.name}
        )


# --- certificates -------------------------------------------------------------------------------


def certificate_verifying_schools(actor: User, certificate: Certificate) -> list[Organisation]:
    """Schools for which `actor` may check `certificate`: the actor coordinates or administers
    the school, the school's policy requires this kind of certificate, and the holder works (or
    offers to work) with that school's students. Sorted by name. Nobody checks their own."""
    if certificate.holder_id == actor.pk:
        return []
    candidates = (
        Organisation.objects.filter(
            pk__in=organisation_ids_for(actor, *CERTIFICATE_VERIFIER_ROLES),
            certificate_policies__certificate=certificate.kind,
        )
        .distinct()
        .order_by("name")
    )
    return [school for school in candidates if person_related_to_school(certificate.holder, school)]
