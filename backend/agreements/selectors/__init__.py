"""Reads for the agreements ledger. Querysets come with their joins done."""

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.selectors import coordinator_school_ids
from backend.agreements.models import (
    Acceptance,
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Pledge,
    PledgeKind,
)
from backend.agreements.models.agreements import OPEN_STATUSES
from backend.agreements.models.commitments import PENDING_STATUSES
from backend.agreements.selectors.access import (
    AGREEMENT_OFFER_STATUSES,
    acting_organisation_ids,
    acting_party,
    agreement_school_ids,
    agreements_visible_to,
    can_manage,
    can_read,
    is_school_coordinator_for,
    offer_for_agreement,
    offer_unavailable,
)
from backend.agreements.selectors.reliability import (
    Reliability,
    reliability_for_organisation,
    reliability_for_person,
)
from frontend.dashboard.items import DashboardItem

__all__ = [
    "AGREEMENT_OFFER_STATUSES",
    "Reliability",
    "acting_party",
    "agreement_detail",
    "agreement_list",
    "agreement_school_ids",
    "agreements_visible_to",
    "can_manage",
    "can_read",
    "commitments_visible_to",
    "dashboard_items_for",
    "is_school_coordinator_for",
    "ledger_report",
    "offer_for_agreement",
    "offer_unavailable",
    "reliability_for_organisation",
    "reliability_for_person",
]


def agreement_list(user: User) -> QuerySet[Agreement]:
    return (
        agreements_visible_to(user)
        .select_related("offer", "template", "parent", "consortium")
        .prefetch_related(
            Prefetch(
                "parties", queryset=AgreementParty.objects.select_related("organisation", "contact")
            )
        )
        .order_by("-created_at", "-pk")
    )


def agreement_detail(user: User, pk: int) -> Agreement | None:
    return (
        agreements_visible_to(user)
        .select_related("offer", "template", "parent", "consortium")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.select_related(
                    "organisation", "contact", "previous_organisation"
                ),
            ),
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.select_related("created_by").order_by("number"),
            ),
            Prefetch(
                "versions__acceptances",
                queryset=Acceptance.objects.select_related("person", "organisation"),
            ),
            Prefetch(
                "commitments", queryset=Commitment.objects.select_related("owner", "organisation")
            ),
            "participants",
        )
        .filter(pk=pk)
        .first()
    )


def agreement_events(agreement: Agreement) -> QuerySet[AgreementEvent]:
    return agreement.events.select_related("actor").order_by("sequence")


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(agreement__in=agreements_visible_to(user))
        .select_related("owner", "organisation", "agreement")
        .order_by("due_on", "pk")
    )


def commitment_history(commitment: Commitment) -> QuerySet[CommitmentUpdate]:
    return commitment.updates.select_related("actor", "from_owner", "to_owner")


def waiting_for_acceptance(user: User) -> list[Agreement]:
    """Proposed agreements where one of the user's acting organisations has yet to accept the
    current version, and running ones where that party must re-confirm."""
    organisations = acting_organisation_ids(user)
    if not organisations:
        return []
    parties = AgreementParty.objects.filter(organisation_id__in=organisations).select_related(
        "agreement", "organisation"
    )
    waiting = []
    candidates = [
        p
        for p in parties
        if p.agreement.status == AgreementStatus.PROPOSED
        or (p.needs_reconfirmation and p.agreement.status in OPEN_STATUSES)
    ]
    versions = {
        v.agreement_id: v
        for v in AgreementVersion.objects.filter(
            agreement_id__in={p.agreement_id for p in candidates}
        ).order_by("agreement_id", "number")
    }
    accepted = set(
        Acceptance.objects.filter(version__in=versions.values()).values_list(
            "version_id", "organisation_id"
        )
    )
    for party in candidates:
        version = versions.get(party.agreement_id)
        if version and (
            party.needs_reconfirmation or (version.pk, party.organisation_id) not in accepted
        ):
            waiting.append(party.agreement)
    return waiting


def attention_for_coordinator(user: User, *, now) -> dict:
    """For school coordinators: overdue commitments and agreements that need re-confirmation."""
    schools = coordinator_school_ids(user)
    agreements = Agreement.objects.filter(parties__organisation_id__in=schools).distinct()
    overdue = (
        Commitment.objects.filter(agreement__in=agreements, status=CommitmentStatus.OVERDUE)
        .select_related("owner", "agreement", "organisation")
        .order_by("due_on", "pk")
    )
    reconfirm = (
        Agreement.objects.filter(
            pk__in=AgreementParty.objects.filter(
                needs_reconfirmation=True, agreement__in=agreements
            ).values("agreement_id"),
            status__in=OPEN_STATUSES,
        )
        .prefetch_related("parties__organisation")
        .order_by("pk")
    )
    stalled = agreements.filter(
        status=AgreementStatus.PROPOSED, status_changed_at__lt=now - dt.timedelta(days=7)
    ).order_by("pk")
    return {"overdue": list(overdue), "reconfirm": list(reconfirm), "stalled": list(stalled)}


def dashboard_items_for(user, *, now) -> list[DashboardItem]:
    """Agreements waiting for my acceptance, my commitments due within a week or overdue, and
    for coordinators overdue commitments and agreements that need re-confirmation."""
    if not user.is_authenticated:
        return []
    today = now.date()
    items = [
        DashboardItem(
            title=_("Afspraak wacht op je acceptatie: %(title)s") % {"title": a.title},
            url=reverse("frontend:agreement-detail", args=[a.pk]),
            area="agreements",
            urgency=1,
        )
        for a in waiting_for_acceptance(user)
    ]
    mine = Commitment.objects.filter(
        owner=user, status__in=PENDING_STATUSES, due_on__lte=today + dt.timedelta(days=7)
    ).select_related("agreement")
    for commitment in mine:
        overdue = commitment.status == CommitmentStatus.OVERDUE or commitment.due_on < today
        items.append(
            DashboardItem(
                title=(_("Te laat: %(what)s") if overdue else _("Binnenkort: %(what)s"))
                % {"what": commitment.title},
                url=reverse("frontend:agreement-detail", args=[commitment.agreement_id]),
                area="agreements",
                detail=commitment.agreement.title,
                due=commitment.due_on,
                urgency=2 if overdue or commitment.due_on == today else 1,
            )
        )
    if coordinator_school_ids(user):
        attention = attention_for_coordinator(user, now=now)
        for commitment in attention["overdue"]:
            if commitment.owner_id == user.pk:
                continue
            items.append(
                DashboardItem(
                    title=_("Te laat bij %(owner)s: %(what)s")
                    % {"owner": commitment.owner, "what": commitment.title},
                    url=reverse("frontend:agreement-detail", args=[commitment.agreement_id]),
                    area="agreements",
                    detail=commitment.agreement.title,
                    due=commitment.due_on,
                    urgency=2,
                )
            )
        for agreement in attention["reconfirm"]:
            items.append(
                DashboardItem(
                    title=_("Opnieuw bevestigen nodig: %(title)s") % {"title": agreement.title},
                    url=reverse("frontend:agreement-detail", args=[agreement.pk]),
                    area="agreements",
                    urgency=1,
                )
            )
    return items


def _zero() -> dict:
    return {
        "pledged_amount": Decimal("0"),
        "pledged_hours": Decimal("0"),
        "realised_amount": Decimal("0"),
        "realised_hours": Decimal("0"),
        "direct_amount": Decimal("0"),
        "direct_hours": Decimal("0"),
        "paid_to": set(),
    }


def ledger_report(consortium) -> dict:
    """Pledged vs realised per funder and per partner (cash and hours), including the part paid
    directly to a training provider. Two queries."""
    pledges = list(
        Pledge.objects.filter(consortium=consortium)
        .select_related("partner", "funder")
        .prefetch_related("realisations__paid_directly_to")
    )
    by_funder: dict[str, dict] = {}
    by_partner: dict[str, dict] = {}
    for pledge in pledges:
        for key, table in ((pledge.funder.name, by_funder), (pledge.partner.name, by_partner)):
            row = table.setdefault(key, _zero())
            if pledge.kind == PledgeKind.CASH:
                row["pledged_amount"] += pledge.amount
            else:
                row["pledged_hours"] += pledge.hours
            for realisation in pledge.realisations.all():
                row["realised_amount"] += realisation.amount or 0
                row["realised_hours"] += realisation.hours or 0
                if realisation.paid_directly_to_id:
                    row["direct_amount"] += realisation.amount or 0
                    row["direct_hours"] += realisation.hours or 0
                    row["paid_to"].add(realisation.paid_directly_to.name)

    def rows(table):
        return [
            {
                "name": name,
                **{k: v for k, v in row.items() if k != "paid_to"},
                "paid_to": sorted(row["paid_to"]),
            }
            for name, row in sorted(table.items())
        ]

    return {
        "consortium": consortium.name,
        "by_funder": rows(by_funder),
        "by_partner": rows(by_partner),
    }
