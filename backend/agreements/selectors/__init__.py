"""Reads for the agreements ledger. Querysets come with their joins done."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from backend.accounts.models import Membership, Role, User
from backend.accounts.roles import COORDINATING_ROLES, STUDENT_ROLES
from backend.accounts.selectors import coordinator_school_ids
from backend.agreements.models import (
    Acceptance,
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementStatus,
    AgreementTemplate,
    AgreementVersion,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
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
from backend.agreements.selectors.ledger import ledger_report

__all__ = [
    "AGREEMENT_OFFER_STATUSES",
    "acting_party",
    "agreement_detail",
    "agreement_list",
    "agreement_school_ids",
    "agreements_visible_to",
    "can_manage",
    "can_read",
    "commitments_visible_to",
    "is_school_coordinator_for",
    "ledger_report",
    "offer_for_agreement",
    "offer_unavailable",
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
    agreement: Agreement | None = (
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
    return agreement


def agreement_templates() -> QuerySet[AgreementTemplate]:
    """Every template with its clauses, newest version first per kind."""
    return AgreementTemplate.objects.prefetch_related("clauses")


def agreement_events(agreement: Agreement) -> QuerySet[AgreementEvent]:
    return agreement.events.select_related("actor").order_by("sequence")


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(agreement__in=agreements_visible_to(user))
        .select_related("owner", "organisation", "agreement")
        .order_by("due_on", "pk")
    )


def visible_commitment(user: User, pk: int) -> Commitment | None:
    """The commitment if `user` reads its agreement, else None (one answer for both)."""
    commitment: Commitment | None = commitments_visible_to(user).filter(pk=pk).first()
    return commitment


def commitments_for_export(
    user: User, *, agreement_id: int | None, consortium_id: int | None
) -> QuerySet[Commitment]:
    """The commitments `user` reads, of one agreement and/or of a consortium's agreements (the
    consortium agreement itself and agreements with a member), each once, by agreement."""
    commitments = commitments_visible_to(user)
    if agreement_id is not None:
        commitments = commitments.filter(agreement_id=agreement_id)
    if consortium_id is not None:
        commitments = (
            commitments.filter(agreement__consortium_id=consortium_id)
            | commitments.filter(
                agreement__parties__organisation__consortium_memberships__consortium_id=consortium_id
            ).distinct()
        )
    return commitments.order_by("agreement_id", "due_on", "pk").distinct()


def my_pending_commitments(user: User) -> QuerySet[Commitment]:
    """The open and overdue commitments `user` owns, soonest first."""
    return commitments_visible_to(user).filter(owner=user, status__in=PENDING_STATUSES)


def commitments_due_soon(user: User, *, today: dt.date) -> QuerySet[Commitment]:
    """`user`'s open and overdue commitments due within a week (or already late)."""
    return Commitment.objects.filter(
        owner=user, status__in=PENDING_STATUSES, due_on__lte=today + dt.timedelta(days=7)
    ).select_related("agreement")


def commitment_history(commitment: Commitment) -> QuerySet[CommitmentUpdate]:
    return commitment.updates.select_related("actor", "from_owner", "to_owner")


def parties_still_to_accept(
    agreement: Agreement, version: AgreementVersion
) -> list[AgreementParty]:
    """The parties that have not accepted `version`, or must re-confirm it."""
    accepted = set(version.acceptances.values_list("organisation_id", flat=True))
    return [
        party
        for party in agreement.parties.select_related("organisation")
        if party.organisation_id not in accepted or party.needs_reconfirmation
    ]


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


@dataclass(frozen=True)
class CoordinatorAttention:
    """What a school coordinator should look at: commitments that are late, agreements where a
    party must re-confirm, and proposals nobody accepted for more than a week."""

    overdue: list[Commitment]
    reconfirm: list[Agreement]
    stalled: list[Agreement]


def attention_for_coordinator(user: User, *, now: dt.datetime) -> CoordinatorAttention:
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
    return CoordinatorAttention(
        overdue=list(overdue), reconfirm=list(reconfirm), stalled=list(stalled)
    )


def school_coordinators(agreement: Agreement) -> list[User]:
    """Coordinators of the agreement's school parties (programme leads and admins when a school
    has no coordinator), plus the school party's contact person."""
    school_ids = [p.organisation_id for p in agreement.parties.all() if p.organisation.is_school]
    people: dict[int, User] = {}
    # The coordinators; only when a school has none, the rest of its coordinating staff.
    for roles in ((Role.COORDINATOR,), COORDINATING_ROLES):
        for membership in (
            Membership.objects.active()
            .filter(organisation_id__in=school_ids, role__in=roles, user__is_active=True)
            .select_related("user")
        ):
            people.setdefault(membership.user_id, membership.user)
        if people:
            break
    for party in agreement.parties.all():
        if party.organisation.is_school and party.contact is not None:
            people.setdefault(party.contact.pk, party.contact)
    return list(people.values())


def party_organisation_for_person(agreement: Agreement, person: User) -> int | None:
    """The party organisation a person works for (any role but student), or None."""
    party_ids = [p.organisation_id for p in agreement.parties.all()]
    membership = (
        Membership.objects.active()
        .filter(user=person, organisation_id__in=party_ids)
        .exclude(role__in=STUDENT_ROLES)
        .order_by("pk")
        .first()
    )
    return membership.organisation_id if membership else None
