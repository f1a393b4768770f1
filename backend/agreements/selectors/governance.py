"""Reads for the governance pages: which pledges a person sees, the umbrella and consortium
agreements, who accepted the consortium agreement, and the choices for the forms that create
them. Who may do what stays in selectors.access (can_read_ledger, can_keep_ledger, ...)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.accounts.selectors import company_ids, coordinator_school_ids, staff_school_ids
from backend.agreements.models import Acceptance, Agreement, AgreementKind, Pledge
from backend.agreements.selectors import agreement_list
from backend.organisations.models import Consortium, Organisation, OrganisationKind

GOVERNANCE_KINDS = (AgreementKind.UMBRELLA, AgreementKind.CONSORTIUM)


def sees_whole_ledger(user: User, consortium: Consortium) -> bool:
    """Koppel staff and the staff of a member school see every partner's pledges; a company
    contact sees only the pledges of their own company (the rest is the other partners' business).
    """
    if user.is_staff:
        return True
    members = set(consortium.memberships.values_list("organisation_id", flat=True))
    return bool(members & staff_school_ids(user))


def pledges_visible_to(user: User, consortium: Consortium) -> QuerySet[Pledge]:
    """The consortium's pledges this person sees (see sees_whole_ledger), with partner, funder and
    realisations loaded: two queries however many pledges."""
    pledges = (
        Pledge.objects.filter(consortium=consortium)
        .select_related("partner", "funder")
        .prefetch_related("realisations__paid_directly_to")
        .order_by("partner__name", "period_start", "pk")
    )
    if sees_whole_ledger(user, consortium):
        return pledges
    return pledges.filter(partner_id__in=company_ids(user))


def pledge_partner_choices(user: User, consortium: Consortium) -> QuerySet[Organisation]:
    """Partners a person may record a pledge for: every current member for the school side, the
    own company for a company contact."""
    members = Organisation.objects.filter(
        consortium_memberships__consortium=consortium,
        consortium_memberships__left_on__isnull=True,
    ).order_by("name")
    if user.is_staff or coordinator_school_ids(user) & set(members.values_list("pk", flat=True)):
        return members
    return members.filter(pk__in=company_ids(user))


def funder_choices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.FUNDER).order_by("name")


def collective_choices() -> QuerySet[Organisation]:
    """Company collectives a school may make an umbrella agreement with (public institutions)."""
    return Organisation.objects.filter(kind=OrganisationKind.COLLECTIVE).active().order_by("name")


def umbrella_school_choices(user: User) -> QuerySet[Organisation]:
    """Schools for which this person makes an umbrella agreement: where they coordinate."""
    return (
        Organisation.objects.schools().filter(pk__in=coordinator_school_ids(user)).order_by("name")
    )


def governance_agreements(user: User) -> QuerySet[Agreement]:
    """Umbrella and consortium agreements the person may read, newest first, parties loaded."""
    return agreement_list(user).filter(kind__in=GOVERNANCE_KINDS)


@dataclass(frozen=True)
class PartnerAgreement:
    """Where one partner stands on the consortium's current consortium agreement."""

    agreement: Agreement
    is_party: bool
    accepted: bool


def consortium_agreement_status(
    consortium: Consortium, organisation_ids: list[int]
) -> dict[int, PartnerAgreement]:
    """Per organisation: its place in the consortium's newest consortium agreement (party or not,
    accepted its latest version or not). Empty when there is none. Three queries."""
    agreement = (
        Agreement.objects.filter(consortium=consortium, kind=AgreementKind.CONSORTIUM)
        .order_by("-created_at", "-pk")
        .first()
    )
    if agreement is None:
        return {}
    parties = set(agreement.parties.values_list("organisation_id", flat=True))
    latest = agreement.versions.order_by("-number").values_list("pk", flat=True).first()
    accepted = set(
        Acceptance.objects.filter(version_id=latest).values_list("organisation_id", flat=True)
    )
    return {
        pk: PartnerAgreement(agreement=agreement, is_party=pk in parties, accepted=pk in accepted)
        for pk in organisation_ids
    }
