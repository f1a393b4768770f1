"""Who is who: the role lookups every permission check is built on.

All functions take the user and return ids, so callers can filter querysets without extra joins.
"""

from django.db.models import QuerySet

from backend.accounts.models import SCHOOL_STAFF_ROLES, Membership, Role, StudentEnrolment, User
from backend.organisations.models import ConsortiumMembership


def _cache(user: User) -> dict:
    # Memberships are read once per request: every check below reuses this.
    if not hasattr(user, "_koppel_memberships"):
        user._koppel_memberships = list(
            Membership.objects.active().filter(user_id=user.pk).values_list(
                "organisation_id", "role"
            )
        )
    return user._koppel_memberships


def user_roles(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {role for _, role in _cache(user)}


def user_has_role(user: User, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def organisation_ids_for(user: User, *roles: str) -> set[int]:
    """Organisations where the user holds one of `roles` (any role when none is given)."""
    if not user.is_authenticated:
        return set()
    return {org for org, role in _cache(user) if not roles or role in roles}


def staff_school_ids(user: User) -> set[int]:
    """Schools where the user works as teacher, coach, coordinator, programme lead or admin."""
    return organisation_ids_for(user, *SCHOOL_STAFF_ROLES)


def coordinator_school_ids(user: User) -> set[int]:
    return organisation_ids_for(
        user, Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.INSTITUTION_ADMIN
    )


def company_ids(user: User) -> set[int]:
    return organisation_ids_for(user, Role.COMPANY_CONTACT)


def consortium_ids_for_organisations(organisation_ids: set[int]) -> set[int]:
    return set(
        ConsortiumMembership.objects.filter(
            organisation_id__in=organisation_ids, left_on__isnull=True
        ).values_list("consortium_id", flat=True)
    )


def student_enrolment(user: User) -> StudentEnrolment | None:
    if not user.is_authenticated or Role.STUDENT not in user_roles(user):
        return None
    return (
        StudentEnrolment.objects.select_related("school", "kwalificatie__dossier")
        .filter(student_id=user.pk)
        .first()
    )


def students_visible_to(user: User) -> QuerySet[User]:
    """Students whose data the user may see: only their own school's students, or themselves."""
    schools = staff_school_ids(user)
    if schools:
        return User.objects.filter(enrolment__school_id__in=schools)
    return User.objects.filter(pk=user.pk, enrolment__isnull=False)
