"""Who may see and do what with people: memberships, invitations, certificates, students and
their care notes. Services, APIs and pages ask here; none of them decides on its own.

The facts come from accounts.selectors (which roles a person holds where), the role groups from
accounts.roles. Organisations sit above accounts: an organisation reaches these rules as an
object whose model is named in annotations only.
"""

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import Invitation, Membership, Role, StudentEnrolment, User
from backend.accounts.roles import (
    CARE_NOTES_READER_ROLES,
    COMPANY_ROLES,
    COORDINATING_ROLES,
    INVITING_ROLES,
    ORGANISATION_MANAGER_ROLES,
    SCHOOL_MANAGER_ROLES,
    SCHOOL_STAFF_ROLES,
)
from backend.accounts.selectors import organisation_ids_for, staff_school_ids
from backend.core.errors import PermissionDenied

if TYPE_CHECKING:
    from backend.organisations.models import Organisation


# --- an organisation's people -------------------------------------------------------------------


def can_manage_organisation(user: User, organisation: "Organisation") -> bool:
    """Institution admins manage their own school; company contacts (and institution admins) their
    own company, intermediary, collective or funder; Koppel staff everything.

    It lives here, not in organisations.access, because memberships decide it and accounts' own
    services (ending a membership, leaving) ask it; organisations.access builds on it."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    roles = SCHOOL_MANAGER_ROLES if organisation.is_school else ORGANISATION_MANAGER_ROLES
    return organisation.pk in organisation_ids_for(user, *roles)


def can_see_person(user: User, person: User) -> bool:
    """Oneself, Koppel staff, and whoever has (had) a membership at an organisation where
    `person` has one too."""
    if user.is_staff or person.pk == user.pk:
        return True
    return Membership.objects.filter(
        user=person, organisation_id__in=organisation_ids_for(user)
    ).exists()


def may_end_membership(actor: User, membership: Membership) -> bool:
    """The person themselves, the organisation's managers and Koppel staff."""
    return membership.user_id == actor.pk or can_manage_organisation(actor, membership.organisation)


def may_switch_off(actor: User, person: User, active: list[Membership]) -> bool:
    """Whether `actor` may make `person` leave Koppel altogether, given the person's `active`
    memberships: the person themselves, Koppel staff, or someone who manages *every* organisation
    the person is still active at (an admin of one school cannot switch off a login that another
    school also uses)."""
    if actor.is_staff or actor.pk == person.pk:
        return True
    return bool(active) and all(can_manage_organisation(actor, m.organisation) for m in active)


# --- invitations --------------------------------------------------------------------------------


def invitable_roles(actor: User, organisation: "Organisation") -> set[str]:
    """Roles `actor` may invite people to at `organisation`.

    Schools: an institution admin invites every staff role (also another admin); a coordinator or
    programme lead invites teachers, coaches, coordinators and programme leads. Companies (and
    other organisations): a company contact invites colleagues as company contact. Koppel staff
    invite any role that fits the kind of organisation. Students are never invited: they arrive
    through the student import, which also records their enrolment.
    """
    if organisation.is_school:
        fitting: set[str] = set(SCHOOL_STAFF_ROLES)
        if actor.is_staff or organisation.pk in organisation_ids_for(actor, *SCHOOL_MANAGER_ROLES):
            return fitting
        if organisation.pk in organisation_ids_for(actor, *COORDINATING_ROLES):
            return fitting - {Role.INSTITUTION_ADMIN}
        return set()
    if actor.is_staff or organisation.pk in organisation_ids_for(actor, *COMPANY_ROLES):
        return {Role.COMPANY_CONTACT}
    return set()


def can_see_invitations_of(user: User, organisation_id: int) -> bool:
    """The people who invite for an organisation see its invitations; Koppel staff all."""
    return user.is_staff or organisation_id in organisation_ids_for(user, *INVITING_ROLES)


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    """The invitations of every organisation `user` invites people to (`can_see_invitations_of`)."""
    queryset = Invitation.objects.select_related("organisation", "invited_by")
    if user.is_staff:
        return queryset
    return queryset.filter(organisation_id__in=organisation_ids_for(user, *INVITING_ROLES))


# --- certificates -------------------------------------------------------------------------------


def can_manage_certificates_of(actor: User, holder: User) -> bool:
    """People record and delete their own certificates; Koppel staff anyone's."""
    return actor.pk == holder.pk or actor.is_staff


def may_check_certificates(user: User, person: User) -> bool:
    """Whose certificates `user` may hold against a school's policy: their own; school staff
    anyone who is not a student (guest teachers, mentors); Koppel staff everyone's."""
    if person.pk == user.pk or user.is_staff:
        return True
    return bool(staff_school_ids(user)) and not hasattr(person, "enrolment")


# --- students -----------------------------------------------------------------------------------


def may_import_students(actor: User, school: "Organisation") -> bool:
    """Importing creates logins: the school's institution admins (and Koppel staff) do it; its
    coordinators only when the school's policy `coordinators_may_import_students` says so."""
    if actor.is_staff or school.pk in organisation_ids_for(actor, *SCHOOL_MANAGER_ROLES):
        return True
    return school.coordinators_may_import_students and school.pk in organisation_ids_for(
        actor, Role.COORDINATOR
    )


def require_may_import_students(actor: User, school: "Organisation") -> None:
    if not may_import_students(actor, school):
        raise PermissionDenied(
            _(
                "Alleen beheerders van %(school)s importeren studenten (coördinatoren alleen als "
                "de school dat toestaat)."
            )
            % {"school": school.name}
        )


def may_read_care_notes(reader: User, enrolment: StudentEnrolment) -> bool:
    """The student's own coach (while working at the school), or someone holding one of the
    roles the school's policy allows at that school. Nobody else: not other coaches, not
    companies, not the student's other teachers."""
    if not reader.is_authenticated or reader.pk == enrolment.student_id:
        return False
    staff_here = enrolment.school_id in organisation_ids_for(reader, *SCHOOL_STAFF_ROLES)
    if enrolment.coach_id == reader.pk and staff_here:
        return True
    allowed = [
        role for role in enrolment.school.care_notes_roles if role in CARE_NOTES_READER_ROLES
    ]
    return bool(allowed) and enrolment.school_id in organisation_ids_for(reader, *allowed)
