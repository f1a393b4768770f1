"""Offers of every kind in every status, with their transition history and werkproces mappings."""

import datetime as dt

from backend.accounts.models import Role, User
from backend.demo.context import Demo, Scenario
from backend.demo.data import JsonObject
from backend.offers.models import (
    Coverage,
    LocationKind,
    Offer,
    OfferKind,
    OfferStatus,
    OfferTransition,
    WerkprocesMapping,
)
from backend.organisations.models import Organisation

S = OfferStatus
# (offer template from the scenario file, owner, the status the offer is given)
Planned = tuple[JsonObject, Organisation, OfferStatus]
# The road each status is reached by, from draft.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.IN_REVIEW: [S.SUBMITTED, S.IN_REVIEW],
    S.CHANGES_REQUESTED: [S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED],
    S.PUBLISHED: [S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED],
    S.REJECTED: [S.SUBMITTED, S.IN_REVIEW, S.REJECTED],
    S.RUNNING: [S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.RUNNING],
    S.COMPLETED: [S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.RUNNING, S.COMPLETED],
    S.ARCHIVED: [S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.RUNNING, S.COMPLETED, S.ARCHIVED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}
# Offers with werkprocessen to map get the statuses where a mapping matters first.
STATUS_CYCLE = (
    S.PUBLISHED,
    S.RUNNING,
    S.COMPLETED,
    S.PUBLISHED,
    S.IN_REVIEW,
    S.DRAFT,
    S.SUBMITTED,
    S.CHANGES_REQUESTED,
    S.RUNNING,
    S.ARCHIVED,
    S.WITHDRAWN,
    S.PUBLISHED,
)
MAPPED_STATUSES = {S.PUBLISHED, S.RUNNING, S.COMPLETED, S.ARCHIVED}
COMPANY_ACTIONS = {S.SUBMITTED, S.WITHDRAWN}
NOTES = {
    S.SUBMITTED: "Ingediend bij de school.",
    S.IN_REVIEW: "Ik pak deze op en kijk of hij past bij de werkprocessen.",
    S.CHANGES_REQUESTED: "Kunt u aangeven hoeveel begeleiding u kunt bieden en wanneer de "
    "tussenpresentatie is?",
    S.PUBLISHED: "Past goed bij het curriculum; gepubliceerd voor studenten.",
    S.RUNNING: "Het team is gestart.",
    S.COMPLETED: "Eindpresentatie gehouden; feedback van het bedrijf ontvangen.",
    S.ARCHIVED: "Afgerond en gearchiveerd.",
    S.WITHDRAWN: "Door drukte bij ons gaat dit dit halfjaar niet door.",
}


def build(demo: Demo, scenario: Scenario) -> list[Offer]:
    """The scenario's offer templates, each given a status from the cycle, then its round
    challenges: published challenges submitted to one school, for its allocation rounds."""
    templates = sorted(
        scenario.data["offers"], key=lambda t: (bool(t.get("rejection")), not t["werkprocessen"])
    )
    templates += scenario.data.get("round_challenges", [])
    company_login = next(
        login for login in scenario.data["logins"] if login["role"] == Role.COMPANY_CONTACT
    )
    owners = _owners(demo, scenario, company_login, len(templates))
    planned: list[Planned] = []
    cycle = 0
    for template, owner in zip(templates, owners, strict=True):
        if template.get("rejection"):
            status = S.REJECTED
        elif template.get("school"):
            status = S.PUBLISHED
        else:
            status = STATUS_CYCLE[cycle % len(STATUS_CYCLE)]
            cycle += 1
        planned.append((template, owner, status))
    offers = [
        _offer(demo, scenario, template, owner, status) for template, owner, status in planned
    ]
    Offer.objects.bulk_create(offers)
    _relations(demo, scenario, planned, offers)
    return offers


def _owners(
    demo: Demo, scenario: Scenario, company_login: JsonObject, count: int
) -> list[Organisation]:
    """The memorable company gets the first five offers (so its contact sees every state); the
    rest go round the other companies, starting at a random one."""
    memorable = scenario.companies[company_login["organisation"]]
    others = [c for c in scenario.companies.values() if c.pk != memorable.pk]
    demo.rng.shuffle(others)
    return [memorable if index % 4 == 0 else others[index % len(others)] for index in range(count)]


def _dates(demo: Demo, status: OfferStatus, weeks: int) -> tuple[dt.date, dt.date]:
    length = dt.timedelta(days=max(weeks * 7 - 1, 0))
    today = demo.today
    if status == S.RUNNING:
        starts = today - dt.timedelta(days=demo.rng.randint(3, 20))
        return starts, max(starts + length, today + dt.timedelta(days=7))
    if status == S.COMPLETED:
        ends = today - dt.timedelta(days=demo.rng.randint(5, 60))
        return ends - length, ends
    if status == S.ARCHIVED:
        ends = today - dt.timedelta(days=demo.rng.randint(120, 300))
        return ends - length, ends
    starts = today + dt.timedelta(days=demo.rng.randint(14, 75))
    return starts, starts + length


def _offer(
    demo: Demo, scenario: Scenario, template: JsonObject, owner: Organisation, status: OfferStatus
) -> Offer:
    starts, ends = _dates(demo, status, template.get("weeks", 0))
    kind = template["kind"]
    location_kind = _location_kind(demo, kind)
    niveaus = [demo.kwalificaties[c].niveau for c in template["programmes"]] or [2, 4]
    max_students = template["max_students"]
    reviewer = _coordinator(scenario) if status not in (S.DRAFT, S.SUBMITTED, S.WITHDRAWN) else None
    return Offer(
        kind=kind,
        owner=owner,
        contact=demo.rng.choice(scenario.contacts[owner.pk]),
        title=template["title"],
        description=template["description"],
        expectations=template.get(
            "expectations", "Een vaste contactpersoon en tijd voor feedback."
        ),
        deliverables=template.get("deliverables", ""),
        starts_on=starts,
        ends_on=ends,
        location_kind=location_kind,
        location=scenario.locations.get(owner.pk)
        if location_kind == LocationKind.COMPANY
        else None,
        # A challenge team has at least two students (CBL teams are 2 to 6).
        min_students=min(2 if kind == OfferKind.CHALLENGE else 1, max_students),
        max_students=max_students,
        team_size=template.get("team_size"),
        niveau_min=min(niveaus),
        niveau_max=max(niveaus),
        required_certificates=template.get("certificates", []),
        consortium=scenario.consortium,
        status=status,
        reviewer=reviewer,
        rejection_reason=template.get("rejection", "") if status == S.REJECTED else "",
        change_request=NOTES[S.CHANGES_REQUESTED] if status == S.CHANGES_REQUESTED else "",
    )


def _location_kind(demo: Demo, kind: str) -> LocationKind:
    """Lessons happen at school; a quarter of the challenges are remote; the rest at the company."""
    if kind in (OfferKind.GUEST_LESSON, OfferKind.MASTERCLASS, OfferKind.WORKSHOP):
        return LocationKind.SCHOOL
    if kind == OfferKind.CHALLENGE and demo.rng.random() < 0.25:
        return LocationKind.REMOTE
    return LocationKind.COMPANY


def _coordinator(scenario: Scenario) -> User:
    school = scenario.first_school()
    key = next(k for k, s in scenario.schools.items() if s.pk == school.pk)
    return scenario.staff[(key, Role.COORDINATOR)][0]


def _teacher(scenario: Scenario) -> User:
    school = scenario.first_school()
    key = next(k for k, s in scenario.schools.items() if s.pk == school.pk)
    return scenario.staff[(key, Role.TEACHER)][0]


def _relations(demo: Demo, scenario: Scenario, planned: list[Planned], offers: list[Offer]) -> None:
    programmes: list[tuple[int, int]] = []  # (offer id, kwalificatie id)
    schools: list[tuple[int, int]] = []  # (offer id, school id)
    transitions: list[OfferTransition] = []
    mappings: list[WerkprocesMapping] = []
    school_list = [s for s in scenario.schools.values() if s.kind == "school"]
    coordinator, teacher = _coordinator(scenario), _teacher(scenario)
    for (template, _, status), offer in zip(planned, offers, strict=True):
        programmes.extend(
            (offer.pk, demo.kwalificaties[crebo].pk) for crebo in template["programmes"]
        )
        # In a consortium an offer goes to one school or to all of them; elsewhere to the school.
        # A round challenge goes to the school whose rounds it is made for.
        if template.get("school"):
            targets = [scenario.schools[template["school"]]]
        else:
            targets = school_list if demo.rng.random() < 0.5 else [demo.rng.choice(school_list)]
        schools.extend((offer.pk, school.pk) for school in targets)
        transitions.extend(_transitions(demo, offer, status, coordinator))
        if status in MAPPED_STATUSES:
            mappings.extend(_mappings(demo, offer, template, teacher))
        last = transitions[-1] if PATHS[status] else None
        offer.status_changed_at = last.at if last else None
    _link_programmes_and_schools(programmes, schools)
    OfferTransition.objects.bulk_create(transitions)
    WerkprocesMapping.objects.bulk_create(mappings)
    Offer.objects.bulk_update(offers, ["status_changed_at"])


def _link_programmes_and_schools(
    programmes: list[tuple[int, int]], schools: list[tuple[int, int]]
) -> None:
    programme, school = Offer.programmes.through, Offer.schools.through
    programme.objects.bulk_create(
        [
            programme(offer_id=offer, kwalificatie_id=kwalificatie)
            for offer, kwalificatie in programmes
        ]
    )
    school.objects.bulk_create(
        [school(offer_id=offer, organisation_id=organisation) for offer, organisation in schools]
    )


def _transitions(
    demo: Demo, offer: Offer, status: OfferStatus, coordinator: User
) -> list[OfferTransition]:
    path = PATHS[status]
    if not path:
        return []
    # Work backwards from the moment the offer reached its status, a few days per step.
    if status in (S.RUNNING, S.COMPLETED, S.ARCHIVED):
        day = offer.ends_on if status != S.RUNNING else offer.starts_on
        assert day is not None  # _dates gave every offer both dates
        anchor = dt.datetime.combine(day, dt.time(10, 0), tzinfo=demo.now.tzinfo)
        anchor = min(anchor, demo.now - dt.timedelta(hours=2))
    else:
        anchor = demo.now - dt.timedelta(days=demo.rng.randint(1, 12), hours=demo.rng.randint(1, 8))
    moments = [anchor]
    for _ in path[:-1]:
        moments.append(
            moments[-1] - dt.timedelta(days=demo.rng.randint(2, 9), hours=demo.rng.randint(0, 6))
        )
    moments.reverse()
    rows: list[OfferTransition] = []
    previous = S.DRAFT
    for to_status, at in zip(path, moments, strict=True):
        note = offer.rejection_reason if to_status == S.REJECTED else NOTES[to_status]
        rows.append(
            OfferTransition(
                offer=offer,
                from_status=previous,
                to_status=to_status,
                actor=offer.contact if to_status in COMPANY_ACTIONS else coordinator,
                at=at,
                note=note,
            )
        )
        previous = to_status
    return rows


def _mappings(
    demo: Demo, offer: Offer, template: JsonObject, teacher: User
) -> list[WerkprocesMapping]:
    rows: list[WerkprocesMapping] = []
    seen: set[int] = set()
    for crebo in template["programmes"]:
        kwalificatie = demo.kwalificaties[crebo]
        for werkproces in demo.werkprocessen.get(kwalificatie.pk, []):
            if werkproces.code in template["werkprocessen"] and werkproces.pk not in seen:
                seen.add(werkproces.pk)
                full = werkproces.code == template["werkprocessen"][0]
                rows.append(
                    WerkprocesMapping(
                        offer=offer,
                        werkproces=werkproces,
                        coverage=Coverage.FULL if full else Coverage.PARTIAL,
                        note="Kern van de opdracht."
                        if full
                        else "Komt aan bod in een deel van de opdracht.",
                        mapped_by=teacher,
                    )
                )
    return rows
