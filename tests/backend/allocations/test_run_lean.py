"""A run at region size stays fast and lean (bench/region_run.py measures it): the documents are
encoded once, straight to compressed bytes; the per-student rows are written from the engine's
objects; the snapshot streams the round's choices; the cyclic garbage collector is off while a
run works; a stored run logs the time of each step. What is written is what it always was."""

import datetime as dt
import gc
import gzip
import hashlib
import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import matching
from backend.allocations import engine_adapter
from backend.allocations.engine_adapter import ChallengeRecord, Snapshot, StudentRecord
from backend.allocations.models import (
    AllocationRun,
    RunStatus,
    compress_json,
    decompress_document,
)
from backend.allocations.selectors.snapshot import round_snapshot
from tests.backend.allocations.conftest import NOW, choose, open_round, start_and_run, to_review

# Offers 10-15 at hosts 100 (room for one student in all) and 101; schools 1 and 2.
CHALLENGES = (
    ChallengeRecord(offer_id=10, host_id=100, max=1),
    ChallengeRecord(offer_id=11, host_id=100, max=2),  # host 100 is full after one
    ChallengeRecord(offer_id=12, host_id=101, max=2, school_ids=(2,)),  # not for school 1
    ChallengeRecord(offer_id=13, host_id=101, max=2, levels=(4,)),  # niveau 4 only
    ChallengeRecord(offer_id=14, host_id=101, max=2, requires=("VOG",), goals=("B1-K1-W1",)),
    ChallengeRecord(offer_id=15, host_id=101, max=1),
)


def student(user_id, preferences, *, level=2, school_id=1, certificates=()):
    return StudentRecord(
        user_id=user_id,
        level=level,
        programme="25604",
        school_id=school_id,
        certificates=certificates,
        open_goals=("B1-K1-W2", "B1-K1-W1"),
        preferences=preferences,
    )


SNAPSHOT = Snapshot(
    students=(
        student(7, (10, 11, 12, 13, 14, 15)),
        student(3, (10, 11, 15)),
        student(5, (12, 13, 14, 10), level=4, school_id=2, certificates=("VOG",)),
        student(9, (10, 15, 14)),
        student(4, ()),  # chose nothing
        student(8, (14, 11), certificates=("VOG", "BHV")),  # locked at 11, their second
    ),
    challenges=CHALLENGES,
    host_capacities={100: 1},
    locked=((8, 11),),
)


@pytest.mark.parametrize("mode", ["optimal", "stable"])
def test_placement_rows_are_the_stored_results_explanations(mode):
    problem = engine_adapter.problem_of(SNAPSHOT, mode=mode, seed=3, coverage_weight=0.5)
    solved = engine_adapter.solve(problem, compress=compress_json)
    result = decompress_document(solved.result)
    assert result == matching.result_to_dict(matching.solve(problem))
    rows = list(solved.placements())
    assert [row[0] for row in rows] == [3, 4, 5, 7, 8, 9]
    placed = engine_adapter.result_assignments(result)
    reasons = engine_adapter.unassigned_reasons(result)
    for student_id, offer_id, rank, is_locked, reason, explanation in rows:
        assert (offer_id, rank) == placed.get(student_id, (None, None))
        assert is_locked == (student_id == 8)
        assert reason == reasons.get(student_id, "")
        assert json.loads(explanation) == engine_adapter.explanation_of(result, student_id)
    # Every kind of passed-over detail went through the conversion back to pks.
    passed = [p for row in rows for p in json.loads(row[5])["passed_over"]]
    assert {p["reason"] for p in passed} >= {"full", "host_full", "not_eligible", "locked"}
    assert {p["details"].get("rule") for p in passed} >= {"school", "level", "certificate"}
    hosts = [p["details"]["host"] for p in passed if p["reason"] == "host_full"]
    assert hosts
    assert set(hosts) == {100}
    schools = [p["details"]["required"] for p in passed if p["details"].get("rule") == "school"]
    assert schools
    assert all(required == [2] for required in schools)


def test_the_problem_is_stored_as_the_text_its_hash_was_taken_of():
    problem = engine_adapter.problem_of(SNAPSHOT, mode="optimal", seed=0, coverage_weight=0.0)
    solved = engine_adapter.solve(problem, compress=compress_json)
    text = gzip.decompress(solved.problem)
    assert solved.problem_hash == hashlib.sha256(text).hexdigest()
    assert solved.problem_hash == matching.problem_hash(problem)
    assert json.loads(text) == matching.problem_to_dict(problem)


def test_the_problem_shares_its_key_strings_and_code_tuples():
    problem = engine_adapter.problem_of(SNAPSHOT, mode="optimal", seed=0, coverage_weight=0.0)
    by_id = {s.id: s for s in problem.students}
    # Offer 10 chosen by three students: one key string, not three.
    firsts = [by_id[key].preferences[0] for key in ("s3", "s7", "s9")]
    assert firsts == ["c10"] * 3
    assert firsts[0] is firsts[1] is firsts[2]
    assert problem.locked[0].challenge is by_id["s8"].preferences[1]
    # The same open codes: one sorted tuple for all students.
    goals = [s.open_goals for s in problem.students]
    assert goals[0] == ("B1-K1-W1", "B1-K1-W2")
    assert all(g is goals[0] for g in goals)
    assert by_id["s8"].certificates == ("BHV", "VOG")


def test_compress_json_is_gzip_of_the_whole_text_however_it_is_sliced():
    # Over two slices of a megabyte, with characters of 1-4 UTF-8 bytes across the boundaries.
    text = json.dumps([f"Één €uro, 🙂 {i}" for i in range(150_000)], ensure_ascii=False)
    assert len(text) > 2 * (1 << 20)
    stored = compress_json(text)
    assert stored == gzip.compress(text.encode(), compresslevel=3, mtime=0)
    assert decompress_document(stored) == json.loads(text)
    assert compress_json("") == gzip.compress(b"", compresslevel=3, mtime=0)
    # In pieces (as a run's result is written): the same bytes.
    pieces = [text[i : i + 777] for i in range(0, len(text), 777)]
    assert compress_json(iter(pieces)) == stored
    assert compress_json([]) == compress_json("")


@pytest.mark.django_db
def test_a_run_works_without_the_cyclic_gc_and_gives_it_back(world, monkeypatch):
    seen = []
    real = engine_adapter.solve

    def solve(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(engine_adapter, "solve", solve)
    assert gc.isenabled()
    run = to_review(world)
    assert run.status == RunStatus.SUCCEEDED
    assert seen == [False]
    assert gc.isenabled()

    def broken(*args, **kwargs):
        raise RuntimeError("engine broke")

    monkeypatch.setattr(engine_adapter, "solve", broken)
    failed = start_and_run(world)
    assert failed.status == RunStatus.FAILED
    assert gc.isenabled()
    gc.disable()  # a caller that had it off gets it back off
    try:
        again = start_and_run(world)
        assert again.status == RunStatus.FAILED
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.django_db
def test_a_stored_run_logs_the_time_of_each_step(world, caplog):
    with caplog.at_level(logging.INFO, logger="backend.allocations.services.runs"):
        run = to_review(world)
    [record] = [r for r in caplog.records if "stored" in r.getMessage()]
    assert record.getMessage().startswith(f"allocation run {run.pk} stored: snapshot ")
    steps = list(record.run_laps)
    assert steps[0] == "snapshot"
    assert steps[-1] == "analyze"
    assert {"solve, encode", "store: assignments", "store: placements", "commit"} <= set(steps)
    assert set(record.run_cpu) == set(steps)
    assert all(seconds >= 0 for seconds in record.run_laps.values())


@pytest.mark.django_db
def test_the_snapshot_leaves_out_choices_of_students_no_longer_taking_part(world):
    open_round(world)
    leaver, stayer = world.classmates[0], world.classmates[1]
    choose(world, leaver, world.webshop, world.app)
    choose(world, stayer, world.app, world.webshop)
    leaver.left_at = timezone.now()
    leaver.save(update_fields=["left_at"])
    with CaptureQueriesContext(connection) as queries:
        snapshot = round_snapshot(world.round, today=NOW.date())
    students = {s.user_id: s for s in snapshot.students}
    assert leaver.pk not in students
    assert students[stayer.pk].preferences == (world.app.pk, world.webshop.pk)
    # The whole round's choices in one query, without joining the enrolments in.
    [choices] = [q["sql"] for q in queries if '"allocations_choice"' in q["sql"]]
    assert "accounts_studentenrolment" not in choices


@pytest.mark.django_db
def test_a_rerun_replaces_the_assignments_and_adds_a_second_set_of_placements(world):
    first = to_review(world)
    second = start_and_run(world, mode="stable", seed=5)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert AllocationRun.objects.get(pk=first.pk).placements.count() == 4
    assert second.placements.count() == 4
    assert set(world.round.assignments.values_list("run_id", flat=True)) == {second.pk}
    assert second.finished_at >= second.started_at - dt.timedelta(seconds=1)
