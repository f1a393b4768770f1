"""How a run is stored for reading: one RunPlacement row per student beside the full problem and
result, `finished_at` when storing is done, fresh planner statistics, and reads (explanations,
comparisons, apply, exports) that never load the run's full problem or result."""

import datetime as dt
import gzip
import hashlib
import importlib
import json

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import matching
from backend.allocations import engine_adapter, services
from backend.allocations.models import (
    AllocationRun,
    Assignment,
    RunPlacement,
    RunStatus,
    compress_document,
)
from backend.allocations.selectors.review import (
    assignments_csv,
    run_of_round,
    runs_compare,
    succeeded_runs_by_id,
)
from backend.allocations.selectors.student import stored_explanation
from backend.allocations.services import runs as run_services
from tests.backend.allocations.conftest import NOW, choose, open_round, start_and_run, to_review

RUN_TABLE = '"allocations_allocationrun"'


def reads_documents(queries) -> list[str]:
    """The statements that read a run's full `problem` or `result` column."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and (f'{RUN_TABLE}."problem"' in q["sql"] or f'{RUN_TABLE}."result"' in q["sql"])
    ]


def placements(run):
    return {
        row.student_id: row for row in RunPlacement.objects.filter(run=run).order_by("student_id")
    }


def test_a_run_stores_one_placement_per_student_matching_its_result(world):
    run = to_review(world)
    rows = placements(run)
    assert set(rows) == {user.pk for user in world.students}
    placed = engine_adapter.result_assignments(run.result)
    reasons = engine_adapter.unassigned_reasons(run.result)
    for student_id, row in rows.items():
        offer, rank = placed.get(student_id, (None, None))
        assert (row.offer_id, row.rank, row.locked) == (offer, rank, False)
        assert row.reason == reasons.get(student_id, "")
        assert row.explanation == engine_adapter.explanation_of(run.result, student_id)
    # Four students for three places: exactly one left over because both choices were full.
    assert [row.reason for row in rows.values() if row.offer_id is None] == ["all_choices_full"]
    # The placed rows are what the round's assignments came from.
    assert {
        (r.student_id, r.offer_id, r.rank) for r in rows.values() if r.offer_id is not None
    } == set(
        Assignment.objects.filter(round=world.round).values_list("student_id", "offer_id", "rank")
    )


def test_a_locked_student_is_a_locked_placement(world):
    to_review(world)
    locked = Assignment.objects.filter(round=world.round).first()
    services.assignment_lock(
        allocation_round=world.round, student=locked.student, actor=world.cast.bos
    )
    run = start_and_run(world, mode="stable", seed=3)
    assert run.status == RunStatus.SUCCEEDED, run.error
    row = RunPlacement.objects.get(run=run, student_id=locked.student_id)
    assert (row.offer_id, row.locked) == (locked.offer_id, True)
    assert RunPlacement.objects.filter(run=run, locked=True).count() == 1


def writes_placements(queries) -> list[str]:
    """The statements that insert RunPlacement rows (COPY on PostgreSQL, INSERT elsewhere)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("INSERT", "COPY")) and "allocations_runplacement" in q["sql"]
    ]


def test_the_run_with_placements_stores_in_the_same_number_of_queries(world):
    """One statement for all placements: the queries of storing do not grow with the students."""
    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    run = services.allocation_run_start(allocation_round=world.round, actor=world.cast.bos)
    with CaptureQueriesContext(connection) as queries:
        services.allocation_run_execute(run_id=run.pk)
    written = writes_placements(queries)
    assert len(written) == 1
    assert written[0].startswith("COPY" if connection.vendor == "postgresql" else "INSERT")
    assert RunPlacement.objects.filter(run=run).count() == 4


def test_finished_at_is_set_after_storing_not_when_solving_ended(world, monkeypatch):
    stored_at = []
    real = run_services.store_placements

    def store_and_note(run_id, placements):
        real(run_id, placements)
        stored_at.append(timezone.now())

    monkeypatch.setattr(run_services, "store_placements", store_and_note)
    before = timezone.now()
    run = to_review(world)
    assert before <= run.started_at <= stored_at[0] <= run.finished_at


def test_bulk_written_tables_are_analyzed_on_postgresql_only(world):
    open_round(world)
    choose(world, world.cast.sanne, world.webshop)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    run = services.allocation_run_start(allocation_round=world.round, actor=world.cast.bos)
    with CaptureQueriesContext(connection) as queries:
        services.allocation_run_execute(run_id=run.pk)
    analyzed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analyzed == [
            'ANALYZE "allocations_assignment"',
            'ANALYZE "allocations_runplacement"',
        ]
    else:
        assert analyzed == []


def test_one_students_explanation_is_read_from_their_placement_alone(world):
    run = to_review(world)
    student_id = world.cast.sanne.pk
    with CaptureQueriesContext(connection) as queries:
        mine = stored_explanation(run.pk, student_id)
    assert mine == engine_adapter.explanation_of(run.result, student_id)
    assert len(queries) == 1
    assert "allocations_runplacement" in queries[0]["sql"]
    assert reads_documents(queries) == []
    assert stored_explanation(run.pk, 10**9) is None
    assert stored_explanation(None, student_id) is None


def test_comparing_runs_reads_placements_not_results(world):
    optimal = to_review(world)
    stable = start_and_run(world, mode="stable", seed=4)
    with CaptureQueriesContext(connection) as queries:
        runs = succeeded_runs_by_id(world.round, [optimal.pk, stable.pk])
        comparison = runs_compare(runs[optimal.pk], runs[stable.pk])
    assert reads_documents(queries) == []
    a = engine_adapter.result_assignments(optimal.result)
    b = engine_adapter.result_assignments(stable.result)
    changed = sorted(s for s in set(a) | set(b) if a.get(s) != b.get(s))
    assert [d.student_id for d in comparison["differences"]] == changed
    for difference in comparison["differences"]:
        assert difference.a_rank == (
            a[difference.student_id][1] if difference.student_id in a else None
        )
        assert difference.b_rank == (
            b[difference.student_id][1] if difference.student_id in b else None
        )
    assert comparison["a"] == optimal.metrics


def test_applying_an_earlier_run_reads_its_placements_not_its_documents(world):
    first = to_review(world)
    before = set(
        Assignment.objects.filter(round=world.round).values_list("student_id", "offer_id", "rank")
    )
    start_and_run(world, mode="stable", seed=99)
    with CaptureQueriesContext(connection) as queries:
        services.allocation_run_apply(run=run_of_round(world.round, first.pk), actor=world.cast.bos)
    assert reads_documents(queries) == []
    after = set(
        Assignment.objects.filter(round=world.round).values_list("student_id", "offer_id", "rank")
    )
    assert after == before


def test_the_export_reads_reasons_from_placements(world):
    to_review(world)
    with CaptureQueriesContext(connection) as queries:
        csv_text = assignments_csv(world.round, by="class")
    assert reads_documents(queries) == []
    assert "alle keuzes waren vol" in csv_text


def test_run_of_round_never_loads_the_documents(world):
    run = to_review(world)
    found = run_of_round(world.round, run.pk)
    assert found.get_deferred_fields() >= {"problem", "result"}


def test_downloads_return_the_full_documents(world, client_for):
    run = to_review(world)
    bos = client_for(world.cast.bos)
    for kind, name in (("problem", "run-problem"), ("result", "run-result")):
        response = bos.get(reverse(f"api:{name}", args=[run.pk]))
        assert response.status_code == 200
        document = getattr(AllocationRun.objects.get(pk=run.pk), kind)
        assert response.content.decode() == json.dumps(document, indent=1, sort_keys=True)
        assert response["Content-Disposition"] == (
            f'attachment; filename="round-{world.round.pk}-run-{run.pk}-{kind}.json"'
        )
    # The run detail (polled while running) leaves the documents in the database.
    with CaptureQueriesContext(connection) as queries:
        assert bos.get(reverse("api:run-detail", args=[run.pk])).status_code == 200
    assert reads_documents(queries) == []


def test_deleting_a_run_deletes_its_placements(world):
    run = to_review(world)
    world.round.applied_run = None
    world.round.save(update_fields=["applied_run"])
    Assignment.objects.filter(round=world.round).update(run=None)
    AllocationRun.objects.filter(pk=run.pk).delete()
    assert not RunPlacement.objects.exists()


def test_the_migration_fills_placements_of_runs_stored_before(world):
    run = to_review(world)
    failed = AllocationRun.objects.create(
        round=world.round,
        started_by=world.cast.bos,
        created_at=timezone.now(),
        status=RunStatus.FAILED,
        result={"assignments": [], "explanations": {"s1": {}}},
    )

    def rows():
        return [
            (r.student_id, r.offer_id, r.rank, r.locked, r.reason, r.explanation)
            for r in placements(run).values()
        ]

    expected = rows()
    RunPlacement.objects.all().delete()
    migration = importlib.import_module("backend.allocations.migrations.0003_run_placements")
    migration.fill_placements(apps, None)
    assert rows() == expected
    assert not RunPlacement.objects.filter(run=failed).exists()


def test_problem_and_result_are_stored_gzip_compressed(world):
    run = to_review(world)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT problem, result FROM allocations_allocationrun WHERE id = %s", [run.pk]
        )
        problem, result = (bytes(column) for column in cursor.fetchone())
    assert problem[:2] == result[:2] == b"\x1f\x8b"  # the gzip magic number
    assert json.loads(gzip.decompress(result)) == run.result
    assert json.loads(gzip.decompress(problem)) == run.problem
    assert len(result) < len(json.dumps(run.result))
    # The same document compresses to the same bytes (no timestamp in the gzip header).
    assert compress_document(run.result) == result
    # The stored problem is the very text its hash was taken of (encoded once, for both).
    assert hashlib.sha256(gzip.decompress(problem)).hexdigest() == run.problem_hash
    assert run.problem_hash == matching.problem_hash(matching.problem_from_dict(run.problem))


def test_placements_go_in_statements_of_bounded_size(world, monkeypatch):
    """Placements sent as one JSON array (SQLite) go in statements of bounded size; PostgreSQL's
    COPY streams them in one statement, however many there are."""
    monkeypatch.setattr(run_services, "_PAYLOAD_LIMIT", 1)
    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    run = services.allocation_run_start(allocation_round=world.round, actor=world.cast.bos)
    with CaptureQueriesContext(connection) as queries:
        services.allocation_run_execute(run_id=run.pk)
    # One student per statement, or one COPY.
    assert len(writes_placements(queries)) == (1 if connection.vendor == "postgresql" else 4)
    assert sorted(RunPlacement.objects.filter(run=run).values_list("student_id", flat=True)) == (
        sorted(user.pk for user in world.students)
    )
    assert list(run_services._chunks(["ab", "cd", "e"], 5)) == [["ab", "cd"], ["e"]]
