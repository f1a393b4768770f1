"""Demo agreements (called by `manage.py load_demo` after the foundation demo).

Digiwise Limburg (Vista): short agreements in every state, commitments in every status, a
company takeover that needs re-confirmation, a coordinator who left and handed over, and the
consortium agreement with co-financing pledges and realisations (some paid directly to a training
provider). MICA (Friesland College): an umbrella agreement with a company collective and short
agreements generated under it. Deterministic and built through the services, so every row has
its log entries."""

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace

from backend.accounts.models import Membership, Role, User
from backend.agreements import services
from backend.agreements.models import (
    Agreement,
    AgreementStatus,
    CollectiveMember,
    CommitmentStatus,
    Pledge,
)
from backend.agreements.selectors import AGREEMENT_OFFER_STATUSES
from backend.offers.models import Offer
from backend.offers.selectors import submitted_to_schools
from backend.organisations.models import Consortium, Organisation, OrganisationKind
from backend.organisations.services import organisation_create, organisation_succeed

SEED = 5


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _member(organisation: Organisation, role: str, exclude: Iterable[User] = ()) -> User | None:
    membership = (
        Membership.objects.active()
        .filter(organisation=organisation, role=role, user__left_at__isnull=True)
        .exclude(user__in=list(exclude))
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _contact_user(
    organisation: Organisation, email: str, first: str, last: str, password_from: User
) -> User:
    user: User | None = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email, first_name=first, last_name=last, password=password_from.password
        )
    Membership.objects.get_or_create(
        user=user, organisation=organisation, role=Role.COMPANY_CONTACT
    )
    return user


def load(*, now: dt.datetime) -> None:
    rng = random.Random(SEED)
    coordinator = _user("coordinator@digiwise.demo")
    if coordinator is None:
        return  # the Digiwise scenario is not there: nothing to build on
    school = _coordinated_school(coordinator)
    if school is None:
        return
    _digiwise(now=now, rng=rng, school=school, coordinator=coordinator)
    _consortium(now=now, school=school, coordinator=coordinator)
    mica = _user("coordinator@mica.demo")
    if mica is not None:
        _umbrella(now=now, coordinator=mica)


def _coordinated_school(coordinator: User) -> Organisation | None:
    membership = (
        Membership.objects.filter(user=coordinator, role=Role.COORDINATOR)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


def _offers(school: Organisation, rng: random.Random) -> list[Offer]:
    # Only offers an agreement may be made about: submitted to the school (by name or through
    # its consortium) and published or running, as the agreements service requires.
    offers = list(
        Offer.objects.filter(
            submitted_to_schools({school.pk}),
            status__in=AGREEMENT_OFFER_STATUSES,
            owner__kind=OrganisationKind.COMPANY,
            owner__succeeded_by__isnull=True,
        )
        .order_by("pk")
        .distinct()
    )
    rng.shuffle(offers)
    return offers


def _accept_all(agreement: Agreement, *, coordinator: User, now: dt.datetime) -> None:
    for party in agreement.parties.select_related("organisation", "contact"):
        person = (
            coordinator
            if party.organisation.is_school
            else (party.contact or _member(party.organisation, Role.COMPANY_CONTACT))
        )
        if person is not None:
            services.agreement_accept(
                agreement=agreement,
                actor=person,
                now=now,
                ip_address="192.0.2.10",
                user_agent="Mozilla/5.0 (demo)",
            )


# One short agreement per state, in this order ("takeover" and "handover" get extra steps).
DIGIWISE_STATES = [
    "draft",
    "proposed",
    "accepted",
    "active",
    "fulfilled",
    "cancelled",
    "expired",
    "broken",
    "takeover",
    "handover",
    "active2",
]


def _digiwise(
    *, now: dt.datetime, rng: random.Random, school: Organisation, coordinator: User
) -> None:
    earlier = now - dt.timedelta(days=30)
    made: dict[str, Agreement] = {}
    used_owners: set[int] = set()
    for state, offer in zip(DIGIWISE_STATES, _offers(school, rng), strict=False):
        if state == "takeover" and offer.owner_id in used_owners:
            continue
        used_owners.add(offer.owner_id)
        agreement = services.agreement_create_from_offer(
            offer=offer,
            school=school,
            actor=coordinator,
            now=earlier,
            draft=_draft(offer, school=school, coordinator=coordinator, now=earlier),
        )
        made[state] = agreement
        _bring_to(state, agreement, coordinator=coordinator, now=now)
    if "active" in made:
        _commitments_in_every_status(made["active"], coordinator=coordinator, now=now)
    if "takeover" in made:
        _takeover(made["takeover"], now=now)
    if "handover" in made:
        _handover(made["handover"], school=school, coordinator=coordinator, now=now)


# Hours of guidance the company gives, as a coordinator would agree them per kind of offer.
DEMO_HOURS = {"challenge": 12, "internship": 40, "guest_lesson": 2, "company_visit": 3}


def _draft(
    offer: Offer, *, school: Organisation, coordinator: User, now: dt.datetime
) -> services.OfferAgreementDraft:
    """The draft as the coordinator completes it: hours agreed with the company, and dates and
    deliverables filled in where the offer leaves them open or its period is already over, so
    nothing is sent with "(nog niet ingevuld)" or a term that has ended."""
    draft = services.offer_agreement_draft(offer=offer, school=school, actor=coordinator, now=now)
    today = now.date()
    plans = draft.commitments
    starts_on, ends_on = draft.starts_on, draft.ends_on
    if starts_on is None or ends_on is None or ends_on < today:
        # A new period: the usual commitments move along with it.
        old_start = starts_on or today + dt.timedelta(days=14)
        starts_on = today + dt.timedelta(days=21)
        ends_on = starts_on + dt.timedelta(weeks=8)
        shift = starts_on - old_start
        plans = tuple(replace(plan, due_on=max(plan.due_on + shift, today)) for plan in plans)
    return replace(
        draft,
        starts_on=starts_on,
        ends_on=ends_on,
        mentoring_hours=DEMO_HOURS.get(offer.kind, 4),
        deliverables=draft.deliverables
        or "een korte presentatie voor het bedrijf over wat de studenten hebben gemaakt",
        commitments=plans,
    )


def _bring_to(state: str, agreement: Agreement, *, coordinator: User, now: dt.datetime) -> None:
    """Take a fresh draft to the demo `state` through the services, as people would have."""
    earlier = now - dt.timedelta(days=30)
    if state == "draft":
        return
    services.agreement_propose(agreement=agreement, actor=coordinator, now=earlier)
    if state == "proposed":
        return
    if state == "cancelled":
        services.agreement_cancel(
            agreement=agreement,
            actor=coordinator,
            now=now,
            reason="Het bedrijf heeft dit voorjaar geen begeleider beschikbaar.",
        )
        return
    if state == "expired":
        _expire(agreement, coordinator=coordinator, now=now)
        return
    _accept_all(agreement, coordinator=coordinator, now=earlier)
    if state in ("accepted", "takeover"):
        return
    if state == "broken":
        services.agreement_break(
            agreement=agreement,
            actor=coordinator,
            now=now,
            reason="Het bedrijf kwam twee keer niet opdagen en reageerde niet meer.",
        )
        return
    services.agreement_activate(agreement=agreement, actor=coordinator, now=earlier)
    if state == "fulfilled":
        _fulfil(agreement, coordinator=coordinator, now=now)


def _expire(agreement: Agreement, *, coordinator: User, now: dt.datetime) -> None:
    """Moved to dates in the past, then expired by the daily run."""
    today = now.date()
    services.agreement_change(
        agreement=agreement,
        actor=coordinator,
        now=now - dt.timedelta(days=30),
        note="Oude planning",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=10),
    )
    services.agreement_expire(agreement=agreement, now=now)


def _fulfil(agreement: Agreement, *, coordinator: User, now: dt.datetime) -> None:
    for commitment in agreement.commitments.all():
        services.commitment_set_status(
            commitment=commitment,
            actor=coordinator,
            status=CommitmentStatus.DONE,
            note="Afgerond en besproken in het eindgesprek.",
            now=now - dt.timedelta(days=30),
        )
    services.agreement_fulfil(agreement=agreement, actor=coordinator, now=now)


# (owner, what, due days ago, status it ends in, note, days ago it got that status); owner
# "contact" is the company's contact, "coordinator" the school's.
COMMITMENTS_IN_EVERY_STATUS: list[tuple[str, str, int, str | None, str, int]] = [
    (
        "contact",
        "Werkplekken en inloggegevens klaarzetten",
        20,
        CommitmentStatus.DONE,
        "Klaar op tijd.",
        21,
    ),
    (
        "coordinator",
        "Kennismakingsgesprek plannen",
        15,
        CommitmentStatus.DONE,
        "Twee dagen later dan afgesproken.",
        13,
    ),
    ("contact", "Tussentijdse demo bijwonen", 3, None, "", 0),
    (
        "coordinator",
        "Extra werkbezoek",
        8,
        CommitmentStatus.WAIVED,
        "Niet meer nodig: online gedaan.",
        5,
    ),
    (
        "contact",
        "Feedbackformulier invullen na week 2",
        6,
        CommitmentStatus.BROKEN,
        "Na drie herinneringen niet ontvangen.",
        2,
    ),
]


def _commitments_in_every_status(
    agreement: Agreement, *, coordinator: User, now: dt.datetime
) -> None:
    """Open (the defaults), done on time, done late, overdue (escalated), waived and broken."""
    today = now.date()
    company = agreement.parties.get(role="company")
    contact = company.contact or _member(company.organisation, Role.COMPANY_CONTACT)
    owners = {"contact": contact, "coordinator": coordinator}
    for owner, title, due_days_ago, status, note, days_ago in COMMITMENTS_IN_EVERY_STATUS:
        person = owners[owner]
        if person is None:
            continue
        commitment = services.commitment_create(
            agreement=agreement,
            actor=coordinator,
            owner=person,
            title=title,
            due_on=today - dt.timedelta(days=due_days_ago),
            now=now - dt.timedelta(days=25),
        )
        if status is not None:
            services.commitment_set_status(
                commitment=commitment,
                actor=coordinator,
                status=status,
                note=note,
                now=now - dt.timedelta(days=days_ago),
            )
    services.commitment_escalate_overdue(now=now)


def _takeover(agreement: Agreement, *, now: dt.datetime) -> None:
    """The company is taken over by another Digiwise company; its signatory has left, so the
    successor's contact must re-confirm."""
    party = agreement.parties.select_related("organisation").get(role="company")
    old = party.organisation
    successor = (
        Organisation.objects.companies()
        .active()
        .exclude(pk=old.pk)
        .filter(memberships__user__email="bedrijf@digiwise.demo")
        .first()
        or Organisation.objects.companies().active().exclude(pk=old.pk).order_by("pk").first()
    )
    admin = User.objects.filter(is_staff=True).order_by("pk").first()
    if successor is None or admin is None:
        return
    organisation_succeed(
        organisation=old, successor=successor, on=now.date() - dt.timedelta(days=2), actor=admin
    )
    signatory = agreement.current_version().acceptances.filter(organisation=old).first()
    if signatory is not None:
        User.objects.filter(pk=signatory.person_id).update(left_at=now - dt.timedelta(days=3))
        Membership.objects.filter(user_id=signatory.person_id, organisation=old).update(
            ended_at=now - dt.timedelta(days=3)
        )
    services.agreements_move_to_successor(organisation=old, actor=admin, now=now)


def _handover(
    agreement: Agreement, *, school: Organisation, coordinator: User, now: dt.datetime
) -> None:
    """A second coordinator of the school ran this agreement, left, and handed over."""
    leaving = _member(school, Role.COORDINATOR, exclude=[coordinator])
    if leaving is None:
        return
    school_party = agreement.parties.get(role="school")
    type(school_party).objects.filter(pk=school_party.pk).update(contact=leaving)
    for commitment in agreement.commitments.filter(organisation=school):
        services.commitment_reassign(
            commitment=commitment,
            new_owner=leaving,
            actor=coordinator,
            note="Eigenaar van deze afspraak.",
            now=now - dt.timedelta(days=10),
        )
    User.objects.filter(pk=leaving.pk).update(left_at=now - dt.timedelta(days=1))
    leaving.refresh_from_db()
    services.person_handover(
        leaving_user=leaving, new_owner=coordinator, actor=coordinator, now=now
    )


def _consortium(*, now: dt.datetime, school: Organisation, coordinator: User) -> None:
    """The consortium agreement, proposed, and per partner (the first three) a cash and an
    in-kind pledge with realisations, some paid directly to a training provider."""
    consortium = Consortium.objects.filter(memberships__organisation=school).order_by("pk").first()
    if consortium is None:
        return
    _proposed_consortium_agreement(consortium, coordinator=coordinator, now=now)
    funder = Organisation.objects.filter(
        kind=OrganisationKind.FUNDER, consortium_memberships__consortium=consortium
    ).first()
    if funder is None:
        return
    provider = _training_provider()
    partners = [
        m.organisation
        for m in consortium.memberships.filter(
            organisation__kind=OrganisationKind.COMPANY, left_on__isnull=True
        )
        .select_related("organisation")
        .order_by("pk")
    ]
    for index, partner in enumerate(partners[:3]):
        financing = _CoFinancing(consortium, partner, funder, coordinator, now)
        _co_financing(index, financing, provider=provider)


def _proposed_consortium_agreement(
    consortium: Consortium, *, coordinator: User, now: dt.datetime
) -> None:
    start = consortium.starts_on or now.date().replace(month=1, day=1)
    end = consortium.ends_on or start.replace(year=start.year + 4)
    if end < now.date():
        return  # a consortium whose term is over asks nobody to accept an agreement
    agreement = services.consortium_agreement_create(
        consortium=consortium,
        actor=coordinator,
        now=now - dt.timedelta(days=60),
        starts_on=start,
        ends_on=max(end, start),
    )
    services.agreement_propose(
        agreement=agreement, actor=coordinator, now=now - dt.timedelta(days=59)
    )


def _training_provider() -> Organisation:
    return Organisation.objects.filter(
        name="ICT Academie Limburg (demo)"
    ).first() or organisation_create(
        actor=None,
        name="ICT Academie Limburg (demo)",
        kind=OrganisationKind.INTERMEDIARY,
        description="Opleider die cursussen voor docenten verzorgt; partners betalen hem soms rechtstreeks.",
    )


@dataclass(frozen=True)
class _CoFinancing:
    """One partner's co-financing of the consortium this year, kept by the school's coordinator."""

    consortium: Consortium
    partner: Organisation
    funder: Organisation
    coordinator: User
    now: dt.datetime

    def pledge(
        self, kind: str, note: str, *, amount: int | None = None, hours: int | None = None
    ) -> Pledge:
        year = self.now.date().year
        return services.pledge_create(
            consortium=self.consortium,
            partner=self.partner,
            funder=self.funder,
            kind=kind,
            amount=amount,
            hours=hours,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            actor=self.coordinator,
            note=note,
        )

    def realise(
        self,
        pledge: Pledge,
        *,
        days_ago: int,
        evidence: str,
        amount: int | None = None,
        hours: int | None = None,
        paid_directly_to: Organisation | None = None,
    ) -> None:
        services.realisation_record(
            pledge=pledge,
            actor=self.coordinator,
            on=self.now.date() - dt.timedelta(days=days_ago),
            amount=amount,
            hours=hours,
            evidence=evidence,
            paid_directly_to=paid_directly_to,
        )


def _co_financing(index: int, financing: _CoFinancing, *, provider: Organisation) -> None:
    """The `index`-th partner's pledges (cash and hours) and what was realised; the second
    partner pays nobody directly."""
    year = financing.now.date().year
    note = "Cofinanciering volgens de consortiumovereenkomst."
    cash = financing.pledge("cash", note, amount=5000 * (index + 1))
    hours = financing.pledge(
        "in_kind", "Gastlessen en begeleiding van challenges.", hours=80 + 40 * index
    )
    financing.realise(
        cash,
        days_ago=40,
        amount=1500 * (index + 1),
        evidence=f"Bankafschrift {year}-{index + 1:03d}",
    )
    if index != 1:
        financing.realise(
            cash,
            days_ago=20,
            amount=1000,
            evidence=f"Factuur ICT Academie {year}-{index + 11}",
            paid_directly_to=provider,
        )
    financing.realise(
        hours, days_ago=10, hours=24 + 6 * index, evidence="Urenregistratie gastlessen"
    )


def _umbrella(*, now: dt.datetime, coordinator: User) -> None:
    """MICA: a company collective of media companies, an umbrella agreement with it that runs,
    and two rotations generated under it (the first accepted)."""
    school = _coordinated_school(coordinator)
    if school is None:
        return
    collective, chair, members = _media_collective(school, coordinator=coordinator, now=now)
    umbrella = _running_umbrella(
        school=school, collective=collective, chair=chair, coordinator=coordinator, now=now
    )
    students = list(User.objects.filter(enrolment__school=school).order_by("pk")[:4])
    today = now.date()
    rotations = [
        services.Rotation(
            company=company,
            students=students[2 * i : 2 * i + 2],
            starts_on=today + dt.timedelta(days=7 + 42 * i),
            ends_on=today + dt.timedelta(days=48 + 42 * i),
            place=company.name,
            deliverables="een korte videoproductie voor de klant van het bedrijf",
        )
        for i, company in enumerate(members[:2])
        if students[2 * i : 2 * i + 2]
    ]
    children = services.umbrella_generate_children(
        umbrella=umbrella, rotations=rotations, actor=coordinator, now=now - dt.timedelta(days=5)
    )
    if children:
        _accept_all(children[0], coordinator=coordinator, now=now - dt.timedelta(days=4))
    assert Agreement.objects.filter(status=AgreementStatus.ACTIVE, kind="umbrella").exists()


def _media_collective(
    school: Organisation, *, coordinator: User, now: dt.datetime
) -> tuple[Organisation, User, list[Organisation]]:
    """The collective, its chair (contact person) and up to four member companies that offer
    to the school."""
    collective = organisation_create(
        actor=None,
        name="Mediaondernemers Fryslân (demo)",
        kind=OrganisationKind.COLLECTIVE,
        description="Vereniging van mediabedrijven; studenten rouleren onder één raamafspraak.",
    )
    chair = _contact_user(
        collective, "voorzitter@mediaondernemers.demo", "Sietske", "Hoekstra", coordinator
    )
    members = list(
        Organisation.objects.companies()
        .active()
        .filter(memberships__role=Role.COMPANY_CONTACT, offers__schools=school)
        .distinct()
        .order_by("pk")[:4]
    )
    for company in members:
        CollectiveMember.objects.get_or_create(
            collective=collective,
            company=company,
            defaults={"joined_on": now.date() - dt.timedelta(days=200)},
        )
    return collective, chair, members


def _running_umbrella(
    *,
    school: Organisation,
    collective: Organisation,
    chair: User,
    coordinator: User,
    now: dt.datetime,
) -> Agreement:
    """Made, proposed, accepted by both and started ten days ago."""
    today = now.date()
    umbrella = services.umbrella_create(
        school=school,
        collective=collective,
        actor=coordinator,
        now=now - dt.timedelta(days=20),
        title="Rouleren bij Friese mediabedrijven",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=300),
        mentoring_hours=6,
        provides="een werkplek, een vaste begeleider en echte klantopdrachten",
    )
    services.agreement_propose(
        agreement=umbrella, actor=coordinator, now=now - dt.timedelta(days=19)
    )
    services.agreement_accept(
        agreement=umbrella, actor=chair, now=now - dt.timedelta(days=18), ip_address="192.0.2.20"
    )
    services.agreement_accept(
        agreement=umbrella,
        actor=coordinator,
        now=now - dt.timedelta(days=18),
        ip_address="192.0.2.21",
    )
    services.agreement_activate(
        agreement=umbrella, actor=coordinator, now=now - dt.timedelta(days=10)
    )
    return umbrella
