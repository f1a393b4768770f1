import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

import matching
from backend.allocations import services
from backend.allocations.models import AllocationRun, Assignment, Phase, RoundEvent, RunStatus
from backend.allocations.selectors.access import round_enrolments
from backend.allocations.selectors.snapshot import round_snapshot
from backend.core.errors import Conflict, PermissionDenied
from tests.backend.allocations.conftest import NOW, choose, open_round, start_and_run, to_review
from tests.factories import student


def test_a_run_stores_one_assignment_per_placed_student_and_moves_to_review(world):
    run = to_review(world)
    assert run.status == RunStatus.SUCCEEDED
    assert run.percent == 100
    assert run.problem["format"] == "koppel-allocation/1"
    assert len(run.problem_hash) == 64
    placed = dict(
        Assignment.objects.filter(round=world.round).values_list(
            "student__first_name", "offer__title"
        )
    )
    # Webshop has room for one, App for two: one of the four students is left over.
    assert list(placed.values()).count("Webshop voor Bakkerij Jansen") == 1
    assert list(placed.values()).count("App voor Pixelfabriek") == 2
    assert len(placed) == 3
    assert run.metrics["assigned"] == 3
    assert run.metrics["unassigned"] == 1
    world.round.refresh_from_db()
    assert world.round.phase == Phase.REVIEW
    assert world.round.applied_run_id == run.pk


def test_the_stored_problem_reproduces_the_result_outside_koppel(world):
    run = to_review(world)
    again = matching.solve(matching.problem_from_dict(run.problem))
    assert matching.result_to_dict(again)["assignments"] == run.result["assignments"]
    assert matching.problem_hash(matching.problem_from_dict(run.problem)) == run.problem_hash


def test_starting_twice_gives_one_run(world):
    open_round(world)
    choose(world, world.cast.sanne, world.webshop)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW
    )
    services.allocation_run_start(allocation_round=world.round, actor=world.cast.bos)
    with pytest.raises(Conflict):
        services.allocation_run_start(allocation_round=world.round, actor=world.cast.bos)
    assert AllocationRun.objects.filter(round=world.round).count() == 1


def test_the_database_allows_one_active_run_per_round(world):
    open_round(world)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW
    )
    AllocationRun.objects.create(round=world.round, started_by=world.cast.bos, created_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationRun.objects.create(
            round=world.round, started_by=world.cast.bos, created_at=NOW, status="running"
        )


def test_a_task_delivered_twice_produces_one_result_and_no_duplicate_assignments(world):
    from backend.allocations.tasks import allocation_run_task

    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW
    )
    run = services.allocation_run_start(allocation_round=world.round, actor=world.cast.bos)
    assert allocation_run_task(run.pk) is True
    first = AllocationRun.objects.get(pk=run.pk)
    assert allocation_run_task(run.pk) is False
    second = AllocationRun.objects.get(pk=run.pk)
    assert second.finished_at == first.finished_at
    assert Assignment.objects.filter(round=world.round).count() == 3
    assert RoundEvent.objects.filter(round=world.round, kind="run_succeeded").count() == 1


def test_progress_is_written_to_the_run_row_while_solving(world, monkeypatch):
    seen = []
    original = services.runs._progress

    beats = []

    def spy(run_id, claimed_at):
        report = original(run_id, claimed_at)

        def wrapped(stage, percent):
            report(stage, percent)
            row = AllocationRun.objects.get(pk=run_id)
            seen.append((row.status, row.stage, row.percent))
            beats.append(row.heartbeat_at)

        return wrapped

    monkeypatch.setattr(services.runs, "_progress", spy)
    to_review(world)
    assert seen[0] == ("running", "validating", 5)
    assert ("running", "solving", 23) in seen
    assert seen[-1] == ("running", "done", 95)
    percents = [percent for _status, _stage, percent in seen]
    assert percents == sorted(percents)
    # Every progress report is a heartbeat the reaper can see.
    assert None not in beats
    assert beats == sorted(beats)
    assert beats[0] < beats[-1]


def test_a_failed_run_is_recorded_with_its_reason_and_can_be_retried(world, monkeypatch):
    open_round(world)
    choose(world, world.cast.sanne, world.webshop)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW
    )

    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(services.runs.engine_adapter, "solve", broken)
    run = start_and_run(world)
    assert run.status == RunStatus.FAILED
    assert "solver crashed" in run.error
    assert not Assignment.objects.filter(round=world.round).exists()

    monkeypatch.undo()
    services.allocation_run_retry(run=run, actor=world.cast.bos)
    services.allocation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempt, run.error) == (RunStatus.SUCCEEDED, 2, "")
    assert Assignment.objects.filter(round=world.round).count() == 1


def test_retrying_a_successful_run_is_refused(world):
    run = to_review(world)
    with pytest.raises(Conflict):
        services.allocation_run_retry(run=run, actor=world.cast.bos)


def test_a_late_run_never_overwrites_published_assignments(world):
    to_review(world)
    run = services.allocation_run_start(allocation_round=world.round, actor=world.cast.bos, seed=3)
    before = list(
        Assignment.objects.filter(round=world.round).values_list("student_id", "offer_id", "run_id")
    )
    # The coordinator publishes while the run is still queued: refused, a run is active.
    with pytest.raises(Conflict):
        services.allocation_round_publish(
            allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=9)
        )
    AllocationRun.objects.filter(pk=run.pk).update(status="failed")
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=9)
    )
    AllocationRun.objects.filter(pk=run.pk).update(status="queued")
    services.allocation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "gepubliceerd" in run.error
    after = list(
        Assignment.objects.filter(round=world.round).values_list("student_id", "offer_id", "run_id")
    )
    assert after == before


def test_only_a_coordinator_of_the_school_starts_a_run(world):
    open_round(world)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW
    )
    for outsider in (world.cast.devries, world.cast.peters, world.cast.sanne, world.cast.jan):
        with pytest.raises(PermissionDenied):
            services.allocation_run_start(allocation_round=world.round, actor=outsider)
    assert not AllocationRun.objects.exists()


def test_a_run_cannot_start_while_students_are_choosing(world):
    open_round(world)
    with pytest.raises(Conflict):
        services.allocation_run_start(allocation_round=world.round, actor=world.cast.bos)


def test_the_snapshot_takes_the_same_number_of_queries_for_more_students(world):
    open_round(world)

    def count():
        with CaptureQueriesContext(connection) as queries:
            snapshot = round_snapshot(world.round, today=NOW.date())
        return len(queries), len(snapshot.students)

    few_queries, few = count()
    for i in range(15):
        user = student(
            school=world.cast.vista, kwalificatie=world.cast.ict_niveau2, first_name=f"Extra{i}"
        )
        choose(world, user, world.app, world.webshop)
    many_queries, many = count()
    assert (few, many) == (4, 19)
    assert many_queries == few_queries


def test_the_snapshot_translates_eligibility_rules_and_open_goals(world):
    from backend.accounts.models import Certificate
    from backend.curriculum.models import Werkproces, WerkprocesEvidence
    from backend.offers.models import WerkprocesMapping

    open_round(world)
    sanne = world.cast.sanne
    Certificate.objects.create(
        holder=sanne, kind="VOG", issued_on=dt.date(2025, 1, 1), valid_until=dt.date(2027, 1, 1)
    )
    Certificate.objects.create(
        holder=sanne, kind="BHV", issued_on=dt.date(2020, 1, 1), valid_until=dt.date(2021, 1, 1)
    )
    werkproces = Werkproces.objects.get(
        code="B1-K1-W1", kerntaak__dossier=world.cast.ict_niveau2.dossier
    )
    WerkprocesEvidence.objects.create(
        student=sanne,
        werkproces=werkproces,
        level="goed",
        recorded_by=world.cast.devries,
        validated_by=world.cast.devries,
        validated_at=NOW,
    )
    WerkprocesMapping.objects.create(
        offer=world.app, werkproces=werkproces, coverage="full", mapped_by=world.cast.devries
    )
    snapshot = round_snapshot(world.round, today=NOW.date())
    me = next(s for s in snapshot.students if s.user_id == sanne.pk)
    assert me.certificates == ("VOG",)
    assert me.open_goals == ("B1-K1-W2", "P1-K1-W1")
    assert (me.level, me.programme, me.school_id) == (
        2,
        world.cast.ict_niveau2.crebo,
        world.cast.vista.pk,
    )
    challenges = {c.offer_id: c for c in snapshot.challenges}
    assert challenges[world.expert.pk].levels == (4,)
    assert challenges[world.webshop.pk].levels == ()
    assert challenges[world.vog.pk].requires == ("VOG",)
    assert challenges[world.app.pk].goals == ("B1-K1-W1",)
    assert challenges[world.app.pk].host_id == world.cast.pixel.pk
    assert round_enrolments(world.round).count() == 4
