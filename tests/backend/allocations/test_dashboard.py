"""The rounds area on the landing page (frontend.dashboard.rounds, built on the attention
selectors) and the placements other areas read."""

import datetime as dt

from backend.allocations import services
from backend.allocations.models import Assignment
from backend.allocations.selectors import offer_ids_for_student
from frontend.dashboard.rounds import items_for as dashboard_items_for
from tests.backend.allocations.conftest import NOW, choose, open_round, to_review


def test_a_student_who_has_not_chosen_sees_it_on_the_landing_page(world):
    open_round(world)
    items = dashboard_items_for(world.cast.sanne, now=NOW + dt.timedelta(days=6))
    assert [(i.title, i.urgency, i.url) for i in items] == [
        ("Kies je uitdagingen voor Blok 3 challenges", 2, f"/rounds/{world.round.pk}/student/")
    ]
    choose(world, world.cast.sanne, world.app)
    assert dashboard_items_for(world.cast.sanne, now=NOW) == []
    assert dashboard_items_for(world.cast.ahmed, now=NOW) == []


def test_the_coordinator_is_asked_to_review_and_to_decide_objections(world):
    to_review(world)
    titles = [i.title for i in dashboard_items_for(world.cast.bos, now=NOW)]
    assert titles == ["Controleer en publiceer Blok 3 challenges"]
    assert dashboard_items_for(world.cast.peters, now=NOW) == []
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    services.objection_submit(
        allocation_round=world.round,
        student=world.cast.sanne,
        reason="x",
        now=NOW + dt.timedelta(days=8),
    )
    assert [i.title for i in dashboard_items_for(world.cast.bos, now=NOW)] == [
        "1 bezwaar in Blok 3 challenges"
    ]


def test_other_apps_read_the_offers_a_student_is_placed_on_after_publication(world):
    to_review(world)
    placed = Assignment.objects.filter(round=world.round).first()
    assert list(offer_ids_for_student(placed.student)) == []
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    assert [row["offer_id"] for row in offer_ids_for_student(placed.student)] == [placed.offer_id]
