import csv
import datetime as dt
import io

import pytest

from backend.allocations import services
from backend.allocations.engine_adapter import result_assignments
from backend.allocations.models import Assignment, AssignmentSource, RoundEvent, RoundHost
from backend.allocations.selectors.review import assignments_csv, runs_compare, unassigned_page
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from tests.backend.allocations.conftest import NOW, start_and_run, to_review


def _placed(world):
    return dict(
        Assignment.objects.filter(round=world.round).values_list(
            "student__first_name", "offer__title"
        )
    )


def _left_over(world):
    placed = set(Assignment.objects.filter(round=world.round).values_list("student_id", flat=True))
    return next(u for u in world.students if u.pk not in placed)


def test_an_override_moves_a_student_and_locks_it(world):
    to_review(world)
    student = _left_over(world)
    # The webshop is full (1 of 1): moving the leftover student there is refused.
    with pytest.raises(ApplicationError) as error:
        services.assignment_override(
            allocation_round=world.round, student=student, offer=world.webshop, actor=world.cast.bos
        )
    assert error.value.message == "Deze uitdaging is vol: 1 van 1 plaatsen bezet."
    # The data-analyse challenge is for niveau 4 only.
    with pytest.raises(ApplicationError) as error:
        services.assignment_override(
            allocation_round=world.round, student=student, offer=world.expert, actor=world.cast.bos
        )
    assert (
        error.value.message
        == f"{student.first_name} kan niet naar 'Data-analyse': deze is alleen voor niveau 4."
    )
    assert not Assignment.objects.filter(round=world.round, student=student).exists()


def test_an_override_to_a_challenge_with_room_is_stored_as_locked(world):
    world.round.entries.filter(offer=world.vog).update(capacity=2)
    world.vog.required_certificates = []
    world.vog.save()
    to_review(world)
    student = _left_over(world)
    assignment = services.assignment_override(
        allocation_round=world.round, student=student, offer=world.vog, actor=world.cast.bos
    )
    assert (assignment.source, assignment.locked, assignment.rank, assignment.changed_by) == (
        AssignmentSource.OVERRIDE,
        True,
        None,
        world.cast.bos,
    )
    event = RoundEvent.objects.filter(round=world.round, kind="override").get()
    assert event.data == {"student": student.pk, "offer": world.vog.pk, "previous_offer": None}


def test_a_company_capacity_across_challenges_is_respected(world):
    RoundHost.objects.create(round=world.round, organisation=world.cast.pixel, capacity=2)
    world.vog.required_certificates = []
    world.vog.save()
    to_review(world)
    student = _left_over(world)
    with pytest.raises(ApplicationError) as error:
        services.assignment_override(
            allocation_round=world.round, student=student, offer=world.vog, actor=world.cast.bos
        )
    assert error.value.message == "Pixelfabriek is vol: 2 van 2 plaatsen bezet."


def test_a_rerun_keeps_locked_assignments(world):
    first = to_review(world)
    moved = Assignment.objects.get(round=world.round, offer=world.webshop).student
    services.assignment_lock(allocation_round=world.round, student=moved, actor=world.cast.bos)
    second = start_and_run(world, seed=7)
    assert second.problem["locked"] == [
        {"student": f"s{moved.pk}", "challenge": f"c{world.webshop.pk}"}
    ]
    kept = Assignment.objects.get(round=world.round, student=moved)
    assert (kept.offer, kept.locked, kept.source) == (world.webshop, True, AssignmentSource.LOCKED)
    assert Assignment.objects.filter(round=world.round).count() == 3
    assert first.pk != second.pk


def test_unlock_releases_an_assignment(world):
    to_review(world)
    student = Assignment.objects.filter(round=world.round).first().student
    services.assignment_lock(allocation_round=world.round, student=student, actor=world.cast.bos)
    services.assignment_unlock(allocation_round=world.round, student=student, actor=world.cast.bos)
    assignment = Assignment.objects.get(round=world.round, student=student)
    assert (assignment.locked, assignment.source) == (False, AssignmentSource.ENGINE)
    with pytest.raises(Conflict):
        services.assignment_unlock(
            allocation_round=world.round, student=student, actor=world.cast.bos
        )


def test_teachers_and_other_schools_cannot_change_assignments(world):
    to_review(world)
    before = list(Assignment.objects.values_list("student_id", "offer_id", "locked"))
    student = Assignment.objects.filter(round=world.round).first().student
    for outsider in (world.cast.devries, world.cast.peters, world.cast.sanne, world.cast.eva):
        with pytest.raises(PermissionDenied):
            services.assignment_lock(allocation_round=world.round, student=student, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.assignment_override(
                allocation_round=world.round, student=student, offer=world.app, actor=outsider
            )
    assert list(Assignment.objects.values_list("student_id", "offer_id", "locked")) == before


def test_two_runs_compare_side_by_side(world):
    optimal = to_review(world)
    stable = start_and_run(world, mode="stable", seed=4)
    comparison = runs_compare(optimal, stable)
    assert comparison["a"]["assigned"] == comparison["b"]["assigned"] == 3
    a = {s: o for s, (o, _r) in result_assignments(optimal.result).items()}
    b = {s: o for s, (o, _r) in result_assignments(stable.result).items()}
    changed = {s for s in set(a) | set(b) if a.get(s) != b.get(s)}
    assert {d.student_id for d in comparison["differences"]} == changed


def test_applying_an_earlier_run_restores_its_assignments(world):
    first = to_review(world)
    before = _placed(world)
    start_and_run(world, mode="stable", seed=99)
    services.allocation_run_apply(run=first, actor=world.cast.bos)
    assert _placed(world) == before
    world.round.refresh_from_db()
    assert world.round.applied_run_id == first.pk


def test_a_run_made_with_other_locks_cannot_be_applied(world):
    first = to_review(world)
    student = Assignment.objects.filter(round=world.round).first().student
    services.assignment_lock(allocation_round=world.round, student=student, actor=world.cast.bos)
    with pytest.raises(Conflict):
        services.allocation_run_apply(run=first, actor=world.cast.bos)


def test_unassigned_students_are_listed_with_challenges_that_still_have_room(world):
    world.vog.required_certificates = []
    world.vog.save()
    to_review(world)
    leftovers = unassigned_page(world.round, cursor=None, per_page=25, today=NOW.date()).rows
    assert len(leftovers) == 1
    assert leftovers[0].student_id == _left_over(world).pk
    # Webshop and App are full; Zorgrobot has 2 places; Data-analyse is for niveau 4.
    assert leftovers[0].options == [(world.vog.pk, "Zorgrobot", 2)]


def test_exports_list_assignments_per_challenge_host_and_class(world):
    to_review(world)
    for by in ("challenge", "host", "class"):
        rows = list(csv.reader(io.StringIO(assignments_csv(world.round, by=by))))
        assert len(rows) == 5  # the header, three placed students and the one without a place
        assert rows[0][0] == {"challenge": "uitdaging", "host": "bedrijf", "class": "klas"}[by]
    by_host = list(csv.reader(io.StringIO(assignments_csv(world.round, by="host"))))
    assert [row[0] for row in by_host[1:]] == [
        "Bakkerij Jansen",
        "Pixelfabriek",
        "Pixelfabriek",
        "",
    ]
    assert "zorgnotities" not in assignments_csv(world.round, by="class").lower()


def test_overrides_are_only_possible_in_review(world):
    to_review(world)
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    student = Assignment.objects.filter(round=world.round).first().student
    with pytest.raises(Conflict):
        services.assignment_lock(
            allocation_round=world.round, student=student, actor=world.cast.bos
        )
