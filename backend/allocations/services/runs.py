"""Starting, executing, retrying, reaping and applying allocation runs.

A run is executed by `allocation_run_task` (Celery) which calls `allocation_run_execute`. The
task is recorded in the outbox in the same transaction as the run, so a broker that is down
delays a run but never loses it. The task may be delivered twice and the coordinator may click
twice; neither produces a second result: a partial unique constraint allows one queued/running
run per round, and the worker claims a run with a conditional update (queued → running) before
touching it. A running run beats (`heartbeat_at`) at every engine step; one whose worker died
stops beating, and the reaper (or a redelivered task) ends it, so no run stays running for ever.
"""

import contextlib
import datetime as dt
import gc
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.allocations import engine_adapter
from backend.allocations.models import (
    ACTIVE_RUN_STATUSES,
    RUNNABLE_PHASES,
    AllocationRound,
    AllocationRun,
    Assignment,
    AssignmentSource,
    Phase,
    RunMode,
    RunPlacement,
    RunStatus,
    compress_json,
)
from backend.allocations.selectors.access import require_round_manager
from backend.allocations.selectors.snapshot import round_snapshot
from backend.allocations.services.common import (
    lock_round,
    record_event,
    require_phase,
)
from backend.allocations.services.counts import rebuild_assignment_counts
from backend.core.errors import ApplicationError, Conflict, field_error
from backend.core.outbox import outbox_enqueue

logger = logging.getLogger(__name__)


def _enqueue(run_id: int) -> None:
    # In the caller's transaction: the run and its task are committed together or not at all.
    outbox_enqueue(task="backend.allocations.tasks.allocation_run_task", kwargs={"run_id": run_id})


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ALLOCATION_RUN_STALE_AFTER)


def _check_options(mode: str, seed: int, coverage_weight: float) -> None:
    if mode not in RunMode.values:
        raise field_error("mode", _("Kies 'optimal' of 'stable'."))
    if seed < 0:
        raise field_error("seed", _("Het startgetal (seed) mag niet negatief zijn."))
    if coverage_weight < 0:
        raise field_error(
            "coverage_weight", _("Het gewicht voor leerdoelen mag niet negatief zijn.")
        )


def _already_running() -> Conflict:
    return Conflict(_("Er loopt al een indeling voor deze ronde; wacht tot die klaar is."))


def _queue_run(run: AllocationRun) -> AllocationRun:
    """Store a new queued run unless its round already has an active one."""
    if AllocationRun.objects.filter(round=run.round, status__in=ACTIVE_RUN_STATUSES).exists():
        raise _already_running()
    try:
        with transaction.atomic():
            run.save(force_insert=True)
    except IntegrityError as exc:
        # Another request got there first (the partial unique constraint).
        raise _already_running() from exc
    return run


@transaction.atomic
def allocation_run_start(
    *,
    allocation_round: AllocationRound,
    actor: User,
    mode: str = RunMode.OPTIMAL,
    seed: int = 0,
    coverage_weight: float = 0.0,
    now: dt.datetime | None = None,
) -> AllocationRun:
    """Queue a run of the matcher for a round in 'allocating' or 'review'; the worker starts after
    commit. Conflict (409) when a run of this round is already queued or running."""
    now = now or timezone.now()
    require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    require_phase(allocation_round, *RUNNABLE_PHASES)
    _check_options(mode, seed, coverage_weight)
    run = _queue_run(
        AllocationRun(
            round=allocation_round,
            mode=mode,
            seed=seed,
            coverage_weight=coverage_weight,
            started_by=actor,
            created_at=now,
            heartbeat_at=now,
        )
    )
    record_event(
        allocation_round=allocation_round,
        actor=actor,
        kind="run_started",
        now=now,
        run=run.pk,
        mode=mode,
        seed=seed,
        coverage_weight=coverage_weight,
    )
    _enqueue(run.pk)
    return run


@transaction.atomic
def allocation_run_retry(
    *, run: AllocationRun, actor: User, now: dt.datetime | None = None
) -> AllocationRun:
    """A new attempt of a failed run, with the same options."""
    now = now or timezone.now()
    require_round_manager(actor, run.round)
    require_phase(run.round, *RUNNABLE_PHASES)
    try:
        with transaction.atomic():
            claimed = AllocationRun.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(
                status=RunStatus.QUEUED,
                stage="",
                percent=0,
                error="",
                attempt=run.attempt + 1,
                finished_at=None,
                heartbeat_at=now,
            )
    except IntegrityError as exc:
        raise _already_running() from exc
    if claimed != 1:
        raise Conflict(_("Alleen een mislukte run kan opnieuw worden gestart."))
    record_event(allocation_round=run.round, actor=actor, kind="run_retried", now=now, run=run.pk)
    _enqueue(run.pk)
    run.refresh_from_db()
    return run


def _ours(run_id: int, claimed_at: dt.datetime) -> QuerySet[AllocationRun]:
    """This worker's claim on a run: still running and started by this claim. A worker that was
    presumed dead (reaped, or taken over by a redelivery) writes nothing any more."""
    return AllocationRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, started_at=claimed_at)


def _beat(run_id: int, claimed_at: dt.datetime, **fields: Any) -> None:
    # Outside any transaction, so a poller (and the reaper) sees each step at once.
    _ours(run_id, claimed_at).update(heartbeat_at=timezone.now(), **fields)


def _progress(run_id: int, claimed_at: dt.datetime) -> Callable[[str, int], None]:
    """The engine's progress (0-100 per stage) mapped into 5-95 % of the whole run: the snapshot
    comes before it and storing after it, so the percentage a poller sees only moves forward.
    Each report is also a heartbeat."""

    def report(stage: str, percent: int) -> None:
        overall = 5 + max(0, min(100, percent)) * 90 // 100
        _beat(run_id, claimed_at, stage=stage[:30], percent=overall)

    return report


def _fail(run_id: int, reason: str, now: dt.datetime, claimed_at: dt.datetime) -> None:
    _ours(run_id, claimed_at).update(status=RunStatus.FAILED, error=reason, finished_at=now)


def _claim(run_id: int, now: dt.datetime) -> bool:
    """queued → running, or take over a running run whose worker stopped beating (the task was
    redelivered after its worker died). One conditional update: only one claimant wins."""
    stale = Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - _stale_after())
    claimed = AllocationRun.objects.filter(Q(status=RunStatus.QUEUED) | stale, pk=run_id).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, stage="snapshot", percent=0
    )
    return claimed == 1


class _Laps:
    """Wall and CPU time per step of one run (seconds), logged when the run is stored: what an
    operator reads when a run is slow (CPU well below wall: waiting for the database, or a
    busy machine), and what bench/region_run.py prints."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def __call__(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.wall[name] = self.wall.get(name, 0.0) + wall - self._wall
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu - self._cpu
        self._wall, self._cpu = wall, cpu

    def log(self, run_id: int) -> None:
        text = ", ".join(
            f"{name} {seconds:.2f} s (cpu {self.cpu[name]:.2f})"
            for name, seconds in self.wall.items()
        )
        logger.info(
            "allocation run %s stored: %s",
            run_id,
            text,
            extra={"run_laps": self.wall, "run_cpu": self.cpu},
        )


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a run, as the engine does while it solves: a run
    at 100,000 students builds millions of small acyclic objects (the snapshot, the problem,
    the encoded documents, the placement rows), and each full collection rescans all of them:
    that was a fifth of the run's CPU time (bench/region_run.py). They are freed by reference
    counting all the same; the few cycles the ORM makes meanwhile wait until the collector is
    back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def allocation_run_execute(*, run_id: int, now: dt.datetime | None = None) -> bool:
    """Snapshot the round, solve and store assignments. Returns False when the run was not
    claimed (running elsewhere or done: a task delivered twice does nothing the second time)."""
    now = now or timezone.now()
    if not _claim(run_id, now):
        return False
    with _without_cyclic_gc():
        _execute(run_id, now)
    return True


def _execute(run_id: int, now: dt.datetime) -> None:
    lap = _Laps()
    run = AllocationRun.objects.select_related("round").defer("problem", "result").get(pk=run_id)
    try:
        # The snapshot is an argument only: it is garbage once the engine's problem is built.
        problem = engine_adapter.problem_of(
            round_snapshot(run.round, today=timezone.localdate(now)),
            mode=run.mode,
            seed=run.seed,
            coverage_weight=run.coverage_weight,
        )
        lap("snapshot")
        _beat(run_id, now, stage="snapshot", percent=5)
        solved = engine_adapter.solve(
            problem, compress=compress_json, progress=_progress(run_id, now)
        )
        del problem  # encoded in `solved`; storing does not need it
        lap("solve, encode")
        _beat(run_id, now, stage="storing", percent=97)
        _store(run, solved, now=timezone.now(), claimed_at=now, lap=lap)
        lap("commit")
    except engine_adapter.ProblemError as exc:
        _fail(run_id, _("De invoer klopt niet: %(error)s") % {"error": exc}, timezone.now(), now)
    except ApplicationError as exc:
        _fail(run_id, exc.message, timezone.now(), now)
    except Exception as exc:  # the run must never stay 'running' forever
        logger.exception("allocation run %s failed", run_id)
        _fail(run_id, _("Onverwachte fout: %(error)r") % {"error": exc}, timezone.now(), now)
    else:
        # After the commit, outside the run's try: the run is stored whatever this does.
        analyze_tables(Assignment, RunPlacement)
        lap("analyze")
        lap.log(run_id)


def allocation_runs_reap(*, now: dt.datetime | None = None) -> list[int]:
    """Fail every queued or running run without a heartbeat for ALLOCATION_RUN_STALE_AFTER (its
    worker died, or its task never reached one), with a reason the coordinator sees, so the
    round is free again: retry or a new run. Returns the ids of the runs it failed."""
    now = now or timezone.now()
    cutoff = now - _stale_after()
    reasons = {
        RunStatus.RUNNING: _("De berekening is onderbroken (worker gestopt); probeer opnieuw."),
        RunStatus.QUEUED: _(
            "De berekening is niet gestart (geen worker beschikbaar); probeer opnieuw."
        ),
    }
    reaped: list[int] = []
    for status, reason in reasons.items():
        stale = AllocationRun.objects.filter(status=status, heartbeat_at__lt=cutoff)
        for run_id in list(stale.values_list("pk", flat=True)):
            # Conditional again: the run may have beaten or finished since the read.
            if AllocationRun.objects.filter(
                pk=run_id, status=status, heartbeat_at__lt=cutoff
            ).update(status=RunStatus.FAILED, error=reason, finished_at=now):
                logger.warning("allocation run %s reaped (%s, no heartbeat)", run_id, status)
                reaped.append(run_id)
    return reaped


def _copy(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL's COPY … FROM STDIN: the rows stream to the server as they are produced, one
    statement however many there are, without a payload the server must parse first. Logged
    like a query where Django logs queries (DEBUG, tests), so query counts still see it."""
    quote = connection.ops.quote_name
    column_of = {field.name: field.column for field in model._meta.concrete_fields}
    names = ", ".join(quote(str(column_of[name])) for name in columns)
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": statement, "time": f"{time.monotonic() - started:.3f}"}
        )


_INSERT_COLUMNS = "round_id, student_id, offer_id, rank, source, locked, run_id, changed_at"
# One INSERT … SELECT over a JSON array where COPY is not available (SQLite); parameters: round
# id, source, run id, changed at, the JSON rows.
_INSERT_FROM_JSON = (
    "INSERT INTO {table} ({columns}) SELECT %s, json_extract(value, '$.s'), "
    "json_extract(value, '$.o'), json_extract(value, '$.r'), %s, 0, %s, %s FROM json_each(%s)"
)


def insert_assignments(
    *,
    round_id: int,
    run_id: int | None,
    rows: list[tuple[int, int, int | None]],
    source: str,
    now: dt.datetime,
) -> None:
    """Insert (student, offer, rank) rows in ONE statement (COPY on PostgreSQL, INSERT … SELECT
    over JSON on SQLite), so storing 100,000 assignments costs the same number of queries as
    storing 10."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(
            Assignment,
            ("round", "student", "offer", "rank", "source", "locked", "run", "changed_at"),
            ((round_id, s, o, r, source, False, run_id, now) for s, o, r in rows),
        )
        return
    if connection.vendor != "sqlite":
        Assignment.objects.bulk_create(
            [
                Assignment(
                    round_id=round_id,
                    student_id=s,
                    offer_id=o,
                    rank=r,
                    source=source,
                    run_id=run_id,
                    changed_at=now,
                )
                for s, o, r in rows
            ],
            batch_size=_BATCH,
        )
        return
    payload = json.dumps([{"s": s, "o": o, "r": r} for s, o, r in rows])
    changed_at = connection.ops.adapt_datetimefield_value(now)
    statement = _INSERT_FROM_JSON.format(table=Assignment._meta.db_table, columns=_INSERT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(statement, [round_id, source, run_id, changed_at, payload])


def _replace_engine_assignments(
    allocation_round: AllocationRound,
    run_id: int,
    assignments: Iterable[tuple[int, int, int | None, bool]],
    now: dt.datetime,
) -> None:
    """Swap the unlocked assignments of a round for a run's proposal (locked ones stay)."""
    Assignment.objects.filter(round=allocation_round, locked=False).delete()
    rows = [(student, offer, rank) for student, offer, rank, locked in assignments if not locked]
    insert_assignments(
        round_id=allocation_round.pk,
        run_id=run_id,
        rows=rows,
        source=AssignmentSource.ENGINE,
        now=now,
    )
    rebuild_assignment_counts(allocation_round)


def _check_storable(
    run: AllocationRun, allocation_round: AllocationRound, claimed_at: dt.datetime
) -> None:
    if not allocation_round.accepts_runs:
        # Published assignments are never overwritten by a late run.
        raise ApplicationError(_("De ronde is al gepubliceerd; deze run is niet toegepast."))
    if not _ours(run.pk, claimed_at).select_for_update().exists():
        # Reaped while we were solving (or taken over): a retry may already be on its way.
        raise ApplicationError(_("Deze run is intussen afgebroken; het resultaat is niet bewaard."))


def _apply_to_round(
    allocation_round: AllocationRound, run: AllocationRun, now: dt.datetime
) -> None:
    """The run's proposal is now the round's; a round still allocating moves to review."""
    allocation_round.applied_run_id = run.pk
    fields = ["applied_run", "updated_at"]
    if allocation_round.phase == Phase.ALLOCATING:
        allocation_round.phase, allocation_round.phase_changed_at = Phase.REVIEW, now
        fields += ["phase", "phase_changed_at"]
        record_event(
            allocation_round=allocation_round,
            actor=None,
            kind="phase",
            now=now,
            **{"from": Phase.ALLOCATING, "to": Phase.REVIEW},
        )
    allocation_round.save(update_fields=fields)


@transaction.atomic
def _store(
    run: AllocationRun,
    solved: engine_adapter.Solved,
    *,
    now: dt.datetime,
    claimed_at: dt.datetime,
    lap: Callable[[str], None],
) -> None:
    allocation_round = lock_round(run.round)
    _check_storable(run, allocation_round, claimed_at)
    lap("store: lock")
    _replace_engine_assignments(allocation_round, run.pk, solved.assignments, now)
    lap("store: assignments")
    AllocationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED,
        stage="done",
        percent=100,
        problem=solved.problem,
        problem_hash=solved.problem_hash,
        result=solved.result,
        metrics=solved.metrics,
        teams=solved.teams,
    )
    lap("store: run documents")
    store_placements(run.pk, solved.placements())
    lap("store: placements")
    _apply_to_round(allocation_round, run, now)
    record_event(
        allocation_round=allocation_round,
        actor=None,
        kind="run_succeeded",
        now=now,
        run=run.pk,
        problem_hash=solved.problem_hash,
        assigned=solved.metrics.get("assigned"),
        unassigned=solved.metrics.get("unassigned"),
    )
    # Finished when everything is stored (not when solving ended): started_at → finished_at is
    # the whole run as the coordinator waits for it.
    AllocationRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    lap("store: round, events")


_PLACEMENT_FIELDS = ("run", "student_id", "offer_id", "rank", "locked", "reason", "explanation")
_PLACEMENT_COLUMNS = "run_id, student_id, offer_id, rank, locked, reason, explanation"
# As _INSERT_FROM_JSON: one INSERT … SELECT over a JSON array; parameters: run id, the rows.
_PLACEMENTS_FROM_JSON = (
    "INSERT INTO {table} ({columns}) SELECT %s, json_extract(value, '$.s'), "
    "json_extract(value, '$.o'), json_extract(value, '$.r'), json_extract(value, '$.l'), "
    "json_extract(value, '$.w'), json(json_extract(value, '$.e')) FROM json_each(%s)"
)
_BATCH = 2000


def _json_row(row: engine_adapter.PlacementRow) -> str:
    """A placement as a member of _PLACEMENTS_FROM_JSON's array; the explanation is already
    JSON, so it goes in as it is."""
    student, offer, rank, locked, reason, explanation = row
    return (
        f'{{"s":{student},"o":{"null" if offer is None else offer},'
        f'"r":{"null" if rank is None else rank},"l":{"true" if locked else "false"},'
        f'"w":{json.dumps(reason)},"e":{explanation}}}'
    )


def store_placements(run_id: int, placements: Iterable[engine_adapter.PlacementRow]) -> None:
    """One RunPlacement row per student of a run's result (engine_adapter.Solved.placements),
    so pages read one student's explanation or compare runs without loading the result
    document. ONE statement on PostgreSQL (COPY, streamed: the rows are never all in memory)
    and SQLite (INSERT … SELECT over JSON, in statements of at most _PAYLOAD_LIMIT); other
    databases get bulk_create in batches."""
    if connection.vendor == "postgresql":
        _copy(RunPlacement, _PLACEMENT_FIELDS, ((run_id, *row) for row in placements))
        return
    if connection.vendor != "sqlite":
        RunPlacement.objects.bulk_create(
            (
                RunPlacement(
                    run_id=run_id,
                    student_id=student,
                    offer_id=offer,
                    rank=rank,
                    locked=locked,
                    reason=reason,
                    explanation=json.loads(explanation),
                )
                for student, offer, rank, locked, reason, explanation in placements
            ),
            batch_size=_BATCH,
        )
        return
    statement = _PLACEMENTS_FROM_JSON.format(
        table=RunPlacement._meta.db_table, columns=_PLACEMENT_COLUMNS
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(map(_json_row, placements), _PAYLOAD_LIMIT):
            cursor.execute(statement, [run_id, "[" + ",".join(chunk) + "]"])


# One statement of JSON rows stays below this many characters (SQLite's limit on a string is
# 1,000,000,000 bytes by default; at 100,000 students the placements are ~80 MB of JSON).
_PAYLOAD_LIMIT = 32 * 1024 * 1024


def _chunks(rows: Iterable[str], limit: int) -> Iterator[list[str]]:
    """`rows` in consecutive lists of at most `limit` characters (at least one row each)."""
    chunk: list[str] = []
    size = 0
    for row in rows:
        if chunk and size + len(row) > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += len(row) + 1
    if chunk:
        yield chunk


def analyze_tables(*models: type[Model]) -> None:
    """Refresh PostgreSQL's planner statistics of tables just written in bulk (10,000s of rows
    deleted and inserted at once). Autovacuum catches up only later; until then the planner
    works from the old row counts and may pick a sequential scan or a bad join order for the
    very next page view of the round. SQLite's planner needs no such refresh: a no-op there."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _current_locks(allocation_round: AllocationRound) -> set[tuple[int, int]]:
    return set(
        Assignment.objects.filter(round=allocation_round, locked=True).values_list(
            "student_id", "offer_id"
        )
    )


@transaction.atomic
def allocation_run_apply(
    *, run: AllocationRun, actor: User, now: dt.datetime | None = None
) -> AllocationRun:
    """Make an earlier successful run's proposal the current one (after comparing runs)."""
    now = now or timezone.now()
    require_round_manager(actor, run.round)
    allocation_round = lock_round(run.round)
    require_phase(allocation_round, *RUNNABLE_PHASES)
    if not run.succeeded or run.round_id != allocation_round.pk:
        raise Conflict(_("Alleen een geslaagde run van deze ronde kan worden toegepast."))
    # The run's placements, not its stored result: a locked student is placed where the lock
    # put them, so the locked placements are the locks the run was made with.
    placed = list(
        RunPlacement.objects.filter(run_id=run.pk, offer_id__isnull=False).values_list(
            "student_id", "offer_id", "rank", "locked"
        )
    )
    run_locks = {
        (student, offer) for student, offer, _rank, locked in placed if locked and offer is not None
    }
    if run_locks != _current_locks(allocation_round):
        raise Conflict(
            _("Deze run is gemaakt met andere vastgezette indelingen; start een nieuwe run.")
        )
    assignments = [
        (student, offer, rank, locked)
        for student, offer, rank, locked in placed
        if offer is not None
    ]
    _replace_engine_assignments(allocation_round, run.pk, assignments, now)
    transaction.on_commit(lambda: analyze_tables(Assignment))
    allocation_round.applied_run = run
    allocation_round.save(update_fields=["applied_run", "updated_at"])
    record_event(
        allocation_round=allocation_round, actor=actor, kind="run_applied", now=now, run=run.pk
    )
    return run
