"""Reads for organisations: who sees which organisation, who may manage what."""

from django.db.models import Q, QuerySet

from backend.accounts.models import Membership, Role, User
from backend.accounts.selectors import (
    company_ids,
    organisation_ids_for,
    staff_school_ids,
    student_enrolment,
    user_roles,
)
from backend.organisations.models import (
    CertificatePolicy,
    Consortium,
    ConsortiumMembership,
    ConsortiumRole,
    Location,
    Organisation,
    OrganisationKind,
)

# Roles that manage an organisation's own data (name, locations, people, policies).
MANAGER_ROLES = {
    OrganisationKind.SCHOOL: (Role.INSTITUTION_ADMIN,),
    OrganisationKind.HOGESCHOOL: (Role.INSTITUTION_ADMIN,),
    OrganisationKind.COMPANY: (Role.COMPANY_CONTACT, Role.INSTITUTION_ADMIN),
    OrganisationKind.INTERMEDIARY: (Role.COMPANY_CONTACT, Role.INSTITUTION_ADMIN),
    OrganisationKind.COLLECTIVE: (Role.COMPANY_CONTACT, Role.INSTITUTION_ADMIN),
    OrganisationKind.FUNDER: (Role.COMPANY_CONTACT, Role.INSTITUTION_ADMIN),
}
# Who may see an organisation's staff list (memberships): its managers plus coordinators.
STAFF_LIST_ROLES = (
    Role.INSTITUTION_ADMIN,
    Role.COORDINATOR,
    Role.PROGRAMME_LEAD,
    Role.COMPANY_CONTACT,
)


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


def can_manage_organisation(user: User, organisation: Organisation) -> bool:
    """Institution admins manage their own school; company contacts their own company;
    Koppel staff everything."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    roles = MANAGER_ROLES.get(organisation.kind, (Role.INSTITUTION_ADMIN,))
    return organisation.pk in organisation_ids_for(user, *roles)


def can_see_staff_list(user: User, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or organisation.pk in organisation_ids_for(user, *STAFF_LIST_ROLES)


def can_create_organisation(user: User, kind: str) -> bool:
    """Koppel staff create any organisation. A school's intake team (coordinator, programme lead,
    institution admin) registers companies, intermediaries and collectives that come forward.
    Companies can also sign themselves up (see accounts.services.company_sign_up)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    intake_kinds = {
        OrganisationKind.COMPANY,
        OrganisationKind.INTERMEDIARY,
        OrganisationKind.COLLECTIVE,
    }
    intake_roles = {Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.INSTITUTION_ADMIN}
    return kind in intake_kinds and bool(user_roles(user) & intake_roles)


def acting_company(user: User) -> Organisation | None:
    """The company a contact person acts for on pages that work for one company at a time.
    A person who represents several companies acts for the one they joined first (lowest id),
    so every page picks the same one."""
    if not user.is_authenticated:
        return None
    return Organisation.objects.filter(pk__in=company_ids(user)).order_by("pk").first()


def locations_visible_to(user: User) -> QuerySet[Location]:
    return Location.objects.select_related("organisation").filter(
        organisation__in=organisations_visible_to(user).values("pk")
    )


def consortia_visible_to(user: User) -> QuerySet[Consortium]:
    """Consortia are public partnerships: every signed-in person may see them and their members."""
    if not user.is_authenticated:
        return Consortium.objects.none()
    return Consortium.objects.all()


def consortium_lead_ids(consortium: Consortium) -> set[int]:
    return set(
        consortium.memberships.filter(role=ConsortiumRole.LEAD, left_on__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def can_manage_consortium(user: User, consortium: Consortium) -> bool:
    """Admins of the consortium's lead organisation (penvoerder) manage its members."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    admin_of = organisation_ids_for(user, Role.INSTITUTION_ADMIN)
    return bool(admin_of & consortium_lead_ids(consortium))


def consortium_members(consortium: Consortium) -> QuerySet[ConsortiumMembership]:
    return consortium.memberships.select_related("organisation").order_by("organisation__name")


def organisation_staff(organisation: Organisation) -> QuerySet[Membership]:
    """An organisation's staff list: every membership except students (see the students list),
    ended ones included so the history stays visible."""
    return (
        Membership.objects.filter(organisation=organisation)
        .exclude(role=Role.STUDENT)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "role")
    )


def certificate_policies_for(organisation: Organisation) -> QuerySet[CertificatePolicy]:
    return (
        CertificatePolicy.objects.filter(organisation=organisation)
        .select_related("organisation")
        .order_by("certificate", "applies_to")
    )
