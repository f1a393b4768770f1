import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from backend.allocations import services
from backend.allocations.models import AllocationRound, Assignment, Phase, RoundEvent
from backend.allocations.tasks import allocation_rounds_advance_task
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from tests.backend.allocations.conftest import NOW, choose, open_round, to_review
from tests.factories import OfferFactory


def _create(actor, **fields):
    defaults = {
        "name": "Ronde",
        "choices_close_at": NOW + dt.timedelta(days=7),
        "objections_close_at": NOW + dt.timedelta(days=14),
        "now": NOW,
    }
    return services.allocation_round_create(actor=actor, **{**defaults, **fields})


def test_a_coordinator_opens_a_round_for_their_own_school(cast):
    allocation_round = _create(cast.bos, school=cast.vista)
    assert (allocation_round.phase, allocation_round.created_by) == (Phase.PREPARING, cast.bos)
    assert RoundEvent.objects.get(round=allocation_round).kind == "created"


def test_nobody_else_opens_a_round_for_vista(cast):
    for outsider in (cast.devries, cast.peters, cast.sanne, cast.jan):
        with pytest.raises(PermissionDenied):
            _create(outsider, school=cast.vista)
    assert not AllocationRound.objects.exists()


def test_a_coordinator_of_a_member_school_opens_a_consortium_round(cast):
    allocation_round = _create(cast.peters, consortium=cast.consortium)
    assert allocation_round.consortium == cast.consortium


def test_round_settings_are_checked_with_the_field_at_fault(cast):
    with pytest.raises(ApplicationError) as error:
        _create(cast.bos, school=cast.vista, min_choices=4, max_choices=3)
    assert error.value.extra["fields"]["max_choices"] == [
        "Het maximum mag niet kleiner zijn dan het minimum."
    ]
    with pytest.raises(ApplicationError) as error:
        _create(cast.bos, school=cast.vista, max_choices=11)
    assert "max_choices" in error.value.extra["fields"]
    with pytest.raises(ApplicationError) as error:
        _create(cast.bos, school=cast.vista, objections_close_at=NOW + dt.timedelta(days=1))
    assert "objections_close_at" in error.value.extra["fields"]
    draft = OfferFactory(title="Concept", schools=[cast.vista])
    with pytest.raises(ApplicationError) as error:
        _create(cast.bos, school=cast.vista, challenges=[draft])
    assert error.value.extra["fields"]["challenges"] == [
        f"Deze uitdagingen bestaan niet of horen niet bij deze ronde: {draft.pk}. Alleen "
        "gepubliceerde uitdagingen die bij de school of het consortium van de ronde zijn "
        "ingediend kunnen meedoen."
    ]
    with pytest.raises(ApplicationError):
        _create(cast.bos, school=cast.vista, consortium=cast.consortium)


def test_the_database_rejects_a_round_for_both_a_school_and_a_consortium(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationRound.objects.create(
            name="x",
            school=cast.vista,
            consortium=cast.consortium,
            created_by=cast.bos,
            choices_close_at=NOW,
            objections_close_at=NOW + dt.timedelta(days=1),
        )


def test_opening_choosing_is_for_the_coordinator(world):
    with pytest.raises(PermissionDenied):
        services.allocation_round_open_choosing(
            allocation_round=world.round, actor=world.cast.devries, now=NOW
        )
    open_round(world)
    world.round.refresh_from_db()
    assert world.round.phase == Phase.CHOOSING
    with pytest.raises(Conflict):
        open_round(world)


def test_a_round_without_challenges_cannot_open(cast):
    allocation_round = _create(cast.bos, school=cast.vista)
    with pytest.raises(Conflict):
        services.allocation_round_open_choosing(
            allocation_round=allocation_round, actor=cast.bos, now=NOW
        )


def test_beat_moves_phases_at_their_deadlines_and_only_once(world, time_machine):
    world.round.choices_open_at = NOW + dt.timedelta(days=1)
    world.round.save()
    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)
    assert allocation_rounds_advance_task() == 0
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)
    assert allocation_rounds_advance_task() == 1
    world.round.refresh_from_db()
    assert world.round.phase == Phase.CHOOSING
    time_machine.move_to(NOW + dt.timedelta(days=7), tick=False)
    assert allocation_rounds_advance_task() == 1
    assert allocation_rounds_advance_task() == 0
    world.round.refresh_from_db()
    assert world.round.phase == Phase.ALLOCATING
    phases = list(
        RoundEvent.objects.filter(round=world.round, kind="phase").values_list("data__to", "actor")
    )
    assert phases == [("choosing", None), ("allocating", None)]


def test_beat_never_publishes_a_round(world, time_machine):
    to_review(world)
    time_machine.move_to(NOW + dt.timedelta(days=30), tick=False)
    allocation_rounds_advance_task()
    world.round.refresh_from_db()
    assert world.round.phase == Phase.REVIEW


def test_beat_closes_the_objection_window_after_publication(world, time_machine):
    to_review(world)
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    time_machine.move_to(NOW + dt.timedelta(days=21), tick=False)
    assert allocation_rounds_advance_task() == 1
    world.round.refresh_from_db()
    assert world.round.phase == Phase.OBJECTIONS


def test_closing_waits_for_open_objections(world):
    to_review(world)
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    objection = services.objection_submit(
        allocation_round=world.round,
        student=world.cast.sanne,
        reason="Ik wil liever de app",
        now=NOW + dt.timedelta(days=9),
    )
    with pytest.raises(Conflict) as error:
        services.allocation_round_close(
            allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=22)
        )
    assert error.value.message == "Er staan nog 1 bezwaren open; handel die eerst af."
    services.objection_decline(
        objection=objection,
        actor=world.cast.bos,
        answer="De app is vol.",
        now=NOW + dt.timedelta(days=10),
    )
    services.allocation_round_close(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=22)
    )
    world.round.refresh_from_db()
    assert world.round.phase == Phase.CLOSED


def test_the_database_rejects_a_second_assignment_for_the_same_student(world):
    Assignment.objects.create(
        round=world.round,
        student=world.cast.sanne,
        offer=world.app,
        source="engine",
        changed_at=NOW,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            round=world.round,
            student=world.cast.sanne,
            offer=world.webshop,
            source="override",
            changed_at=NOW,
        )
    assert Assignment.objects.filter(student=world.cast.sanne).count() == 1


def test_choice_lists_are_unique_per_student_and_round(world):
    from backend.allocations.models import ChoiceList

    open_round(world)
    choose(world, world.cast.sanne, world.app)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChoiceList.objects.create(
            round=world.round, student=world.cast.sanne, submitted_at=NOW, updated_at=NOW
        )
