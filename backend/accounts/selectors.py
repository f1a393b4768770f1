"""Who is who: the role lookups every permission check is built on, and reads about people.

The role lookups take the user and return ids, so callers can filter querysets without extra
joins. The rules built on them live in accounts.access.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q, QuerySet

from backend.accounts.models import (
    Certificate,
    Consent,
    Invitation,
    Membership,
    Role,
    StudentEnrolment,
    User,
)
from backend.accounts.roles import COMPANY_ROLES, COORDINATING_ROLES, SCHOOL_STAFF_ROLES
from backend.curriculum.models import (
    DEMONSTRATED_LEVELS,
    Kerntaak,
    KerntaakKind,
    Werkproces,
    WerkprocesEvidence,
)

if TYPE_CHECKING:
    from backend.organisations.models import Organisation

# The memberships of a user, read once per request: every check below reuses them.
_CACHE = "_koppel_memberships"


def _cache(user: User) -> list[tuple[int, str]]:
    cached: list[tuple[int, str]] | None = user.__dict__.get(_CACHE)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user_id=user.pk)
            .values_list("organisation_id", "role")
        )
        user.__dict__[_CACHE] = cached
    return cached


def forget_roles(user: User) -> None:
    """Drop the memberships cached on `user` (call after ending or adding a membership)."""
    user.__dict__.pop(_CACHE, None)


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
    """Schools where the user coordinates (coordinator, programme lead, institution admin)."""
    return organisation_ids_for(user, *COORDINATING_ROLES)


def company_ids(user: User) -> set[int]:
    return organisation_ids_for(user, *COMPANY_ROLES)


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


# --- students list (school staff) ---------------------------------------------------------------


def enrolments_visible_to(user: User) -> QuerySet[StudentEnrolment]:
    """Enrolments of the user's own schools' students (teachers, coaches, coordinators, programme
    leads, institution admins). Everyone else, companies included, gets none: nobody sees another
    school's students."""
    schools = staff_school_ids(user) if user.is_authenticated else set()
    return (
        StudentEnrolment.objects.filter(school_id__in=schools)
        .select_related("student", "school", "kwalificatie", "coach")
        .order_by("student__last_name", "student__first_name", "student_id")
    )


def email_has_account(email: str) -> bool:
    """Whether a login uses this e-mail address (in any case)."""
    return User.objects.filter(email__iexact=email).exists()


# --- certificates -------------------------------------------------------------------------------


def valid_certificates(user: User, on: dt.date) -> QuerySet[Certificate]:
    """The certificates `user` holds that are valid on date `on` (issued on or before it and valid
    until it, both inclusive), newest expiry first. Verified or not: for a school's policy only
    `policy_certificates` count."""
    return Certificate.objects.filter(holder=user, issued_on__lte=on, valid_until__gte=on)


def policy_certificates() -> QuerySet[Certificate]:
    """Certificates that can satisfy a school's policy: only those whose original document a
    school or Koppel has checked. A self-declared certificate never counts, whatever its dates."""
    return Certificate.objects.filter(verified_at__isnull=False)


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """Own certificates; school staff also see those of people who are not students (guest
    teachers and company mentors they check); Koppel staff see all."""
    queryset = Certificate.objects.select_related("holder", "verified_by")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff:
        return queryset
    if staff_school_ids(user):
        return queryset.filter(Q(holder=user) | Q(holder__enrolment__isnull=True))
    return queryset.filter(holder=user)


# --- me -----------------------------------------------------------------------------------------


def active_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def open_invitations(organisation: "Organisation", *, now: dt.datetime) -> QuerySet[Invitation]:
    """Invitations to `organisation` that still wait for an answer, newest first."""
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, expires_at__gt=now
    ).order_by("-created_at")


# --- progress -----------------------------------------------------------------------------------


def open_werkproces_codes_for_students(
    student_ids: Iterable[int] | QuerySet[Any, dict[str, Any]],
) -> dict[int, set[str]]:
    """For each student: the werkproces codes of their kwalificatie not yet shown at voldoende or
    goed. Students without an enrolment are left out. Four queries, whatever the number of
    students (the allocation engine asks this for whole cohorts); a queryset of ids is used as
    a subquery, so 10,000 students need not travel as parameters."""
    ids: Iterable[int]
    if isinstance(student_ids, QuerySet):
        # A one-column values() queryset: the database runs it as a subquery.
        ids = cast("Iterable[int]", student_ids)
    else:
        ids = list(student_ids)
        if not ids:
            return {}
    enrolments = list(
        StudentEnrolment.objects.filter(student_id__in=ids).values_list(
            "student_id", "kwalificatie_id", "kwalificatie__dossier_id"
        )
    )
    dossier_ids = {dossier for _, _, dossier in enrolments}
    werkprocessen = _werkprocessen_by_dossier(dossier_ids)
    profiel_links = _profiel_links({kwalificatie for _, kwalificatie, _ in enrolments}, dossier_ids)
    shown = _demonstrated_werkprocessen(ids)
    return {
        student_id: {
            code
            for werkproces_id, code, kerntaak_id, kind in werkprocessen[dossier_id]
            if (kind == KerntaakKind.BASIS or (kerntaak_id, kwalificatie_id) in profiel_links)
            and werkproces_id not in shown[student_id]
        }
        for student_id, kwalificatie_id, dossier_id in enrolments
    }


def _werkprocessen_by_dossier(
    dossier_ids: set[int],
) -> defaultdict[int, list[tuple[int, str, int, str]]]:
    """(werkproces id, code, kerntaak id, kerntaak kind) per dossier."""
    by_dossier: defaultdict[int, list[tuple[int, str, int, str]]] = defaultdict(list)
    for werkproces_id, code, kerntaak_id, kind, dossier_id in Werkproces.objects.filter(
        kerntaak__dossier_id__in=dossier_ids
    ).values_list("id", "code", "kerntaak_id", "kerntaak__kind", "kerntaak__dossier_id"):
        by_dossier[dossier_id].append((werkproces_id, code, kerntaak_id, kind))
    return by_dossier


def _profiel_links(kwalificatie_ids: set[int], dossier_ids: set[int]) -> set[tuple[int, int]]:
    """(kerntaak id, kwalificatie id) for the profiel kerntaken of these kwalificaties."""
    return set(
        Kerntaak.kwalificaties.through.objects.filter(
            kwalificatie_id__in=kwalificatie_ids, kerntaak__dossier_id__in=dossier_ids
        ).values_list("kerntaak_id", "kwalificatie_id")
    )


def _demonstrated_werkprocessen(student_ids: Iterable[int]) -> defaultdict[int, set[int]]:
    """The werkprocessen each student has shown at voldoende or goed, as validated by a coach or
    teacher (issue 15): a company's rating or the student's own claim alone does not count."""
    shown: defaultdict[int, set[int]] = defaultdict(set)
    for student_id, werkproces_id in (
        WerkprocesEvidence.objects.filter(
            student_id__in=student_ids, level__in=DEMONSTRATED_LEVELS, validated_at__isnull=False
        )
        .values_list("student_id", "werkproces_id")
        .distinct()
    ):
        shown[student_id].add(werkproces_id)
    return shown


# --- consent (issue 14) -------------------------------------------------------------------------


def has_consent(person: User, purpose: str) -> bool:
    """Whether `person` has an active (not withdrawn) consent for `purpose`."""
    return Consent.objects.filter(
        person=person, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


def consents_of(person: User) -> QuerySet[Consent]:
    """Every consent `person` gave, also the withdrawn ones, newest first (the history)."""
    return Consent.objects.filter(person=person).order_by("-given_at", "-pk")


def people_with_consent(person_ids: Iterable[int], purpose: str) -> set[int]:
    """Which of these people have an active consent for `purpose` (one query, for lists)."""
    ids = set(person_ids)
    if not ids:
        return set()
    return set(
        Consent.objects.filter(
            person_id__in=ids, purpose=purpose, withdrawn_at__isnull=True
        ).values_list("person_id", flat=True)
    )
