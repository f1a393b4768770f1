import datetime as dt
import re

import pytest

from backend.accounts.models import Certificate
from backend.allocations import services
from backend.allocations.models import Choice, ChoiceList
from backend.core.errors import ApplicationError, Conflict, NotFound
from tests.backend.allocations.conftest import NOW, choose, open_round
from tests.factories import OfferFactory, student


def _error(world, *offers, user=None, teammates=(), now=NOW):
    with pytest.raises(ApplicationError) as error:
        services.choice_list_submit(
            allocation_round=world.round,
            student=user or world.cast.sanne,
            offer_ids=[o.pk for o in offers],
            teammate_ids=[t.pk for t in teammates],
            now=now,
        )
    return error.value


def test_a_student_ranks_challenges_and_may_change_them_until_the_deadline(world):
    open_round(world)
    choose(world, world.cast.sanne, world.webshop, world.app)
    choose(world, world.cast.sanne, world.app, world.webshop, now=NOW + dt.timedelta(days=6))
    assert list(
        Choice.objects.filter(choice_list__student=world.cast.sanne)
        .order_by("position")
        .values_list("offer__title", "position")
    ) == [("App voor Pixelfabriek", 1), ("Webshop voor Bakkerij Jansen", 2)]
    assert ChoiceList.objects.count() == 1


def test_duplicates_are_refused(world):
    open_round(world)
    error = _error(world, world.app, world.app)
    assert error.extra["fields"]["choices"] == [
        "Je hebt 'App voor Pixelfabriek' twee keer gekozen; kies elke uitdaging maar één keer."
    ]


def test_too_few_and_too_many_are_refused(world):
    open_round(world)
    assert _error(world).message == "Kies minstens 1 uitdagingen; je koos er 0."
    extra = OfferFactory(owner=world.cast.pixel, status="published")
    assert (
        _error(world, world.webshop, world.app, world.vog, extra).message
        == "Kies hoogstens 3 uitdagingen; je koos er 4."
    )


def test_a_challenge_for_another_level_is_refused(world):
    open_round(world)
    assert (
        _error(world, world.expert).message
        == "Je kunt 'Data-analyse' niet kiezen: deze is alleen voor niveau 4."
    )


def test_a_challenge_needing_a_vog_is_refused_without_a_valid_one(world):
    open_round(world)
    assert (
        _error(world, world.vog).message
        == "Je kunt 'Zorgrobot' niet kiezen: hiervoor heb je een geldige VOG nodig."
    )
    Certificate.objects.create(
        holder=world.cast.sanne,
        kind="VOG",
        issued_on=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 1, 1),
    )
    choose(world, world.cast.sanne, world.vog)


def test_a_challenge_outside_the_round_is_refused_without_its_title(world):
    open_round(world)
    other = OfferFactory(owner=world.cast.pixel, status="published", title="Andere ronde")
    assert _error(world, other).extra["fields"]["choices"] == [
        f"Uitdaging {other.pk} bestaat niet of doet niet mee aan deze ronde."
    ]
    assert not ChoiceList.objects.exists()


def test_choosing_outside_the_window_is_refused(world):
    # While the round is being prepared students do not see it at all: it does not exist for them.
    with pytest.raises(NotFound):
        choose(world, world.cast.sanne, world.app)
    open_round(world)
    with pytest.raises(Conflict) as error:
        choose(world, world.cast.sanne, world.app, now=NOW + dt.timedelta(days=7))
    assert (
        error.value.message == "Je kunt niet meer kiezen: de keuzes voor deze ronde zijn gesloten."
    )
    assert not ChoiceList.objects.exists()


def test_a_student_of_another_school_cannot_choose(world):
    open_round(world)
    with pytest.raises(NotFound):
        choose(world, world.cast.ahmed, world.app)
    assert not ChoiceList.objects.exists()


def test_teammates_must_be_classmates_in_the_round_and_at_most_three(world):
    open_round(world)
    lotte, daan, noor = world.classmates
    bo = student(school=world.cast.vista, kwalificatie=world.cast.ict_niveau2, first_name="Bo")
    assert _error(world, world.app, teammates=[world.cast.ahmed]).extra["fields"]["teammates"] == [
        "Je kunt alleen klasgenoten noemen die ook aan deze ronde meedoen."
    ]
    assert (
        _error(world, world.app, teammates=[lotte, daan, noor, bo]).message
        == "Je kunt hoogstens 3 klasgenoten noemen; je noemde er 4."
    )
    assert (
        _error(world, world.app, teammates=[world.cast.sanne]).message
        == "Je kunt jezelf niet als teamgenoot noemen."
    )
    choice_list = services.choice_list_submit(
        allocation_round=world.round,
        student=world.cast.sanne,
        offer_ids=[world.app.pk],
        teammate_ids=[lotte.pk],
        now=NOW,
    )
    assert list(choice_list.teammates.all()) == [lotte]


def test_saving_choices_reads_only_the_chosen_challenges(world):
    """At region size a round holds 10,000 challenges: a save must not read them all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_round(world)
    with CaptureQueriesContext(connection) as captured:
        choose(world, world.cast.sanne, world.app, world.webshop)
    reads = [
        q["sql"] for q in captured.captured_queries if '"allocations_roundchallenge"' in q["sql"]
    ]
    assert reads
    for sql in reads:  # the round's challenges are always narrowed to the chosen ones
        assert re.search(r'(?:"allocations_roundchallenge"|U\d+)\."offer_id" IN \(', sql), sql


def test_the_records_of_some_challenges_are_those_of_the_whole_round(world):
    from backend.allocations.selectors.snapshot import challenge_records

    everything = {r.offer_id: r for r in challenge_records(world.round)}
    assert len(everything) == 4
    for offer_id, record in everything.items():
        assert challenge_records(world.round, offer_ids=[offer_id]) == [record]
    assert challenge_records(world.round, offer_ids=[]) == []
