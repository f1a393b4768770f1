"""Who is who: the role lookups every permission check is built on.

All functions take the user and return ids, so callers can filter querysets without extra joins.
"""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import dateformat
from django.utils.translation import gettext, gettext_lazy

from backend.accounts.models import (
    Certificate,
    Membership,
    Role,
    StudentEnrolment,
    User,
)
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.organisations.models import (
    CertificateKind,
    CertificatePolicy,
    ConsortiumMembership,
    Organisation,
    PolicySubject,
)


def _cache(user: User) -> dict:
    # Memberships are read once per request: every check below reuses this.
    if not hasattr(user, "_koppel_memberships"):
        user._koppel_memberships = list(
            Membership.objects.active()
            .filter(user_id=user.pk)
            .values_list("organisation_id", "role")
        )
    return user._koppel_memberships


def forget_roles(user: User) -> None:
    """Drop the memberships cached on `user` (call after ending or adding a membership)."""
    user.__dict__.pop("_koppel_memberships", None)


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
    return organisation_ids_for(user, Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.INSTITUTION_ADMIN)


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


# --- students list (school staff) ---------------------------------------------------------------


def enrolments_visible_to(user: User) -> QuerySet[StudentEnrolment]:
    """Enrolments of the user's own schools' students (teachers, coaches, coordinators, programme
    leads, institution admins). Everyone else, companies included, gets none: nobody sees another
    school's students."""
    schools = staff_school_ids(user) if user.is_authenticated else set()
    return (
        StudentEnrolment.objects.filter(school_id__in=schools)
        .select_related("student", "school", "kwalificatie", "coach")
        .order_by("student__last_name", "student__first_name", "pk")
    )


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


def person_related_to_school(person: User, school: Organisation) -> bool:
    """Whether `person` works (or offers to work) with `school`'s students, so the school may
    check their certificates: the contact of an offer submitted to the school (directly or through
    its consortium), an expert visible to the school, or an active member of an organisation in
    one of the school's consortia. Students never are. The later apps' tables are reached through
    their relation names, so accounts imports nothing from them."""
    if StudentEnrolment.objects.filter(student=person).exists():
        return False
    consortia = ConsortiumMembership.objects.filter(
        organisation=school, left_on__isnull=True
    ).values("consortium_id")
    partners = ConsortiumMembership.objects.filter(
        consortium_id__in=consortia, left_on__isnull=True
    ).values("organisation_id")
    return (
        User.objects.filter(pk=person.pk)
        .filter(
            Q(offers__schools=school)
            | Q(offers__consortium_id__in=consortia)
            | Q(expert_profile__schools=school)
            | Q(expert_profile__consortium_id__in=consortia)
            | Q(memberships__organisation_id__in=partners, memberships__ended_at__isnull=True)
        )
        .exists()
    )


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


_SUBJECT_PLURAL = {
    PolicySubject.GUEST_TEACHER: gettext_lazy("gastdocenten"),
    PolicySubject.COMPANY_MENTOR: gettext_lazy("praktijkbegeleiders"),
}
_HOW_TO_GET = {
    CertificateKind.VOG: gettext_lazy("Vraag een nieuwe VOG aan via Justis."),
    CertificateKind.BHV: gettext_lazy("Volg een BHV-(herhalings)training."),
    CertificateKind.VCA: gettext_lazy("Haal (opnieuw) een VCA-diploma."),
}


def certificate_policy_violations(
    *, person: User, school: Organisation, subject: str, on: dt.date
) -> list[str]:
    """Why `person` may not work with `school`'s students as `subject` on date `on`.

    `subject` is a `PolicySubject` value ("guest_teacher", "company_mentor"). Returns one message
    per certificate the school's policies require for that subject that the person does not hold
    validly on `on`; an empty list means the person complies (also when the school has no policy).
    Messages are in the active language and say what to do, e.g.:
    "Vista college vereist een geldige VOG voor gastdocenten; de VOG van Jan Jansen is verlopen op
    3 maart 2026. Vraag een nieuwe VOG aan via Justis."
    Only verified certificates count (`policy_certificates`); a valid but unchecked one gets "is
    nog niet gecontroleerd". Use it when scheduling a guest lesson or accepting a mentor (offers,
    engagement); for many people at once call it per person (two queries each).
    """
    required = list(
        CertificatePolicy.objects.filter(organisation=school, applies_to=subject)
        .order_by("certificate")
        .values_list("certificate", flat=True)
    )
    if not required:
        return []
    held = list(Certificate.objects.filter(holder=person, kind__in=required))
    messages = []
    for kind in required:
        mine = [certificate for certificate in held if certificate.kind == kind]
        if any(c.verified_at and c.issued_on <= on <= c.valid_until for c in mine):
            continue
        context = {
            "school": school.name,
            "kind": kind,
            "subject": _SUBJECT_PLURAL.get(subject, subject),
            "person": person.get_full_name() or person.email,
        }
        expired = [c for c in mine if c.valid_until < on]
        future = [c for c in mine if c.issued_on > on]
        todo = str(_HOW_TO_GET.get(kind, ""))
        if any(c.issued_on <= on <= c.valid_until for c in mine):
            # Valid dates, but nobody has seen the original document yet.
            problem = gettext("de %(kind)s van %(person)s is nog niet gecontroleerd") % context
            todo = gettext("Laat de school of Koppel het originele document controleren.")
        elif expired:
            context["date"] = dateformat.format(max(c.valid_until for c in expired), "j F Y")
            problem = gettext("de %(kind)s van %(person)s is verlopen op %(date)s") % context
        elif future:
            context["date"] = dateformat.format(min(c.issued_on for c in future), "j F Y")
            problem = gettext("de %(kind)s van %(person)s geldt pas vanaf %(date)s") % context
        else:
            problem = gettext("%(person)s heeft geen %(kind)s in Koppel") % context
        demand = gettext("%(school)s vereist een geldige %(kind)s voor %(subject)s") % context
        messages.append(f"{demand}; {problem}. {todo}".strip())
    return messages


# --- me -----------------------------------------------------------------------------------------


def active_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
