"""Demo allocation rounds: per scenario, the coordinator's school gets three rounds in realistic
phases, built through the services (called by `manage.py load_demo` after the foundation):

- "Periode 1": published, with a few objections (one accepted, one declined, one open);
- "Periode 2": in review, after an optimal run;
- "Periode 3": students are choosing; most have handed in their choices.

A round is for one year group (the cohort of the demo students) and holds the challenges
submitted to that school; each takes as many students as its offer says (teams × team size,
teams of two to six), and no offer is in the rounds of two schools at once.

Deterministic (random.Random(2026)); the matcher runs in process (inside the demo transaction no
task would fire on commit, so the run is executed directly, as the worker would).
"""

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Sequence

from backend.accounts.models import Membership, Role, User
from backend.allocations import engine_adapter, services
from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    Choice,
    ChoiceList,
    Objection,
    Phase,
)
from backend.allocations.selectors.access import challenges_for_round_of
from backend.allocations.selectors.snapshot import round_snapshot
from backend.core.errors import ApplicationError
from backend.curriculum.models import Kwalificatie
from backend.demo.people import SHOWCASE_COHORT
from backend.offers.models import Offer
from backend.organisations.models import Organisation

SEED = 2026
OBJECTION_REASONS = (
    "Ik had deze uitdaging niet hoog staan; kan ik naar mijn eerste keus?",
    "Ik heb op die dagen stage, dit gaat niet samen.",
    "Mijn teamgenoot is ergens anders ingedeeld.",
)


def _coordinators() -> list[tuple[User, Organisation]]:
    """(coordinator, school) per scenario: the coordinators with a demo login, else any."""
    rows = (
        Membership.objects.active()
        .filter(
            role=Role.COORDINATOR,
            organisation__kind="school",
            organisation__enrolments__isnull=False,
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__email")
        .distinct()
    )
    seen: dict[int, tuple[User, Organisation]] = {}
    for membership in rows:
        key = membership.organisation_id
        preferred = membership.user.email.startswith("coordinator@")
        if key not in seen or preferred:
            seen[key] = (membership.user, membership.organisation)
    return list(seen.values())


def _challenges(school: Organisation, taken: set[int]) -> list[Offer]:
    """The challenges this school's rounds hold: published challenges submitted to the school
    (the round service refuses any other offer) that no other school's rounds hold already, so
    an offer's places are not handed out twice."""
    return list(
        challenges_for_round_of(school_id=school.pk, consortium_id=None)
        .filter(schools=school)
        .exclude(pk__in=taken)
        .prefetch_related("programmes")
        .order_by("pk")
    )


def team_size(offer: Offer) -> int:
    """The size of one team on this offer: its stated team size, else all its places."""
    return offer.team_size or offer.max_students


def fits_in_teams(count: int, size: int) -> bool:
    """Whether `count` students split into teams of two up to `size` (none at all also fits)."""
    return count == 0 or count >= 2 * math.ceil(count / size)


def _round(
    coordinator: User,
    school: Organisation,
    challenges: Sequence[Offer],
    *,
    name: str,
    now: dt.datetime,
    close_in: dt.timedelta,
) -> AllocationRound:
    return services.allocation_round_create(
        actor=coordinator,
        name=name,
        period=f"{now.year}-{now.year + 1}",
        school=school,
        kwalificaties=_kwalificaties_with_a_fit(school, challenges),
        cohorts=[SHOWCASE_COHORT],
        challenges=challenges,
        # The places each offer states (its teams × team size), never more.
        capacities={c.pk: c.max_students for c in challenges},
        # Few challenges fit every programme in the demo: one choice is enough to take part.
        min_choices=1,
        max_choices=min(5, len(challenges)),
        choices_close_at=now + close_in,
        objections_close_at=now + close_in + dt.timedelta(days=14),
        now=now,
    )


def _picks(
    allocation_round: AllocationRound,
    record: engine_adapter.StudentRecord,
    challenges: Sequence[engine_adapter.ChallengeRecord],
    rng: random.Random,
) -> list[int] | None:
    """A student's ranked choices among the challenges open to them; None if too few are."""
    eligible = [c.offer_id for c in challenges if engine_adapter.ineligibility(record, c) is None]
    if len(eligible) < allocation_round.min_choices:
        return None
    # Popular challenges first more often: a skewed shuffle.
    order = {pk: i for i, pk in enumerate(eligible)}
    eligible.sort(key=lambda pk: rng.random() * (1 + order[pk] / 3))
    most = min(allocation_round.max_choices, len(eligible))
    # Most students rank three or more when they can.
    return eligible[: rng.randint(max(allocation_round.min_choices, min(3, most)), most)]


def _choose(
    allocation_round: AllocationRound, rng: random.Random, *, share: float, now: dt.datetime
) -> int:
    """Most students hand in a ranked list of challenges open to them. Written in bulk (the
    choices are drawn from the engine's own eligibility verdicts, the same check the service makes)."""
    snapshot = round_snapshot(allocation_round, today=now.date())
    challenges = list(snapshot.challenges)
    lists: list[ChoiceList] = []
    picks_per_student: dict[int, list[int]] = {}
    # The demo logins (student@….demo) always take part, so a visitor sees choices, an
    # assignment and its explanation instead of "you handed in no choices".
    showcase = set(
        User.objects.filter(email__startswith="student", email__endswith=".demo").values_list(
            "pk", flat=True
        )
    )
    for record in snapshot.students:
        if rng.random() > share and record.user_id not in showcase:
            continue
        picks = _picks(allocation_round, record, challenges, rng)
        if picks is None:
            continue
        picks_per_student[record.user_id] = picks
        lists.append(
            ChoiceList(
                round=allocation_round, student_id=record.user_id, submitted_at=now, updated_at=now
            )
        )
    ChoiceList.objects.bulk_create(lists)
    saved = ChoiceList.objects.filter(round=allocation_round).values_list("pk", "student_id")
    Choice.objects.bulk_create(
        [
            Choice(choice_list_id=list_id, offer_id=offer_id, position=position)
            for list_id, student_id in saved
            for position, offer_id in enumerate(picks_per_student[student_id], 1)
        ]
    )
    services.rebuild_round_counts(allocation_round)  # written in bulk, past the services
    return len(lists)


def _kwalificaties_with_a_fit(
    school: Organisation, challenges: Sequence[Offer]
) -> list[Kwalificatie]:
    """The programmes of the school for which at least one challenge is open (level and crebo)."""
    fitting = []
    for kwalificatie in Kwalificatie.objects.filter(enrolments__school=school).distinct():
        for offer in challenges:
            programmes = {k.pk for k in offer.programmes.all()}
            if (
                offer.niveau_min <= kwalificatie.niveau <= offer.niveau_max
                and (not programmes or kwalificatie.pk in programmes)
                and not offer.required_certificates
            ):
                fitting.append(kwalificatie)
                break
    return fitting


def _run(
    allocation_round: AllocationRound, coordinator: User, *, now: dt.datetime, seed: int
) -> AllocationRun:
    run = services.allocation_run_start(
        allocation_round=allocation_round, actor=coordinator, mode="optimal", seed=seed, now=now
    )
    services.allocation_run_execute(run_id=run.pk, now=now)
    run.refresh_from_db()
    return run


def _movable(
    allocation_round: AllocationRound, assigned: Sequence[Assignment], *, today: dt.date
) -> tuple[Assignment, list[Offer]] | None:
    """A placed student who can be moved with every team still two to six strong: the team they
    leave keeps fitting, and each target is open to them and already has a team with room
    (nobody ends up alone). Their own choices come first among the targets."""
    entries = {e.offer_id: e for e in allocation_round.entries.select_related("offer")}
    counts = Counter(
        Assignment.objects.filter(round=allocation_round).values_list("offer_id", flat=True)
    )
    snapshot = round_snapshot(allocation_round, today=today)
    records = {s.user_id: s for s in snapshot.students}
    challenges = {c.offer_id: c for c in snapshot.challenges}

    def places(offer_id: int) -> int:
        entry = entries[offer_id]
        return entry.capacity if entry.capacity is not None else entry.offer.max_students

    def takes(offer_id: int, record: engine_adapter.StudentRecord) -> bool:
        return (
            counts[offer_id] >= 2
            and counts[offer_id] < places(offer_id)
            and fits_in_teams(counts[offer_id] + 1, team_size(entries[offer_id].offer))
            and engine_adapter.ineligibility(record, challenges[offer_id]) is None
        )

    for assignment in assigned:
        source = entries[assignment.offer_id].offer
        record = records.get(assignment.student_id)
        if record is None or not fits_in_teams(counts[source.pk] - 1, team_size(source)):
            continue
        chosen = [pk for pk in record.preferences if pk in entries]
        order = chosen + [pk for pk in entries if pk not in chosen]
        targets = [entries[pk].offer for pk in order if pk != source.pk and takes(pk, record)]
        if targets:
            return assignment, targets
    return None


def _accept_elsewhere(
    objection: Objection, targets: Sequence[Offer], coordinator: User, *, now: dt.datetime
) -> None:
    """Accept an objection: move the student to the first target that takes them (the service
    checks eligibility and capacity again)."""
    for offer in targets:
        try:
            services.objection_accept(objection=objection, actor=coordinator, offer=offer, now=now)
            break
        except ApplicationError:
            continue


def _objections(
    allocation_round: AllocationRound, coordinator: User, rng: random.Random, *, now: dt.datetime
) -> None:
    """Three objections: one declined, one accepted (a student who can join another team
    without leaving anyone alone), one left open."""
    assigned = list(
        Assignment.objects.filter(round=allocation_round)
        .select_related("student")
        .order_by("pk")[:40]
    )
    rng.shuffle(assigned)
    movable = _movable(allocation_round, assigned, today=now.date())
    if movable is not None:
        # The movable student objects second: theirs is the objection that is accepted.
        assigned.remove(movable[0])
        assigned.insert(1, movable[0])
    objections = [
        services.objection_submit(
            allocation_round=allocation_round,
            student=a.student,
            reason=OBJECTION_REASONS[i],
            now=now,
        )
        for i, a in enumerate(assigned[:3])
    ]
    if objections:
        services.objection_decline(
            objection=objections[0],
            actor=coordinator,
            answer="Je eerste keus zat vol met studenten die hem ook als eerste keus hadden.",
            now=now,
        )
    if len(objections) > 1 and movable is not None:
        _accept_elsewhere(objections[1], movable[1], coordinator, now=now)


def _published_round(
    coordinator: User,
    school: Organisation,
    challenges: Sequence[Offer],
    rng: random.Random,
    *,
    now: dt.datetime,
) -> bool:
    """ "Periode 1", published three weeks ago, with objections. False when nobody could be
    placed (the round then stays in review and the school gets no further rounds)."""
    earlier = now - dt.timedelta(days=20)
    published = _round(
        coordinator,
        school,
        challenges,
        name="Periode 1",
        now=earlier,
        close_in=dt.timedelta(days=7),
    )
    services.allocation_round_open_choosing(
        allocation_round=published, actor=coordinator, now=earlier
    )
    _choose(published, rng, share=0.95, now=earlier + dt.timedelta(days=1))
    services.allocation_round_close_choosing(
        allocation_round=published, actor=coordinator, now=earlier + dt.timedelta(days=7)
    )
    run = _run(published, coordinator, now=earlier + dt.timedelta(days=8), seed=1)
    published.refresh_from_db()
    if not run.metrics or not run.metrics["assigned"]:
        return False  # nobody could choose anything here: leave the round in review
    services.allocation_round_publish(
        allocation_round=published, actor=coordinator, now=earlier + dt.timedelta(days=9)
    )
    published.refresh_from_db()
    _objections(published, coordinator, rng, now=earlier + dt.timedelta(days=10))
    return True


def _review_round(
    coordinator: User,
    school: Organisation,
    challenges: Sequence[Offer],
    rng: random.Random,
    *,
    now: dt.datetime,
) -> None:
    """ "Periode 2": choosing closed three days ago, an optimal run waits for review."""
    opened = now - dt.timedelta(days=10)
    review = _round(
        coordinator, school, challenges, name="Periode 2", now=opened, close_in=dt.timedelta(days=7)
    )
    services.allocation_round_open_choosing(allocation_round=review, actor=coordinator, now=opened)
    _choose(review, rng, share=0.9, now=now - dt.timedelta(days=8))
    services.allocation_round_close_choosing(
        allocation_round=review, actor=coordinator, now=now - dt.timedelta(days=3)
    )
    _run(review, coordinator, now=now - dt.timedelta(days=2), seed=2)


def _choosing_round(
    coordinator: User,
    school: Organisation,
    challenges: Sequence[Offer],
    rng: random.Random,
    *,
    now: dt.datetime,
) -> None:
    """ "Periode 3": students are choosing now."""
    choosing = _round(
        coordinator, school, challenges, name="Periode 3", now=now, close_in=dt.timedelta(days=5)
    )
    services.allocation_round_open_choosing(allocation_round=choosing, actor=coordinator, now=now)
    _choose(choosing, rng, share=0.8, now=now)
    choosing.refresh_from_db()
    assert choosing.phase == Phase.CHOOSING


def load(*, now: dt.datetime) -> None:
    rng = random.Random(SEED)
    taken: set[int] = set()
    for coordinator, school in _coordinators():
        challenges = _challenges(school, taken)
        if len(challenges) < 2:
            continue
        taken.update(c.pk for c in challenges)
        if not _published_round(coordinator, school, challenges, rng, now=now):
            continue
        _review_round(coordinator, school, challenges, rng, now=now)
        _choosing_round(coordinator, school, challenges, rng, now=now)
