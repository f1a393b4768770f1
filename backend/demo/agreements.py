"""Demo agreements (called by `manage.py load_demo` after the foundation demo).

Digiwise Limburg (Vista): short agreements in every state, commitments in every status, a
company takeover that needs re-confirmation, a coordinator who left and handed over, and the
consortium agreement with co-financing pledges and realisations (some paid directly to a training
provider). MICA (Friesland College): an umbrella agreement with a company collective and short
agreements generated under it. Deterministic and built through the services, so every row has
its log entries."""

import datetime as dt
import random

from backend.accounts.models import Membership, Role, User
from backend.agreements import services
from backend.agreements.models import Agreement, AgreementStatus, CommitmentStatus
from backend.agreements.selectors import AGREEMENT_OFFER_STATUSES
from backend.offers.models import Offer
from backend.offers.selectors import submitted_to_schools
from backend.organisations.models import Consortium, Organisation, OrganisationKind

SEED = 5


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _member(organisation: Organisation, role: str, exclude=()) -> User | None:
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
    user = User.objects.filter(email=email).first()
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
    school = (
        Membership.objects.filter(user=coordinator, role=Role.COORDINATOR)
        .select_related("organisation")
        .first()
        .organisation
    )
    _digiwise(now=now, rng=rng, school=school, coordinator=coordinator)
    _consortium(now=now, school=school, coordinator=coordinator)
    mica = _user("coordinator@mica.demo")
    if mica is not None:
        _umbrella(now=now, coordinator=mica)


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


def _accept_all(agreement: Agreement, *, coordinator: User, now) -> None:
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


def _digiwise(*, now, rng, school, coordinator) -> None:
    offers = _offers(school, rng)
    states = [
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
    today = now.date()
    earlier = now - dt.timedelta(days=30)
    made: dict[str, Agreement] = {}
    used_owners: set[int] = set()
    for state, offer in zip(states, offers, strict=False):
        if state == "takeover" and offer.owner_id in used_owners:
            continue
        used_owners.add(offer.owner_id)
        agreement = services.agreement_create_from_offer(
            offer=offer, school=school, actor=coordinator, now=earlier
        )
        made[state] = agreement
        if state == "draft":
            continue
        services.agreement_propose(agreement=agreement, actor=coordinator, now=earlier)
        if state == "proposed":
            continue
        if state == "cancelled":
            services.agreement_cancel(
                agreement=agreement,
                actor=coordinator,
                now=now,
                reason="Het bedrijf heeft dit voorjaar geen begeleider beschikbaar.",
            )
            continue
        if state == "expired":
            services.agreement_change(
                agreement=agreement,
                actor=coordinator,
                now=earlier,
                note="Oude planning",
                starts_on=today - dt.timedelta(days=60),
                ends_on=today - dt.timedelta(days=10),
            )
            services.agreement_expire(agreement=agreement, now=now)
            continue
        _accept_all(agreement, coordinator=coordinator, now=earlier)
        if state in ("accepted", "takeover"):
            continue
        if state == "broken":
            services.agreement_break(
                agreement=agreement,
                actor=coordinator,
                now=now,
                reason="Het bedrijf kwam twee keer niet opdagen en reageerde niet meer.",
            )
            continue
        services.agreement_activate(agreement=agreement, actor=coordinator, now=earlier)
        if state == "fulfilled":
            for commitment in agreement.commitments.all():
                services.commitment_set_status(
                    commitment=commitment,
                    actor=coordinator,
                    status=CommitmentStatus.DONE,
                    note="Afgerond en besproken in het eindgesprek.",
                    now=earlier,
                )
            services.agreement_fulfil(agreement=agreement, actor=coordinator, now=now)
    if "active" in made:
        _commitments_in_every_status(made["active"], coordinator=coordinator, now=now)
    if "takeover" in made:
        _takeover(made["takeover"], now=now)
    if "handover" in made:
        _handover(made["handover"], school=school, coordinator=coordinator, now=now)


def _commitments_in_every_status(agreement: Agreement, *, coordinator: User, now) -> None:
    """Open (the defaults), done on time, done late, overdue (escalated), waived and broken."""
    today = now.date()
    company = agreement.parties.get(role="company")
    contact = company.contact or _member(company.organisation, Role.COMPANY_CONTACT)
    plan = [
        (
            contact,
            "Werkplekken en inloggegevens klaarzetten",
            today - dt.timedelta(days=20),
            CommitmentStatus.DONE,
            "Klaar op tijd.",
            21,
        ),
        (
            coordinator,
            "Kennismakingsgesprek plannen",
            today - dt.timedelta(days=15),
            CommitmentStatus.DONE,
            "Twee dagen later dan afgesproken.",
            13,
        ),
        (contact, "Tussentijdse demo bijwonen", today - dt.timedelta(days=3), None, "", 0),
        (
            coordinator,
            "Extra werkbezoek",
            today - dt.timedelta(days=8),
            CommitmentStatus.WAIVED,
            "Niet meer nodig: online gedaan.",
            5,
        ),
        (
            contact,
            "Feedbackformulier invullen na week 2",
            today - dt.timedelta(days=6),
            CommitmentStatus.BROKEN,
            "Na drie herinneringen niet ontvangen.",
            2,
        ),
    ]
    for owner, title, due_on, status, note, days_ago in plan:
        commitment = services.commitment_create(
            agreement=agreement,
            actor=coordinator,
            owner=owner,
            title=title,
            due_on=due_on,
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


def _takeover(agreement: Agreement, *, now) -> None:
    """The company is taken over by another Digiwise company; its signatory has left, so the
    successor's contact must re-confirm."""
    from backend.organisations.services import organisation_succeed

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


def _handover(agreement: Agreement, *, school: Organisation, coordinator: User, now) -> None:
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


def _consortium(*, now, school: Organisation, coordinator: User) -> None:
    consortium = Consortium.objects.filter(memberships__organisation=school).order_by("pk").first()
    if consortium is None:
        return
    start = consortium.starts_on or now.date().replace(month=1, day=1)
    end = consortium.ends_on or start.replace(year=start.year + 4)
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
    funder = Organisation.objects.filter(
        kind=OrganisationKind.FUNDER, consortium_memberships__consortium=consortium
    ).first()
    if funder is None:
        return
    from backend.organisations.services import organisation_create

    provider = Organisation.objects.filter(
        name="ICT Academie Limburg (demo)"
    ).first() or organisation_create(
        actor=None,
        name="ICT Academie Limburg (demo)",
        kind=OrganisationKind.INTERMEDIARY,
        description="Opleider die cursussen voor docenten verzorgt; partners betalen hem soms rechtstreeks.",
    )
    partners = [
        m.organisation
        for m in consortium.memberships.filter(
            organisation__kind=OrganisationKind.COMPANY, left_on__isnull=True
        )
        .select_related("organisation")
        .order_by("pk")
    ]
    year = now.date().year
    for index, partner in enumerate(partners[:3]):
        cash = services.pledge_create(
            consortium=consortium,
            partner=partner,
            funder=funder,
            kind="cash",
            amount=5000 * (index + 1),
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            actor=coordinator,
            note="Cofinanciering volgens de consortiumovereenkomst.",
        )
        hours = services.pledge_create(
            consortium=consortium,
            partner=partner,
            funder=funder,
            kind="in_kind",
            hours=80 + 40 * index,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            actor=coordinator,
            note="Gastlessen en begeleiding van challenges.",
        )
        services.realisation_record(
            pledge=cash,
            actor=coordinator,
            on=now.date() - dt.timedelta(days=40),
            amount=1500 * (index + 1),
            evidence=f"Bankafschrift {year}-{index + 1:03d}",
        )
        if index != 1:
            services.realisation_record(
                pledge=cash,
                actor=coordinator,
                on=now.date() - dt.timedelta(days=20),
                amount=1000,
                evidence=f"Factuur ICT Academie {year}-{index + 11}",
                paid_directly_to=provider,
            )
        services.realisation_record(
            pledge=hours,
            actor=coordinator,
            on=now.date() - dt.timedelta(days=10),
            hours=24 + 6 * index,
            evidence="Urenregistratie gastlessen",
        )


def _umbrella(*, now, coordinator: User) -> None:
    from backend.agreements.models import CollectiveMember
    from backend.organisations.services import organisation_create

    school = (
        Membership.objects.filter(user=coordinator, role=Role.COORDINATOR)
        .select_related("organisation")
        .first()
        .organisation
    )
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
    students = list(User.objects.filter(enrolment__school=school).order_by("pk")[:4])
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
