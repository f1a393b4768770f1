"""The round snapshot's team inputs: only mutual teammate wishes, the class scoped per school, the
hosts of earlier published placements (rotation) and the round's rules on every challenge, each
only as far as the round's team settings use it, in a fixed number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.allocations import engine_adapter, services
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    AssignmentSource,
    ChoiceList,
    Phase,
)
from backend.allocations.selectors.snapshot import round_snapshot
from backend.allocations.services.teams import TeamChoices
from tests.backend.allocations.conftest import NOW, open_round, published
from tests.factories import student

TODAY = NOW.date()


def _set(world, **choices):
    return services.round_team_settings_set(
        allocation_round=world.round, actor=world.cast.bos, choices=TeamChoices(**choices), now=NOW
    )


def _name(world, user, *teammates):
    """`user` chooses the app and names `teammates`."""
    return services.choice_list_submit(
        allocation_round=world.round,
        student=user,
        offer_ids=[world.app.pk],
        teammate_ids=[t.pk for t in teammates],
        now=NOW,
    )


def _students(allocation_round):
    return {s.user_id: s for s in round_snapshot(allocation_round, today=TODAY).students}


def test_only_mutual_wishes_reach_the_engine(world):
    open_round(world)
    sanne = world.cast.sanne
    lotte, daan, noor = world.classmates
    _name(world, sanne, lotte, daan)
    _name(world, lotte, sanne)
    _name(world, daan, noor)  # Daan did not name Sanne back; Noor named nobody
    _name(world, noor)
    students = _students(world.round)
    assert students[sanne.pk].teammates == (lotte.pk,)
    assert students[lotte.pk].teammates == (sanne.pk,)
    assert students[daan.pk].teammates == ()
    assert students[noor.pk].teammates == ()


def test_three_mutual_wishes_all_count(world):
    open_round(world)
    sanne = world.cast.sanne
    lotte, daan, noor = world.classmates
    _name(world, sanne, lotte, daan, noor)
    for classmate in world.classmates:
        _name(world, classmate, sanne)
    assert _students(world.round)[sanne.pk].teammates == tuple(
        sorted(u.pk for u in world.classmates)
    )


def test_wishes_are_left_out_when_the_round_ignores_them(world):
    _set(world, together="off")
    open_round(world)
    _name(world, world.cast.sanne, world.classmates[0])
    _name(world, world.classmates[0], world.cast.sanne)
    snapshot = round_snapshot(world.round, today=TODAY)
    assert all(s.teammates == () for s in snapshot.students)
    problem = engine_adapter.problem_of(snapshot, mode="optimal", seed=0, coverage_weight=0)
    assert not engine_adapter.uses_teams(snapshot)
    assert problem.options.together == "soft"  # the engine's default: nothing to pass


def test_a_wish_for_someone_who_left_the_round_is_dropped(world):
    open_round(world)
    sanne, lotte = world.cast.sanne, world.classmates[0]
    _name(world, sanne, lotte)
    _name(world, lotte, sanne)
    lotte.enrolment.cohort = 2024  # the round now takes one cohort only: Lotte is out
    lotte.enrolment.save()
    world.round.cohorts = [2025]
    world.round.save()
    assert lotte.pk not in _students(world.round)
    assert _students(world.round)[sanne.pk].teammates == ()


def test_the_class_travels_only_with_a_rule_per_class(world):
    open_round(world)
    assert all(s.class_id is None for s in _students(world.round).values())
    _set(world, max_per_class=2)
    students = _students(world.round)
    assert students[world.classmates[0].pk].class_id == engine_adapter.class_key(
        world.cast.vista.pk, "ICT2A"
    )
    # Sanne has no class code: no class, so the rule cannot count her against anyone.
    assert students[world.cast.sanne.pk].class_id is None


def _consortium_round(cast, *offers):
    return services.allocation_round_create(
        actor=cast.bos,
        name="Consortium blok 3",
        consortium=cast.consortium,
        challenges=list(offers),
        min_choices=1,
        max_choices=3,
        choices_close_at=NOW + dt.timedelta(days=7),
        objections_close_at=NOW + dt.timedelta(days=21),
        now=NOW,
    )


def test_the_same_class_code_at_two_schools_is_two_classes(cast):
    offer = published(cast.pixel, cast.eva, "Samen bouwen", consortium=cast.consortium)
    offer.schools.set([cast.vista, cast.gilde])
    vista_2a = student(
        school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Iris", class_code="2A"
    )
    gilde_2a = student(
        school=cast.gilde, kwalificatie=cast.ict_niveau2, first_name="Kees", class_code="2A"
    )
    allocation_round = _consortium_round(cast, offer)
    services.round_team_settings_set(
        allocation_round=allocation_round,
        actor=cast.bos,
        choices=TeamChoices(max_per_class=1, mixed_schools=2, mixed_schools_hard=True),
        now=NOW,
    )
    snapshot = round_snapshot(allocation_round, today=TODAY)
    classes = {s.user_id: s.class_id for s in snapshot.students}
    assert classes[vista_2a.pk] == f"o{cast.vista.pk}/2A"
    assert classes[gilde_2a.pk] == f"o{cast.gilde.pk}/2A"
    (challenge,) = snapshot.challenges
    assert [(r.kind, r.value, r.hard) for r in challenge.rules] == [
        ("max_per_class", 1, True),
        ("mixed_schools", 2, True),
    ]


def test_the_rules_go_onto_every_challenge_of_the_round(world):
    _set(world, max_per_class=2, min_level=2, min_level_count=1, min_level_hard=False)
    snapshot = round_snapshot(world.round, today=TODAY)
    assert len(snapshot.challenges) == 4
    for challenge in snapshot.challenges:
        assert [(r.kind, r.value, r.count, r.hard, r.weight) for r in challenge.rules] == [
            ("max_per_class", 2, 1, True, 1.0),
            ("min_level", 2, 1, False, 1.0),
        ]


def _earlier_round(world, *, phase, placements):
    earlier = AllocationRound.objects.create(
        name="Blok 2",
        school=world.cast.vista,
        choices_close_at=NOW - dt.timedelta(days=60),
        objections_close_at=NOW - dt.timedelta(days=40),
        phase=phase,
        created_by=world.cast.bos,
    )
    for user, offer in placements:
        Assignment.objects.create(
            round=earlier,
            student=user,
            offer=offer,
            source=AssignmentSource.ENGINE,
            changed_at=NOW - dt.timedelta(days=50),
        )
    return earlier


def test_the_history_names_hosts_of_earlier_published_placements_in_this_round(world):
    cast = world.cast
    elsewhere = published(cast.bakkerij, cast.jan, "Elders")  # Bakkerij, but not in this round
    other_host = published(cast.gilde, cast.peters, "Bij een school")  # not a host of this round
    _earlier_round(
        world,
        phase=Phase.CLOSED,
        placements=[(cast.sanne, elsewhere), (world.classmates[0], other_host)],
    )
    _earlier_round(world, phase=Phase.REVIEW, placements=[(world.classmates[1], world.app)])
    open_round(world)
    assert all(s.history == () for s in _students(world.round).values())  # rotation is off
    _set(world, rotation="hard")
    students = _students(world.round)
    assert students[cast.sanne.pk].history == (cast.bakkerij.pk,)
    assert students[world.classmates[0].pk].history == ()  # a host outside this round
    assert students[world.classmates[1].pk].history == ()  # that round is not published


def test_the_snapshot_with_every_team_input_costs_the_same_for_more_students(world):
    _set(world, rotation="soft", max_per_class=2)
    open_round(world)
    _name(world, world.cast.sanne, world.classmates[0])
    _name(world, world.classmates[0], world.cast.sanne)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            round_snapshot(world.round, today=TODAY)
        return len(captured)

    few = queries()
    for name in ("Ayla", "Bram", "Cas", "Dewi", "Emre"):
        user = student(
            school=world.cast.vista, kwalificatie=world.cast.ict_niveau2, first_name=name
        )
        _name(world, user, world.cast.sanne)
    assert queries() == few
    assert ChoiceList.objects.filter(round=world.round).count() == 7
