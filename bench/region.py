"""`python -m bench.region --students 100000`: a region-size database, built fast.

At 100,000 students: 20 schools in one consortium, 5,000 companies, 10,000 published challenges
(teams of 2-6, werkproces mappings from the real curriculum fixtures, a status history per
offer: draft → submitted → in review → published), a review backlog of ~400 submitted offers,
100,000 students enrolled in the fixture kwalificaties, and two rounds:

- a consortium round in phase "choosing" holding every challenge, with 7-8 choices per student
  (~750,000 choices; every choice eligible for its student);
- a round of the first school, published: its students (at most 5,000) chose 3-5 of 2,000
  challenges, the REAL matcher solved it in process (`allocation_run_start`, mode "stable", eager
  Celery) and `allocation_round_publish` published it. Both are the services' own code paths, so
  whatever a run stores besides Assignment rows (per-student run placements) is stored here too.

Everything else scales with --students (1,000 builds in seconds; the tests build 300). Rows go in
with PostgreSQL COPY (psycopg) where there are many and no ids are needed, bulk_create elsewhere;
VACUUM ANALYZE at the end. Prints the time of every phase.

Options: --students 100000  --database-url postgres://…  (default: DATABASE_URL; migrates first)
         --seed 2026
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

PUBLISHED_ROUND_STUDENTS = 5000  # students of the published round at most (one school)
NEVER_CHOSE = 40  # of them without a choice list: more than a page stays without a place
SCHOOLS = 20


@dataclass
class Region:
    """What the web benchmark and the tests need to find again."""

    students: int
    choosing_round_id: int = 0
    published_round_id: int = 0
    coordinator_id: int = 0  # coordinator of the first school (manages the published round)
    company_contact_id: int = 0  # contact of a company with a team in the published round
    choosing_student_id: int = 0  # a student with a choice list in the choosing round
    published_student_id: int = 0  # a placed student of the published round
    timings: dict[str, float] = field(default_factory=dict)


class _Clock:
    def __init__(self, region: Region, verbose: bool) -> None:
        self.region, self.verbose = region, verbose
        self.last = self.start = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.region.timings[name] = now - self.last
        if self.verbose:
            print(f"  {name:<34} {now - self.last:7.2f} s", flush=True)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.start


def _copy(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert many rows without ids: COPY on PostgreSQL, bulk_create elsewhere."""
    from django.db import connection

    if connection.vendor == "postgresql":
        from django.utils import timezone

        table = model._meta.db_table
        # COPY skips Django's defaults: fill every other NOT NULL column with its default once.
        extra_fields, extra_values = [], []
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in columns or f.attname in columns or f.null:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = timezone.now()
            else:
                value = f.get_default()  # "" for a text field without a default
                if value is None:
                    raise ValueError(f"{table}.{f.column} needs a value")
            extra_fields.append(f)
            extra_values.append(f.get_db_prep_save(value, connection))
        names = ", ".join(
            f'"{c}"'
            for c in [model._meta.get_field(c).column for c in columns]
            + [f.column for f in extra_fields]
        )
        extra = tuple(extra_values)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row((*row, *extra))
        return
    model.objects.bulk_create(
        [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=5000
    )


def build_region(*, students: int, seed: int = 2026, verbose: bool = False) -> Region:
    """Build the region in the current database (migrated, ideally empty)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from backend.accounts.models import Leerweg, Membership, Role, StudentEnrolment, User
    from backend.allocations.models import (
        AllocationRound,
        Choice,
        ChoiceList,
        Phase,
        RoundChallenge,
    )
    from backend.demo import curriculum
    from backend.offers.models import (
        Offer,
        OfferKind,
        OfferStatus,
        OfferTransition,
        WerkprocesMapping,
    )
    from backend.organisations.models import (
        Consortium,
        ConsortiumMembership,
        ConsortiumRole,
        Organisation,
    )

    rng = random.Random(seed)
    region = Region(students=students)
    clock = _Clock(region, verbose)
    now = timezone.now()

    # -- curriculum (the real fixtures) --------------------------------------------------------
    kwalificaties_by_crebo, werkprocessen_of = curriculum.build()
    kwalificaties = [k for k in kwalificaties_by_crebo.values() if werkprocessen_of.get(k.pk)]
    clock.lap("curriculum fixtures")

    # -- organisations and staff ---------------------------------------------------------------
    n_schools = min(SCHOOLS, max(2, students // 100))
    n_companies = max(5, students // 20)
    n_challenges = max(10, students // 10)
    backlog = max(5, students // 250)
    with transaction.atomic():
        schools = Organisation.objects.bulk_create(
            [Organisation(name=f"ROC Regio {i + 1}", kind="school") for i in range(n_schools)]
        )
        consortium = Consortium.objects.create(name=f"Regio {students}")
        ConsortiumMembership.objects.bulk_create(
            [
                ConsortiumMembership(
                    consortium=consortium,
                    organisation=s,
                    role=ConsortiumRole.LEAD if i == 0 else ConsortiumRole.PARTNER,
                )
                for i, s in enumerate(schools)
            ]
        )
        companies = Organisation.objects.bulk_create(
            [Organisation(name=f"Bedrijf {i + 1}", kind="company") for i in range(n_companies)],
            batch_size=5000,
        )
        staff = User.objects.bulk_create(
            [
                User(
                    email=f"coordinator{i + 1}@region.test", first_name="Coördinator", password="!"
                )
                for i in range(n_schools)
            ]
            + [
                User(email=f"contact{i + 1}@region.test", first_name="Contact", password="!")
                for i in range(n_companies)
            ],
            batch_size=5000,
        )
        coordinators, contacts = staff[:n_schools], staff[n_schools:]
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=s, role=Role.COORDINATOR)
                for u, s in zip(coordinators, schools, strict=True)
            ]
            + [
                Membership(user=u, organisation=c, role=Role.COMPANY_CONTACT)
                for u, c in zip(contacts, companies, strict=True)
            ],
            batch_size=5000,
        )
    region.coordinator_id = coordinators[0].pk
    clock.lap(f"{n_schools} schools, {n_companies:,} companies")

    # -- students ------------------------------------------------------------------------------
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    email=f"s{i}@region.test",
                    first_name=f"Student{i}",
                    last_name="Regio",
                    password="!",
                )
                for i in range(students)
            ],
            batch_size=5000,
        )
        student_ids = [u.pk for u in users]
        school_of = [schools[i % n_schools].pk for i in range(students)]
        kwalificatie_of = [rng.choice(kwalificaties) for _ in range(students)]
        _copy(
            Membership,
            ["user_id", "organisation_id", "role", "created_at", "updated_at"],
            (
                (pk, school, Role.STUDENT, now, now)
                for pk, school in zip(student_ids, school_of, strict=True)
            ),
        )
        _copy(
            StudentEnrolment,
            [
                "student_id",
                "school_id",
                "kwalificatie_id",
                "student_number",
                "cohort",
                "leerweg",
                "class_code",
                "care_notes",
                "created_at",
                "updated_at",
            ],
            (
                (pk, school, k.pk, f"R{i:07d}", 2025, Leerweg.BOL, f"K{i % 60}", "", now, now)
                for i, (pk, school, k) in enumerate(
                    zip(student_ids, school_of, kwalificatie_of, strict=True)
                )
            ),
        )
    clock.lap(f"{students:,} students + enrolments")

    # -- challenges, status histories, mappings, the review backlog ----------------------------
    werkprocessen = sorted({w.pk for ws in werkprocessen_of.values() for w in ws})
    with transaction.atomic():
        offers = []
        for i in range(n_challenges + backlog):
            in_backlog = i >= n_challenges
            owner = rng.randrange(n_companies)
            offers.append(
                Offer(
                    kind=OfferKind.CHALLENGE,
                    owner=companies[owner],
                    contact=contacts[owner],
                    title=f"Uitdaging {i + 1}",
                    description="Een vraag uit de praktijk van het bedrijf.",
                    status=OfferStatus.SUBMITTED if in_backlog else OfferStatus.PUBLISHED,
                    status_changed_at=now - dt.timedelta(days=rng.randrange(1, 60)),
                    min_students=0,
                    max_students=rng.randint(2, 6),
                    niveau_min=3 if i % 10 == 0 else 1,
                    niveau_max=4,
                    consortium=consortium,
                )
            )
        offers = Offer.objects.bulk_create(offers, batch_size=5000)
        published = offers[:n_challenges]
        # Submitted to the first school as well (its review queue holds the backlog).
        _copy(
            Offer.schools.through,
            ["offer_id", "organisation_id"],
            (
                (o.pk, schools[0].pk)
                for i, o in enumerate(offers)
                if i % 20 == 0 or i >= n_challenges
            ),
        )
        reviewer = coordinators[0].pk
        history: list[tuple[Any, ...]] = []
        for o in offers:
            at = o.status_changed_at or now
            steps = (
                [("draft", "submitted")]
                if o.status == OfferStatus.SUBMITTED
                else [
                    ("draft", "submitted"),
                    ("submitted", "in_review"),
                    ("in_review", "published"),
                ]
            )
            for j, (a, b) in enumerate(steps):
                actor = reviewer if b != "submitted" else o.contact_id
                history.append((o.pk, a, b, actor, at - dt.timedelta(days=len(steps) - j - 1), ""))
        _copy(
            OfferTransition,
            ["offer_id", "from_status", "to_status", "actor_id", "at", "note"],
            history,
        )
        _copy(
            WerkprocesMapping,
            [
                "offer_id",
                "werkproces_id",
                "coverage",
                "note",
                "mapped_by_id",
                "created_at",
                "updated_at",
            ],
            (
                (o.pk, w, "full" if k == 0 else "partial", "", reviewer, now, now)
                for o in published
                for k, w in enumerate(rng.sample(werkprocessen, min(3, len(werkprocessen))))
            ),
        )
    clock.lap(f"{n_challenges:,} challenges (+{backlog} backlog)")

    # -- the round in choosing -----------------------------------------------------------------
    niveau_of = [k.niveau or 4 for k in kwalificatie_of]
    weights = [1 / (k + 1) ** 0.6 for k in range(n_challenges)]
    with transaction.atomic():
        choosing = AllocationRound.objects.create(
            name="Regio: keuzes maken",
            consortium=consortium,
            created_by=coordinators[0],
            min_choices=5,
            max_choices=8,
            choices_open_at=now - dt.timedelta(days=7),
            choices_close_at=now + dt.timedelta(days=7),
            objections_close_at=now + dt.timedelta(days=28),
            phase=Phase.CHOOSING,
            phase_changed_at=now - dt.timedelta(days=7),
        )
        _copy(RoundChallenge, ["round_id", "offer_id"], ((choosing.pk, o.pk) for o in published))
        lists = ChoiceList.objects.bulk_create(
            [
                ChoiceList(round=choosing, student_id=pk, submitted_at=now, updated_at=now)
                for pk in student_ids
            ],
            batch_size=10000,
        )
        clock.lap("choosing round + choice lists")
        offer_ids = [o.pk for o in published]
        high_only = {i for i in range(n_challenges) if i % 10 == 0}
        draws = rng.choices(range(n_challenges), weights=weights, k=students * 12)
        cursor = 0

        def picks(niveau: int, wanted: int) -> list[int]:
            nonlocal cursor
            picked: list[int] = []
            while len(picked) < wanted:
                if cursor >= len(draws):
                    index = rng.randrange(n_challenges)
                else:
                    index, cursor = draws[cursor], cursor + 1
                if index in picked or (niveau < 3 and index in high_only):
                    continue
                picked.append(index)
            return picked

        region.choosing_round_id = choosing.pk
        region.choosing_student_id = student_ids[0]
        _copy(
            Choice,
            ["choice_list_id", "offer_id", "position"],
            (
                (choice_list.pk, offer_ids[index], position)
                for choice_list, niveau in zip(lists, niveau_of, strict=True)
                for position, index in enumerate(picks(niveau, rng.randint(7, 8)), 1)
            ),
        )
    clock.lap("choosing round choices")

    # -- the published round (first school; the real matcher and publish service) ---------------
    _published_round(
        region, rng, schools[0], coordinators[0], published, student_ids, niveau_of, n_schools, now
    )
    clock.lap("published round (solve + publish)")

    from backend.allocations.services.counts import rebuild_round_counts

    rebuild_round_counts()  # the stored choice and assignment counts (bulk inserts bypass them)
    clock.lap("round counts")
    from backend.offers.services.coverage import coverage_rebuild

    coverage_rebuild()  # the mappings above were copied in, past the services
    clock.lap("coverage counts")

    if connection.vendor == "postgresql":
        # A live database has been vacuumed by autovacuum long before anyone measures it; a
        # freshly bulk-loaded one has not, and without the visibility map the planner cannot
        # use index-only scans. VACUUM cannot run inside a transaction (a test's), so there
        # only the statistics are refreshed.
        statistics = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor_:
            cursor_.execute(statistics)
        clock.lap(statistics)
    region.timings["total"] = clock.total()
    return region


def _published_round(
    region: Region,
    rng: random.Random,
    school: Any,
    coordinator: Any,
    offers: Sequence[Any],
    student_ids: Sequence[int],
    niveau_of: Sequence[int],
    n_schools: int,
    now: dt.datetime,
) -> None:
    from backend.accounts.models import StudentEnrolment
    from backend.allocations.models import (
        AllocationRound,
        AllocationRun,
        Assignment,
        Choice,
        ChoiceList,
        Phase,
        RoundChallenge,
    )
    from backend.allocations.services import (
        allocation_round_publish,
        allocation_run_execute,
        allocation_run_start,
    )

    # Students i with i % n_schools == 0 are the first school's (see build_region); at most 5,000
    # of them take part: the round is for one cohort (2024) of that school.
    members = list(range(0, len(student_ids), n_schools))[:PUBLISHED_ROUND_STUDENTS]
    StudentEnrolment.objects.filter(student_id__in=[student_ids[i] for i in members]).update(
        cohort=2024
    )
    held = list(offers[: max(10, len(offers) // 5)])
    allocation_round = AllocationRound.objects.create(
        name="Vorige periode",
        school=school,
        cohorts=[2024],
        created_by=coordinator,
        min_choices=3,
        max_choices=5,
        choices_open_at=now - dt.timedelta(days=40),
        choices_close_at=now - dt.timedelta(days=30),
        objections_close_at=now + dt.timedelta(days=7),
        phase=Phase.ALLOCATING,
        phase_changed_at=now - dt.timedelta(days=30),
    )
    _copy(RoundChallenge, ["round_id", "offer_id"], ((allocation_round.pk, o.pk) for o in held))
    # The last few members never chose, so every size leaves more than a page of students
    # without a place: the coordinator's "students without a place" list is measured full at
    # every size, not full at one and nearly empty at another.
    choosers = members[:-NEVER_CHOSE]
    lists = ChoiceList.objects.bulk_create(
        [
            ChoiceList(
                round=allocation_round, student_id=student_ids[i], submitted_at=now, updated_at=now
            )
            for i in choosers
        ],
        batch_size=5000,
    )
    open_to_all = [k for k, o in enumerate(held) if o.niveau_min <= 2]
    rows = []
    for choice_list, i in zip(lists, choosers, strict=True):
        pool = range(len(held)) if niveau_of[i] >= 3 else open_to_all
        for position, k in enumerate(rng.sample(pool, rng.randint(3, 5)), 1):
            rows.append((choice_list.pk, held[k].pk, position))
    _copy(Choice, ["choice_list_id", "offer_id", "position"], rows)

    # The real run: snapshot, solve, store (Assignment rows and whatever else a run stores).
    run = allocation_run_start(
        allocation_round=allocation_round, actor=coordinator, mode="stable", seed=1
    )
    if AllocationRun.objects.filter(pk=run.pk, status="queued").exists():
        # Inside an outer transaction (a test) the outbox has not sent the task: run it as the
        # worker would.
        allocation_run_execute(run_id=run.pk)
    status = AllocationRun.objects.filter(pk=run.pk).values_list("status", "error").get()
    if status[0] != "succeeded":
        raise RuntimeError(f"the published round's run did not succeed: {status}")
    allocation_round.refresh_from_db()
    allocation_round_publish(allocation_round=allocation_round, actor=coordinator)
    region.published_round_id = allocation_round.pk
    placed = (
        Assignment.objects.filter(round=allocation_round)
        .order_by("student_id")
        .values_list("student_id", "offer__contact_id")
        .first()
    )
    if placed is None:
        raise RuntimeError("the published round has no assignments")
    region.published_student_id, region.company_contact_id = placed


def _setup(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def counts() -> dict[str, int]:
    """Row counts of the tables the region fills (printed after a build)."""
    from backend.accounts.models import StudentEnrolment
    from backend.allocations.models import Assignment, Choice
    from backend.offers.models import Offer, OfferTransition, WerkprocesMapping
    from backend.organisations.models import Organisation

    return {
        "schools": Organisation.objects.filter(kind="school").count(),
        "companies": Organisation.objects.filter(kind="company").count(),
        "published challenges": Offer.objects.filter(status="published").count(),
        "review backlog": Offer.objects.filter(status="submitted").count(),
        "status history rows": OfferTransition.objects.count(),
        "werkproces mappings": WerkprocesMapping.objects.count(),
        "students": StudentEnrolment.objects.count(),
        "choices": Choice.objects.count(),
        "assignments": Assignment.objects.count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", type=int, default=100000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    _setup(args.database_url)
    from django.db import connection

    print(f"database: {connection.vendor}; building {args.students:,} students", flush=True)
    region = build_region(students=args.students, seed=args.seed, verbose=True)
    print(f"built in {region.timings['total']:.1f} s")
    for name, n in counts().items():
        print(f"  {name:<22} {n:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
