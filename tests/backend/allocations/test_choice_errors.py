"""A student's choice errors name only challenges of the round (issue 10, finding 6): any other
id, whether it does not exist or is another school's draft, gets one answer naming that id."""

import datetime as dt

import pytest
from django.urls import reverse

from backend.allocations.models import ChoiceList
from backend.offers.models import OfferStatus
from tests.backend.allocations.conftest import NOW, open_round
from tests.factories import OfferFactory

MISSING = 987654


@pytest.fixture(autouse=True)
def while_choosing(time_machine):
    """The API takes the clock: a day after the round opened, well before it closes."""
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)


@pytest.fixture
def secret(world):
    """Gilde's draft: not in Vista's round, and Sanne may not know it exists."""
    return OfferFactory(
        owner=world.cast.pixel,
        contact=world.cast.eva,
        title="Geheim concept",
        status=OfferStatus.DRAFT,
        schools=[world.cast.gilde],
    )


def _not_in_round(offer_id: int) -> dict:
    message = f"Uitdaging {offer_id} bestaat niet of doet niet mee aan deze ronde."
    return {"message": message, "extra": {"fields": {"choices": [message]}}}


def _put(client, world, choices):
    url = reverse("api:round-my-choices", args=[world.round.pk])
    return client.put(url, {"choices": choices, "teammates": []}, format="json")


def test_it_answers_a_foreign_draft_like_a_missing_challenge(world, secret, client_for):
    open_round(world)
    sanne = client_for(world.cast.sanne)
    foreign = _put(sanne, world, [world.app.pk, secret.pk])
    missing = _put(sanne, world, [world.app.pk, MISSING])
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == _not_in_round(secret.pk)
    assert missing.json() == _not_in_round(MISSING)
    assert "Geheim" not in foreign.content.decode()
    assert not ChoiceList.objects.exists()


def test_it_names_no_title_when_a_foreign_challenge_is_chosen_twice(world, secret, client_for):
    open_round(world)
    sanne = client_for(world.cast.sanne)
    foreign = _put(sanne, world, [secret.pk, secret.pk])
    missing = _put(sanne, world, [MISSING, MISSING])
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == _not_in_round(secret.pk)
    assert missing.json() == _not_in_round(MISSING)
    assert not ChoiceList.objects.exists()


def test_it_still_names_a_challenge_of_the_round_chosen_twice(world, client_for):
    open_round(world)
    response = _put(client_for(world.cast.sanne), world, [world.app.pk, world.app.pk])
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["choices"] == [
        "Je hebt 'App voor Pixelfabriek' twee keer gekozen; kies elke uitdaging maar één keer."
    ]
