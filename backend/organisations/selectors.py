"""Reads for organisations: who sees which organisation, consortia, staff lists and the
certificate policies of schools. Who may do what lives in organisations.access."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import dateformat
from django.utils.translation import gettext, gettext_lazy

from backend.accounts.models import (
    Certificate,
    CertificateKind,
    Membership,
    Role,
    StudentEnrolment,
    User,
)
from backend.accounts.roles import COMPANY_ROLES, COORDINATING_ROLES
from backend.accounts.selectors import (
    company_ids,
    organisation_ids_for,
    staff_school_ids,
    student_enrolment,
)
from backend.organisations.models import (
    CertificatePolicy,
    Consortium,
    ConsortiumMembership,
    ConsortiumRole,
    Location,
    Organisation,
    OrganisationKind,
    PolicySubject,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Organisations a person may see.

    - Koppel staff and school staff: everything (the shared company database of a consortium).
    - Everyone signed in: schools, hogescholen, intermediaries, collectives and funders (public
      institutions), plus every organisation they are a member of.
    - Students additionally see the companies in their school's consortia.
    - Company contacts see their own company (and the public institutions), not other companies.
    """
    queryset = Organisation.objects.select_related("succeeded_by")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff or staff_school_ids(user):
        return queryset
    visible = ~Q(kind=OrganisationKind.COMPANY) | Q(pk__in=organisation_ids_for(user))
    enrolment = student_enrolment(user)
    if enrolment is not None:
        consortium_ids = ConsortiumMembership.objects.filter(
            organisation_id=enrolment.school_id, left_on__isnull=True
        ).values("consortium_id")
        visible |= Q(
            consortium_memberships__consortium_id__in=consortium_ids,
            consortium_memberships__left_on__isnull=True,
        )
    return queryset.filter(visible).distinct()


def acting_company(user: User) -> Organisation | None:
    """The company a contact person acts for on pages that work for one company at a time.
    A person who represents several companies acts for the one they joined first (lowest id),
    so every page picks the same one."""
    if not user.is_authenticated:
        return None
    return Organisation.objects.filter(pk__in=company_ids(user)).order_by("pk").first()


def school_with_brin(brin: str) -> Organisation | None:
    """The school with this BRIN code (any case, spaces around it ignored)."""
    return Organisation.objects.schools().filter(brin=brin.strip().upper()).first()


def locations_visible_to(user: User) -> QuerySet[Location]:
    return Location.objects.select_related("organisation").filter(
        organisation__in=organisations_visible_to(user).values("pk")
    )


# --- consortia ----------------------------------------------------------------------------------


def consortia_visible_to(user: User) -> QuerySet[Consortium]:
    """Consortia are public partnerships: every signed-in person may see them and their members."""
    if not user.is_authenticated:
        return Consortium.objects.none()
    return Consortium.objects.all()


def consortium_ids_for_organisations(organisation_ids: Iterable[int]) -> set[int]:
    """The consortia these organisations are active members of."""
    return set(
        ConsortiumMembership.objects.filter(
            organisation_id__in=organisation_ids, left_on__isnull=True
        ).values_list("consortium_id", flat=True)
    )


def consortium_lead_ids(consortium: Consortium) -> set[int]:
    return set(
        consortium.memberships.filter(role=ConsortiumRole.LEAD, left_on__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def consortium_members(consortium: Consortium) -> QuerySet[ConsortiumMembership]:
    return consortium.memberships.select_related("organisation").order_by("organisation__name")


def consortia_governed_by(user: User) -> QuerySet[Consortium]:
    """The consortia whose governance pages (partners, co-financing) a person opens: those their
    school (as coordinator, programme lead or institution admin) or their company (as contact)
    is an active member of; Koppel staff every consortium. Other consortia are not theirs, even
    though the partnership itself is public (consortia_visible_to)."""
    if not user.is_authenticated:
        return Consortium.objects.none()
    if user.is_staff:
        return Consortium.objects.all().order_by("name")
    organisations = organisation_ids_for(user, *COORDINATING_ROLES, *COMPANY_ROLES)
    return Consortium.objects.filter(
        pk__in=consortium_ids_for_organisations(organisations)
    ).order_by("name")


def consortium_candidates(consortium: Consortium) -> QuerySet[Organisation]:
    """Organisations that may join `consortium`: every active organisation that is not a current
    member (one that left may rejoin)."""
    current = consortium.memberships.filter(left_on__isnull=True).values("organisation_id")
    return Organisation.objects.active().exclude(pk__in=current).order_by("name")


def certificate_policies_of_schools(school_ids: Iterable[int]) -> QuerySet[CertificatePolicy]:
    """The certificate policies (VOG and others) of these schools, by school: one query."""
    return (
        CertificatePolicy.objects.filter(organisation_id__in=list(school_ids))
        .select_related("organisation")
        .order_by("organisation__name", "certificate", "applies_to")
    )


def schools_by_ids(school_ids: Iterable[int]) -> QuerySet[Organisation]:
    return Organisation.objects.schools().filter(pk__in=list(school_ids)).order_by("name")


# --- people -------------------------------------------------------------------------------------


def organisation_staff(organisation: Organisation) -> QuerySet[Membership]:
    """An organisation's staff list: every membership except students (see the students list),
    ended ones included so the history stays visible."""
    return (
        Membership.objects.filter(organisation=organisation)
        .exclude(role=Role.STUDENT)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "role")
    )


def organisation_contacts(organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's current contact people (company contacts)."""
    return (
        Membership.objects.active()
        .filter(organisation=organisation, role__in=COMPANY_ROLES)
        .select_related("user")
    )


def person_related_to_school(person: User, school: Organisation) -> bool:
    """Whether `person` works (or offers to work) with `school`'s students, so the school may
    check their certificates: the contact of an offer submitted to the school (directly or through
    its consortium), an expert visible to the school, or an active member of an organisation in
    one of the school's consortia. Students never are. The later apps' tables (offers, experts)
    are reached through their relation names, so organisations imports nothing from them."""
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


# --- certificate policies -----------------------------------------------------------------------


def certificate_policies_for(organisation: Organisation) -> QuerySet[CertificatePolicy]:
    return (
        CertificatePolicy.objects.filter(organisation=organisation)
        .select_related("organisation")
        .order_by("certificate", "applies_to")
    )


_SUBJECT_PLURAL: "dict[str, StrPromise]" = {
    PolicySubject.GUEST_TEACHER: gettext_lazy("gastdocenten"),
    PolicySubject.COMPANY_MENTOR: gettext_lazy("praktijkbegeleiders"),
}
_HOW_TO_GET: "dict[str, StrPromise]" = {
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
    Only verified certificates count (`accounts.selectors.policy_certificates`); a valid but
    unchecked one gets "is nog niet gecontroleerd". Use it when scheduling a guest lesson or
    accepting a mentor (offers, engagement); for many people at once call it per person (two
    queries each).
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
        problem, todo = _certificate_problem(mine, kind, context, on=on)
        demand = gettext("%(school)s vereist een geldige %(kind)s voor %(subject)s") % context
        messages.append(f"{demand}; {problem}. {todo}".strip())
    return messages


def _certificate_problem(
    mine: list[Certificate], kind: str, context: Mapping[str, object], *, on: dt.date
) -> tuple[str, str]:
    """What is wrong with the person's certificates of `kind` on `on`, and what to do."""
    todo = str(_HOW_TO_GET.get(kind, ""))
    expired = [c for c in mine if c.valid_until < on]
    future = [c for c in mine if c.issued_on > on]
    if any(c.issued_on <= on <= c.valid_until for c in mine):
        # Valid dates, but nobody has seen the original document yet.
        problem = gettext("de %(kind)s van %(person)s is nog niet gecontroleerd") % context
        todo = gettext("Laat de school of Koppel het originele document controleren.")
    elif expired:
        date = dateformat.format(max(c.valid_until for c in expired), "j F Y")
        problem = gettext("de %(kind)s van %(person)s is verlopen op %(date)s") % {
            **context,
            "date": date,
        }
    elif future:
        date = dateformat.format(min(c.issued_on for c in future), "j F Y")
        problem = gettext("de %(kind)s van %(person)s geldt pas vanaf %(date)s") % {
            **context,
            "date": date,
        }
    else:
        problem = gettext("%(person)s heeft geen %(kind)s in Koppel") % context
    return problem, todo
