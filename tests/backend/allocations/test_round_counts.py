"""The stored counts of a round's challenges (choices, first choices, assignments) equal a fresh
count after every kind of write: a list handed in, replaced, a challenge added and removed from
the challenge page, a run applied, a run re-applied, an override, an accepted objection, and a
rebuild after a bulk load."""

import datetime as dt
import threading

import pytest
from django.db import connections
from django.db.models import Count

from backend.allocations import services
from backend.allocations.models import Assignment, Choice, RoundChallenge
from backend.allocations.selectors.review import choice_count
from backend.allocations.services.choices import choice_add, choice_remove
from backend.allocations.services.counts import rebuild_round_counts
from tests.backend.allocations.conftest import NOW, choose, open_round, start_and_run, to_review


def _stored(world):
    return {
        row.offer_id: (row.choice_count, row.first_choice_count, row.assigned_count)
        for row in RoundChallenge.objects.filter(round=world.round)
    }


def _fresh(world):
    def per_offer(queryset):
        return dict(
            queryset.values("offer_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("offer_id", "n")
        )

    choices = Choice.objects.filter(choice_list__round=world.round)
    chosen = per_offer(choices)
    first = per_offer(choices.filter(position=1))
    assigned = per_offer(Assignment.objects.filter(round=world.round))
    return {
        offer_id: (chosen.get(offer_id, 0), first.get(offer_id, 0), assigned.get(offer_id, 0))
        for offer_id in RoundChallenge.objects.filter(round=world.round).values_list(
            "offer_id", flat=True
        )
    }


def _assert_counts_right(world):
    assert _stored(world) == _fresh(world)


def test_choice_counts_follow_lists_handed_in_replaced_added_to_and_removed_from(world):
    world.vog.required_certificates = []
    world.vog.save()
    open_round(world)
    _assert_counts_right(world)
    sanne, lotte, daan = world.cast.sanne, *world.classmates[:2]
    choose(world, sanne, world.webshop, world.app)
    choose(world, lotte, world.app)
    assert _stored(world)[world.webshop.pk] == (1, 1, 0)
    assert _stored(world)[world.app.pk] == (2, 1, 0)
    _assert_counts_right(world)
    # Replaced: the webshop leaves Sanne's list, the app becomes her first choice.
    choose(world, sanne, world.app, world.vog, now=NOW + dt.timedelta(days=1))
    assert _stored(world)[world.webshop.pk] == (0, 0, 0)
    assert _stored(world)[world.app.pk] == (2, 2, 0)
    _assert_counts_right(world)
    # The same list again changes nothing.
    choose(world, sanne, world.app, world.vog, now=NOW + dt.timedelta(days=1))
    _assert_counts_right(world)
    # From a challenge's page: added at the end (a first list too), then removed.
    choice_add(allocation_round=world.round, student=daan, offer_id=world.webshop.pk, now=NOW)
    choice_add(allocation_round=world.round, student=daan, offer_id=world.app.pk, now=NOW)
    _assert_counts_right(world)
    assert _stored(world)[world.webshop.pk] == (1, 1, 0)
    choice_remove(allocation_round=world.round, student=daan, offer_id=world.webshop.pk, now=NOW)
    # The app moved up to Daan's first choice.
    assert _stored(world)[world.webshop.pk] == (0, 0, 0)
    assert _stored(world)[world.app.pk] == (3, 3, 0)
    _assert_counts_right(world)
    choice_remove(allocation_round=world.round, student=daan, offer_id=world.app.pk, now=NOW)
    _assert_counts_right(world)
    # Handed in: Sanne and Lotte (Daan emptied his list).
    assert choice_count(world.round) == 2


def test_assignment_counts_follow_runs_overrides_and_accepted_objections(world):
    world.vog.required_certificates = []
    world.vog.save()
    first = to_review(world)
    _assert_counts_right(world)
    assert sum(row[2] for row in _stored(world).values()) == Assignment.objects.count() > 0
    # Another run, then the first one applied again.
    start_and_run(world, mode="stable", seed=99)
    _assert_counts_right(world)
    services.allocation_run_apply(run=first, actor=world.cast.bos)
    _assert_counts_right(world)
    # An override moves a student (from a challenge, or a first placement).
    placed = {a.student_id: a.offer_id for a in Assignment.objects.filter(round=world.round)}
    mover = next(s for s in world.students if placed.get(s.pk) != world.vog.pk)
    services.assignment_override(
        allocation_round=world.round, student=mover, offer=world.vog, actor=world.cast.bos
    )
    _assert_counts_right(world)
    # Published, an objection accepted moves a student once more.
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    world.round.refresh_from_db()
    objector = mover
    objection = services.objection_submit(
        allocation_round=world.round,
        student=objector,
        reason="Liever de app",
        now=NOW + dt.timedelta(days=8),
    )
    target = next(
        offer
        for offer in (world.app, world.webshop)
        if Assignment.objects.filter(round=world.round, offer=offer).count() < offer.max_students
    )
    services.objection_accept(
        objection=objection, actor=world.cast.bos, offer=target, now=NOW + dt.timedelta(days=9)
    )
    _assert_counts_right(world)


def test_a_rebuild_counts_what_a_bulk_load_wrote(world):
    to_review(world)
    RoundChallenge.objects.filter(round=world.round).update(
        choice_count=99, first_choice_count=99, assigned_count=99
    )
    assert rebuild_round_counts(world.round) == 4
    _assert_counts_right(world)
    RoundChallenge.objects.update(choice_count=7)
    services.rebuild_round_counts()
    _assert_counts_right(world)


def _race(work, n):
    """Run `work(i)` in `n` threads that start together; each uses its own connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# SQLite serialises all writers, so a real race needs PostgreSQL. serialized_rollback: the
# flush afterwards restores the migrations' data, as other transactional tests expect.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_students_saving_at_the_same_time_lose_no_count(world):
    open_round(world)
    # Overlapping lists in opposite orders: both challenges' rows are wanted by every save.
    lists = [(world.webshop, world.app), (world.app, world.webshop)]

    for turn in range(2):
        # The second turn every student swaps their list: each save changes both rows.
        results = _race(
            lambda i, turn=turn: choose(world, world.students[i], *lists[(i + turn) % 2]),
            len(world.students),
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        _assert_counts_right(world)
    assert _stored(world)[world.webshop.pk] == (4, 2, 0)
    assert _stored(world)[world.app.pk] == (4, 2, 0)
