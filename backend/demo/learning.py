"""Demo data of the learning loop (issue 15): per scenario, portfolios at every stage, so the
student, coach and company logins that `load_demo` prints each see the loop at work.

Per scenario, at the school of the coach login (`coach@<domain>`), the company of the company
login (`bedrijf@<domain>`) gets three challenges of its own, mapped to werkprocessen of the
showcase student's kwalificatie, with students placed on them in two published rounds:

- "Nieuwe website voor onze klanten" (ended three weeks ago, round "Blok 1"): the showcase student and five
  classmates. The company's midpoint and final feedback is in; all six gave feedback on the
  activity (enough for the company to see the summary). The showcase student's self-assessments
  of one whole kerntaak are validated (so that kerntaak is demonstrated) and the school issued a
  kerntaak badge the student published, plus a werkproces badge that was revoked.
- "Oude laptops en accounts opruimen" (ended twenty days ago, "Blok 1"): three classmates; the company's final
  feedback is open and overdue; only two of them gave activity feedback (fewer than five).
- "Planningstool voor ons team" (running, ends in five days, round "Blok 2"): the showcase student and three
  classmates; the midpoint feedback is in for two and overdue for the others, the final feedback
  is open (due in three weeks). The showcase student has a self-assessment in draft, one
  submitted and one where the coach asked for more evidence; some classmates have nothing yet.
  The named student has driehoekgesprekken on it: held, missed and planned.

The showcase student is the named student (`student@<domain>`), unless their kwalificatie has no
werkprocessen in Koppel's curriculum (GLR's media designers: the fixture leaves out codes it
could not source): then a classmate of the coach with one that has, and the named student joins
the activities, the driehoekgesprekken and the activity feedback. The named students and their
classmates get an exam date and a BPV start spread over the coming months.

Written straight to the tables (bulk_create; no notifications), deterministic
(random.Random(2026)), dates relative to `now`."""

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field

from backend.accounts.models import Role, StudentEnrolment, User
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    AssignmentSource,
    Phase,
    RoundChallenge,
)
from backend.allocations.services import rebuild_round_counts
from backend.curriculum.models import Kwalificatie, ProgressLevel, Werkproces, WerkprocesEvidence
from backend.demo.data import scenarios
from backend.demo.people import SHOWCASE_COHORT
from backend.learning.models import (
    ActivityFeedback,
    Badge,
    CompanyFeedback,
    CompanyRating,
    EvidenceStep,
    Moment,
    ReviewStatus,
    SelfAssessment,
    StepKind,
    TriadConversation,
    TriadSeries,
)
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

SEED = 2026
DAY = dt.timedelta(days=1)
S = OfferStatus

ENDED, SHORT, RUNNING = "ended", "short", "running"
# (key, status, starts and ends in days from today)
PROJECTS = (
    (ENDED, S.COMPLETED, -84, -21),
    (SHORT, S.COMPLETED, -62, -20),
    (RUNNING, S.RUNNING, -56, 5),
)
TITLES = {
    ENDED: "Nieuwe website voor onze klanten",
    SHORT: "Oude laptops en accounts opruimen",
    RUNNING: "Planningstool voor ons team",
}
PATH = {
    S.COMPLETED: (S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.RUNNING, S.COMPLETED),
    S.RUNNING: (S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.RUNNING),
}
DESCRIPTIONS = {
    ENDED: "Ons team heeft een echte vraag liggen: help ons die in negen weken op te lossen, "
    "van eerste gesprek tot oplevering.",
    SHORT: "Een korte opdracht van zeven weken: een probleem dat al lang blijft liggen.",
    RUNNING: "Een opdracht van acht weken waarin jullie met ons team meewerken aan een "
    "vernieuwing.",
}

COMPANY_COMMENTS = (
    "Werkt zelfstandig en vraagt op tijd om hulp. Presentatie voor het team was sterk.",
    "Goede inzet, kwam afspraken na. Mag wat vaker zelf met ideeën komen.",
    "Denkt mee met de klant en schrijft duidelijke verslagen. Let op het plannen.",
    "Rustig en precies. Werk was netjes af, soms een dag later dan afgesproken.",
    "Neemt de leiding in het team zonder anderen weg te drukken. Top!",
    "Had even tijd nodig om te wennen, daarna liep het goed.",
)
MIDPOINT_COMMENTS = (
    "Halverwege: goede start, nog wat onzeker bij klantcontact.",
    "Loopt op schema. Vraag iets vaker om feedback.",
    "Enthousiast. Houd de planning beter bij in het teamoverzicht.",
)
# Short STARR reflections as a 17-year-old writes them.
STARR = (
    {
        "situation": "We deden een opdracht voor {company}. Ons team van vier moest in een paar "
        "weken iets opleveren dat ze echt gingen gebruiken.",
        "task": "Ik was verantwoordelijk voor de planning en het contact met onze begeleider.",
        "action": "Ik maakte een planning in Trello en belde elke maandag met de begeleider. "
        "Toen we achterliepen heb ik taken opnieuw verdeeld.",
        "result": "We hebben alles op tijd opgeleverd. De begeleider zei dat de planning "
        "duidelijk was.",
        "reflection": "Ik vond het eerst spannend om te bellen, nu gaat het beter. Volgende keer "
        "plan ik meer tijd voor testen.",
    },
    {
        "situation": "Bij {company} hadden ze een probleem dat al maanden bleef liggen.",
        "task": "Ik moest uitzoeken wat de klant precies wilde en dat opschrijven.",
        "action": "Ik heb vragen voorbereid, twee medewerkers geïnterviewd en daarna een lijst "
        "met eisen gemaakt die ik liet controleren.",
        "result": "De lijst is goedgekeurd en we konden op basis daarvan verder bouwen.",
        "reflection": "Ik heb geleerd dat je beter te veel vragen kunt stellen dan te weinig. "
        "Ik moet nog leren om korter samen te vatten.",
    },
    {
        "situation": "Tijdens het project bij {company} ging er halverwege iets mis met de "
        "oplevering.",
        "task": "Ik moest samen met een teamgenoot het probleem oplossen voor de presentatie.",
        "action": "We hebben stap voor stap gekeken waar het fout ging en het opgelost. Daarna "
        "heb ik uitgelegd wat we hadden veranderd.",
        "result": "Het werkte bij de presentatie en de klant was tevreden.",
        "reflection": "Ik bleef rustig en dat hielp. Ik wil nog beter worden in eerst testen "
        "voordat ik iets oplever.",
    },
)
DRAFT_STARR = {
    "situation": "We werken nu bij {company} aan ons project.",
    "task": "Ik doe het onderdeel dat bij dit werkproces hoort.",
    "action": "",
    "result": "",
    "reflection": "",
}
MORE_EVIDENCE = (
    "Goed begin! Voeg nog een foto of document toe waaruit blijkt wat jij zelf hebt gedaan, "
    "en vertel wat de begeleider ervan vond."
)
VALIDATION_NOTES = (
    "Bewijs is compleet en sluit aan bij de feedback van het bedrijf.",
    "Goed onderbouwd met de planning en de reactie van de opdrachtgever.",
    "Sterke reflectie; het bedrijf bevestigt het niveau.",
)
TRIAD_NOTES = (
    "Goede start. Afgesproken: elke week een korte update aan de begeleider. Student wil "
    "oefenen met presenteren.",
    "Planning loopt. Student neemt meer initiatief in het team. Volgende keer: tussenproduct "
    "laten zien.",
    "Tussenproduct besproken, bedrijf is tevreden. Aandachtspunt: op tijd melden als iets "
    "uitloopt.",
)
ACTIVITY_COMMENTS = (
    "Leuke opdracht, ik heb veel geleerd over werken voor een echte klant.",
    "De begeleider had altijd tijd voor vragen.",
    "Soms was niet duidelijk wat we moesten doen, maar het team hielp goed.",
    "Ik vond het fijn dat we ons werk mochten presenteren bij het bedrijf.",
    "Het was veel werk in korte tijd, maar wel leerzaam.",
    "",
)
REVOCATION_REASON = (
    "Per vergissing uitgegeven voordat het bewijs gevalideerd was; de student krijgt de "
    "badge voor de hele kerntaak."
)


@dataclass
class Stage:
    """Who and what one scenario's learning demo is built around."""

    school: Organisation
    company: Organisation
    contact: User
    coach: User
    coordinator: User
    named: User  # the student login
    student: User  # the showcase student (the named one when their kwalificatie allows)
    kwalificatie: Kwalificatie
    werkprocessen: list[Werkproces]
    kerntaak: list[Werkproces]  # the werkprocessen of the kerntaak the student demonstrates
    peers: list[User]
    offers: dict[str, Offer] = field(default_factory=dict)
    teams: dict[str, list[User]] = field(default_factory=dict)


def load(*, now: dt.datetime) -> None:
    rng = random.Random(SEED)
    for data in scenarios():
        stage = _stage(str(data["domain"]))
        if stage is None:
            continue
        _dates(stage, rng, now=now)
        _offers(stage, now=now)
        _placements(stage, now=now)
        _company_feedback(stage, rng, now=now)
        _self_assessments(stage, rng, now=now)
        _badges(stage, rng, now=now)
        _triads(stage, now=now)
        _activity_feedback(stage, rng)


# --- who ------------------------------------------------------------------------------------------


def _login(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _stage(domain: str) -> Stage | None:
    named, coach = _login(f"student@{domain}"), _login(f"coach@{domain}")
    contact, coordinator = _login(f"bedrijf@{domain}"), _login(f"coordinator@{domain}")
    if not (named and coach and contact and coordinator):
        return None
    company = (
        Organisation.objects.filter(
            memberships__user=contact, memberships__role=Role.COMPANY_CONTACT
        )
        .order_by("pk")
        .first()
    )
    school = (
        Organisation.objects.filter(memberships__user=coach, memberships__role=Role.COACH)
        .order_by("pk")
        .first()
    )
    if company is None or school is None:
        return None
    enrolments = list(
        StudentEnrolment.objects.filter(school=school)
        .select_related("student", "kwalificatie")
        .order_by("student_number")
    )
    own = next((e for e in enrolments if e.student_id == named.pk), None)
    showcase = own if own and own.kwalificatie.werkprocessen().exists() else None
    if showcase is None:
        showcase = _coached_with_werkprocessen(enrolments, coach)
    if showcase is None:
        return None
    werkprocessen = list(
        showcase.kwalificatie.werkprocessen().select_related("kerntaak").order_by("code")
    )
    peers = [
        e.student
        for e in sorted(
            (
                e
                for e in enrolments
                if e.kwalificatie_id == showcase.kwalificatie_id
                and e.student_id not in (showcase.student_id, named.pk)
            ),
            key=lambda e: (e.coach_id != coach.pk, e.cohort != SHOWCASE_COHORT, e.student_number),
        )
    ][:8]
    return Stage(
        school=school,
        company=company,
        contact=contact,
        coach=coach,
        coordinator=coordinator,
        named=named,
        student=showcase.student,
        kwalificatie=showcase.kwalificatie,
        werkprocessen=werkprocessen,
        kerntaak=_smallest_kerntaak(werkprocessen),
        peers=peers,
    )


def _coached_with_werkprocessen(
    enrolments: list[StudentEnrolment], coach: User
) -> StudentEnrolment | None:
    with_werkprocessen = {
        k.pk
        for k in {e.kwalificatie for e in enrolments}
        if k.werkprocessen().exists()  # a handful of kwalificaties per school
    }
    candidates = [e for e in enrolments if e.kwalificatie_id in with_werkprocessen]
    candidates.sort(key=lambda e: (e.coach_id != coach.pk, e.cohort != SHOWCASE_COHORT))
    return candidates[0] if candidates else None


def _smallest_kerntaak(werkprocessen: list[Werkproces]) -> list[Werkproces]:
    """The werkprocessen of the kerntaak with the fewest (at least two when any has two): a
    kerntaak the showcase student has demonstrated completely."""
    by_kerntaak: dict[int, list[Werkproces]] = {}
    for werkproces in werkprocessen:
        by_kerntaak.setdefault(werkproces.kerntaak_id, []).append(werkproces)
    groups = sorted(by_kerntaak.values(), key=lambda g: (len(g) < 2, len(g), g[0].code))
    return groups[0]


# --- exam and BPV dates ------------------------------------------------------------------------------


def _dates(stage: Stage, rng: random.Random, *, now: dt.datetime) -> None:
    """The named students and the coach's students get their next exam and BPV start, spread
    over the coming months (some only one of the two, a few none)."""
    today = now.date()
    enrolments = list(
        StudentEnrolment.objects.filter(school=stage.school)
        .filter(coach=stage.coach)
        .order_by("student_number")
    )
    enrolments += list(
        StudentEnrolment.objects.filter(
            student__in=[stage.named, stage.student, *stage.peers]
        ).exclude(coach=stage.coach)
    )
    for index, enrolment in enumerate(enrolments):
        draw = rng.random()
        enrolment.exam_on = today + DAY * rng.randint(10, 200) if draw < 0.75 else None
        enrolment.bpv_starts_on = today + DAY * rng.randint(5, 150) if draw > 0.2 else None
        if enrolment.student_id in (stage.named.pk, stage.student.pk):
            enrolment.exam_on = today + DAY * (45 + index)
            enrolment.bpv_starts_on = today + DAY * (21 + index)
    StudentEnrolment.objects.bulk_update(enrolments, ["exam_on", "bpv_starts_on"])


# --- the activities ------------------------------------------------------------------------------


def _offers(stage: Stage, *, now: dt.datetime) -> None:
    today = now.date()
    # The scenario's consortium, as the company's other offers have it.
    consortium = (
        Offer.objects.filter(owner=stage.company).values_list("consortium_id", flat=True).first()
    )
    niveaus = {stage.kwalificatie.niveau, stage.named.enrolment.kwalificatie.niveau}
    mapped = {
        ENDED: _unique([*stage.kerntaak, *stage.werkprocessen])[: len(stage.kerntaak) + 1],
        SHORT: stage.werkprocessen[:2],
        RUNNING: (
            [w for w in stage.werkprocessen if w not in stage.kerntaak] or stage.werkprocessen
        )[:3],
    }
    offers = []
    for key, status, starts, ends in PROJECTS:
        offers.append(
            Offer(
                kind=OfferKind.CHALLENGE,
                owner=stage.company,
                contact=stage.contact,
                title=TITLES[key],
                description=DESCRIPTIONS[key],
                expectations="Een vaste begeleider, elke week een kort overleg.",
                starts_on=today + DAY * starts,
                ends_on=today + DAY * ends,
                location_kind=LocationKind.COMPANY,
                min_students=2,
                max_students=8,
                team_size=6 if key == ENDED else 4,
                niveau_min=min(niveaus),
                niveau_max=max(niveaus),
                status=status,
                reviewer=stage.coordinator,
                consortium_id=consortium,
            )
        )
    Offer.objects.bulk_create(offers)
    stage.offers = {key: offer for (key, *_), offer in zip(PROJECTS, offers, strict=True)}
    Offer.programmes.through.objects.bulk_create(
        [
            Offer.programmes.through(offer_id=offer.pk, kwalificatie_id=kwalificatie)
            for offer in offers
            for kwalificatie in {stage.kwalificatie.pk, stage.named.enrolment.kwalificatie_id}
        ]
    )
    Offer.schools.through.objects.bulk_create(
        [Offer.schools.through(offer_id=o.pk, organisation_id=stage.school.pk) for o in offers]
    )
    WerkprocesMapping.objects.bulk_create(
        [
            WerkprocesMapping(
                offer=stage.offers[key],
                werkproces=werkproces,
                coverage=Coverage.FULL,
                note="Komt in het project volledig aan bod.",
                mapped_by=stage.coordinator,
            )
            for key, werkprocessen in mapped.items()
            for werkproces in werkprocessen
        ]
    )
    _transitions(stage, now=now)


def _unique(werkprocessen: list[Werkproces]) -> list[Werkproces]:
    return list(dict.fromkeys(werkprocessen))


def _transitions(stage: Stage, *, now: dt.datetime) -> None:
    rows = []
    for offer in stage.offers.values():
        assert offer.starts_on
        assert offer.ends_on
        start = dt.datetime.combine(offer.starts_on, dt.time(9), tzinfo=now.tzinfo)
        end = dt.datetime.combine(offer.ends_on, dt.time(16), tzinfo=now.tzinfo)
        moments = {
            S.SUBMITTED: start - 40 * DAY,
            S.IN_REVIEW: start - 37 * DAY,
            S.PUBLISHED: start - 30 * DAY,
            S.RUNNING: start,
            S.COMPLETED: min(end, now - DAY),
        }
        previous = S.DRAFT
        for status in PATH[OfferStatus(offer.status)]:
            rows.append(
                OfferTransition(
                    offer=offer,
                    from_status=previous,
                    to_status=status,
                    actor=stage.contact if status == S.SUBMITTED else stage.coordinator,
                    at=moments[status],
                    note="",
                )
            )
            previous = status
        offer.status_changed_at = rows[-1].at
    OfferTransition.objects.bulk_create(rows)
    Offer.objects.bulk_update(list(stage.offers.values()), ["status_changed_at"])


def _placements(stage: Stage, *, now: dt.datetime) -> None:
    """Two published rounds of the school: "Blok 1" (closed: the ended projects) and "Blok 2"
    (published: the running one)."""
    named = [stage.named] if stage.named != stage.student else []
    peers = stage.peers
    stage.teams = {
        ENDED: [stage.student, *named, *peers[:5]],
        SHORT: peers[5:8],
        RUNNING: [stage.student, *named, *peers[:3]],
    }
    blocks = (
        ("Blok 1", Phase.CLOSED, (ENDED, SHORT), now - 100 * DAY),
        ("Blok 2", Phase.PUBLISHED, (RUNNING,), now - 70 * DAY),
    )
    for name, phase, keys, closed in blocks:
        allocation_round = AllocationRound.objects.create(
            name=name,
            period=f"{closed.year}-{closed.year + 1}",
            school=stage.school,
            cohorts=[SHOWCASE_COHORT],
            min_choices=1,
            max_choices=3,
            choices_open_at=closed - 14 * DAY,
            choices_close_at=closed,
            objections_close_at=closed + 14 * DAY,
            phase=phase,
            phase_changed_at=closed + 15 * DAY,
            published_at=closed + 3 * DAY,
            published_by=stage.coordinator,
            created_by=stage.coordinator,
        )
        allocation_round.kwalificaties.add(stage.kwalificatie)
        RoundChallenge.objects.bulk_create(
            [
                RoundChallenge(
                    round=allocation_round,
                    offer=stage.offers[key],
                    capacity=stage.offers[key].max_students,
                )
                for key in keys
            ]
        )
        Assignment.objects.bulk_create(
            [
                Assignment(
                    round=allocation_round,
                    student=student,
                    offer=stage.offers[key],
                    rank=1,
                    source=AssignmentSource.ENGINE,
                    changed_at=closed + DAY,
                )
                for key in keys
                for student in stage.teams[key]
            ]
        )
        rebuild_round_counts(allocation_round)


# --- the company's feedback ---------------------------------------------------------------------


def _company_feedback(stage: Stage, rng: random.Random, *, now: dt.datetime) -> None:
    """Ended project: midpoint and final in. Short project: final open and overdue. Running
    project: midpoint in for half the team (overdue for the rest), final open."""
    today = now.date()
    rows: list[tuple[CompanyFeedback, bool]] = []  # (feedback, submitted)
    for key, offer in stage.offers.items():
        assert offer.starts_on
        assert offer.ends_on
        middle = offer.starts_on + (offer.ends_on - offer.starts_on) / 2
        for index, student in enumerate(stage.teams[key]):
            midpoint_in = key != RUNNING or index < 2
            rows.append(
                (_feedback(stage, offer, student, Moment.MIDPOINT, middle, 10), midpoint_in)
            )
            final = _feedback(stage, offer, student, Moment.FINAL, offer.ends_on, 14)
            rows.append((final, key == ENDED))
    for feedback, submitted in rows:
        if submitted:
            due = feedback.due_on
            feedback.submitted_at = _at(min(due - 2 * DAY, today - DAY), now, hour=17)
            feedback.submitted_by = stage.contact
            midpoint = feedback.moment == Moment.MIDPOINT
            feedback.comment = rng.choice(MIDPOINT_COMMENTS if midpoint else COMPANY_COMMENTS)
        elif feedback.due_on < today:
            feedback.reminder_count = 2
            feedback.last_reminded_on = today - DAY
    CompanyFeedback.objects.bulk_create([feedback for feedback, _ in rows])
    mapped = _mapped(stage)
    CompanyRating.objects.bulk_create(
        [
            CompanyRating(
                feedback=feedback,
                werkproces=werkproces,
                level=_company_level(rng, feedback, werkproces, stage),
            )
            for feedback, submitted in rows
            if submitted
            for werkproces in mapped[feedback.offer_id]
        ]
    )


def _feedback(
    stage: Stage, offer: Offer, student: User, moment: Moment, day: dt.date, due_in: int
) -> CompanyFeedback:
    return CompanyFeedback(
        student=student,
        offer=offer,
        moment=moment,
        due_on=day + DAY * due_in,
    )


def _company_level(
    rng: random.Random, feedback: CompanyFeedback, werkproces: Werkproces, stage: Stage
) -> str:
    if feedback.student_id == stage.student.pk and werkproces in stage.kerntaak:
        return ProgressLevel.GOOD if feedback.moment == Moment.FINAL else ProgressLevel.SUFFICIENT
    if feedback.moment == Moment.MIDPOINT:
        return rng.choice(
            (ProgressLevel.PRACTISING, ProgressLevel.PRACTISING, ProgressLevel.SUFFICIENT)
        )
    return rng.choice((ProgressLevel.PRACTISING, ProgressLevel.SUFFICIENT, ProgressLevel.GOOD))


def _mapped(stage: Stage) -> dict[int, list[Werkproces]]:
    found: dict[int, list[Werkproces]] = {offer.pk: [] for offer in stage.offers.values()}
    for mapping in (
        WerkprocesMapping.objects.filter(offer__in=list(stage.offers.values()))
        .select_related("werkproces__kerntaak")
        .order_by("werkproces__code")
    ):
        found[mapping.offer_id].append(mapping.werkproces)
    return found


def _at(day: dt.date, now: dt.datetime, *, hour: int) -> dt.datetime:
    return min(dt.datetime.combine(day, dt.time(hour), tzinfo=now.tzinfo), now - DAY)


# --- self-assessments and validation -----------------------------------------------------------


def _self_assessments(stage: Stage, rng: random.Random, *, now: dt.datetime) -> None:
    today = now.date()
    ended, running = stage.offers[ENDED], stage.offers[RUNNING]
    assert ended.ends_on
    assert running.starts_on
    rows: list[tuple[SelfAssessment, list[EvidenceStep]]] = []
    # The whole kerntaak, validated after the ended project.
    for index, werkproces in enumerate(stage.kerntaak):
        submitted = _at(ended.ends_on + DAY * (2 + index), now, hour=20)
        validated = _at(ended.ends_on + DAY * (6 + index), now, hour=11)
        level = ProgressLevel.GOOD if index == 0 else ProgressLevel.SUFFICIENT
        assessment = _assessment(stage, ended, werkproces, STARR[index % len(STARR)], level)
        assessment.status = ReviewStatus.VALIDATED
        assessment.submitted_at, assessment.reviewed_at = submitted, validated
        assessment.reviewed_by = stage.coach
        steps = [
            _step(StepKind.SUBMITTED, stage.student, submitted, level),
            _step(StepKind.VALIDATED, stage.coach, validated, level, VALIDATION_NOTES[index % 3]),
        ]
        if index == 0:  # asked for more first, then handed in again
            asked = submitted + DAY
            steps[1:1] = [
                _step(StepKind.MORE_REQUESTED, stage.coach, asked, "", MORE_EVIDENCE),
                _step(StepKind.SUBMITTED, stage.student, asked + DAY, level),
            ]
        rows.append((assessment, steps))
    # The running project: one in each state before validation.
    running_werkprocessen = list(_mapped(stage)[running.pk])
    states = (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.MORE_REQUESTED)
    for index, state in enumerate(states):
        werkproces = running_werkprocessen[index % len(running_werkprocessen)]
        if any(a.offer_id == running.pk and a.werkproces == werkproces for a, _ in rows):
            continue  # fewer werkprocessen than states: the first states win
        texts = DRAFT_STARR if state == ReviewStatus.DRAFT else STARR[(index + 1) % len(STARR)]
        assessment = _assessment(stage, running, werkproces, texts, ProgressLevel.SUFFICIENT)
        assessment.status = state
        steps = []
        if state != ReviewStatus.DRAFT:
            assessment.submitted_at = _at(today - DAY * (4 - index), now, hour=21)
            steps.append(
                _step(StepKind.SUBMITTED, stage.student, assessment.submitted_at, assessment.level)
            )
        if state == ReviewStatus.MORE_REQUESTED:
            assert assessment.submitted_at
            assessment.reviewed_by, assessment.reviewed_at = stage.coach, now - DAY
            assessment.review_reason = MORE_EVIDENCE
            steps.append(_step(StepKind.MORE_REQUESTED, stage.coach, now - DAY, "", MORE_EVIDENCE))
        rows.append((assessment, steps))
    rows += _classmates(stage, rng, now=now)
    SelfAssessment.objects.bulk_create([assessment for assessment, _ in rows])
    for assessment, steps in rows:
        for step in steps:
            step.self_assessment = assessment
    EvidenceStep.objects.bulk_create([step for _, steps in rows for step in steps])
    _evidence(stage, [assessment for assessment, _ in rows])


def _classmates(
    stage: Stage, rng: random.Random, *, now: dt.datetime
) -> list[tuple[SelfAssessment, list[EvidenceStep]]]:
    """Two classmates of the ended project: one waits for validation, one was validated. The
    others have nothing yet."""
    ended = stage.offers[ENDED]
    assert ended.ends_on
    werkproces = stage.kerntaak[0]
    rows = []
    for index, student in enumerate(stage.peers[:2]):
        submitted = _at(ended.ends_on + DAY * (3 + index), now, hour=19)
        assessment = _assessment(
            stage, ended, werkproces, rng.choice(STARR), ProgressLevel.SUFFICIENT, student=student
        )
        assessment.status = ReviewStatus.SUBMITTED
        assessment.submitted_at = submitted
        steps = [_step(StepKind.SUBMITTED, student, submitted, assessment.level)]
        if index == 1:
            assessment.status = ReviewStatus.VALIDATED
            assessment.reviewed_by, assessment.reviewed_at = stage.coach, submitted + 2 * DAY
            steps.append(
                _step(StepKind.VALIDATED, stage.coach, submitted + 2 * DAY, assessment.level)
            )
        rows.append((assessment, steps))
    return rows


def _assessment(
    stage: Stage,
    offer: Offer,
    werkproces: Werkproces,
    texts: dict[str, str],
    level: str,
    *,
    student: User | None = None,
) -> SelfAssessment:
    company = stage.company.name
    return SelfAssessment(
        student=student or stage.student,
        offer=offer,
        werkproces=werkproces,
        level=level,
        **{name: text.format(company=company) for name, text in texts.items()},
    )


def _step(
    kind: StepKind, actor: User, at: dt.datetime, level: str, reason: str = ""
) -> EvidenceStep:
    return EvidenceStep(kind=kind, actor=actor, at=at, level=level, reason=reason)


def _evidence(stage: Stage, assessments: list[SelfAssessment]) -> None:
    """Validation writes the demonstrated level: one validated evidence row per validated
    self-assessment, as `learning.services.validation` does."""
    WerkprocesEvidence.objects.bulk_create(
        [
            WerkprocesEvidence(
                student=a.student,
                werkproces=a.werkproces,
                offer=a.offer,
                level=a.level,
                recorded_by=stage.coach,
                validated_by=stage.coach,
                validated_at=a.reviewed_at,
                note=VALIDATION_NOTES[0],
            )
            for a in assessments
            if a.status == ReviewStatus.VALIDATED
        ]
    )


# --- badges, driehoekgesprekken, activity feedback ---------------------------------------------


def _badges(stage: Stage, rng: random.Random, *, now: dt.datetime) -> None:
    """The kerntaak badge (published by the student) and a werkproces badge the school revoked."""
    ended = stage.offers[ENDED]
    assert ended.ends_on
    issued = _at(ended.ends_on + 10 * DAY, now, hour=14)
    kerntaak = stage.kerntaak[0].kerntaak
    Badge.objects.bulk_create(
        [
            _badge(stage, rng, issued=issued, kerntaak=kerntaak, published_at=issued + DAY),
            _badge(
                stage,
                rng,
                issued=issued - 3 * DAY,
                werkproces=stage.kerntaak[0],
                revoked_at=issued - DAY,
            ),
        ]
    )


def _badge(stage: Stage, rng: random.Random, *, issued: dt.datetime, **fields: object) -> Badge:
    salt = f"{rng.getrandbits(64):016x}"
    revoked = fields.get("revoked_at") is not None
    return Badge(
        student=stage.student,
        school=stage.school,
        kwalificatie=stage.kwalificatie,
        issued_by=stage.coach,
        issued_at=issued,
        recipient_salt=salt,
        recipient_hash="sha256$"
        + hashlib.sha256((stage.student.email + salt).encode()).hexdigest(),
        revoked_by=stage.coach if revoked else None,
        revocation_reason=REVOCATION_REASON if revoked else "",
        **fields,
    )


def _triads(stage: Stage, *, now: dt.datetime) -> None:
    """The named student's driehoekgesprekken on the running project, every two weeks: three
    held, the last one missed (not held, more than two days ago), the next one planned."""
    today = now.date()
    running = stage.offers[RUNNING]
    assert running.starts_on
    first = running.starts_on + 7 * DAY
    series = TriadSeries.objects.create(
        student=stage.named,
        offer=running,
        coach=stage.coach,
        mentor=stage.contact,
        interval_days=14,
        first_on=first,
        last_on=today + 14 * DAY,
        created_by=stage.coach,
    )
    conversations = []
    planned = first
    held = 0
    while planned <= series.last_on:
        conversation = TriadConversation(series=series, planned_on=planned)
        if planned < today - 10 * DAY and held < len(TRIAD_NOTES):
            conversation.held_on = planned
            conversation.notes = TRIAD_NOTES[held]
            conversation.recorded_by = stage.coach
            held += 1
        conversations.append(conversation)
        planned += 14 * DAY
    TriadConversation.objects.bulk_create(conversations)


def _activity_feedback(stage: Stage, rng: random.Random) -> None:
    """Everyone of the ended project answered (enough for the company to see the summary); two
    of the short project's three did."""
    rows = [
        ActivityFeedback(
            student=student,
            offer=stage.offers[key],
            learned=rng.choice((3, 4, 4, 5, 5)),
            supported=rng.choice((3, 4, 5, 5)),
            comment=rng.choice(ACTIVITY_COMMENTS),
        )
        for key, team in ((ENDED, stage.teams[ENDED]), (SHORT, stage.teams[SHORT][:2]))
        for student in team
    ]
    ActivityFeedback.objects.bulk_create(rows)
