"""A guest lesson's start time and duration: both or neither, at most a working day, on a date,
ending before midnight."""

import datetime as dt

import pytest

from backend.core.errors import ApplicationError
from backend.offers.models import Offer, OfferKind
from backend.offers.services import offer_create, offer_update

pytestmark = pytest.mark.django_db


def _lesson(cast, **fields):
    values = {
        "kind": OfferKind.GUEST_LESSON,
        "title": "Toegankelijke websites",
        "description": "Een middag over schermlezers.",
        "starts_on": dt.date(2027, 3, 10),
        "start_time": dt.time(13, 0),
        "duration_minutes": 90,
    }
    values.update(fields)
    return offer_create(actor=cast.jan, owner=cast.bakkerij, **values)


def _fields(excinfo) -> dict[str, list[str]]:
    return excinfo.value.extra["fields"]


def test_a_guest_lesson_keeps_its_start_time_and_duration_and_knows_its_end(cast):
    offer = _lesson(cast, presenters="Eva Smit, UX-designer")

    offer.refresh_from_db()
    assert (offer.start_time, offer.duration_minutes, offer.end_time) == (
        dt.time(13, 0),
        90,
        dt.time(14, 30),
    )
    assert offer.is_one_day
    assert offer.presenters == "Eva Smit, UX-designer"


@pytest.mark.parametrize("minutes", [0, 481, 10_000])
def test_a_duration_outside_one_minute_to_eight_hours_is_refused(cast, minutes):
    with pytest.raises(ApplicationError) as excinfo:
        _lesson(cast, duration_minutes=minutes)

    assert _fields(excinfo) == {
        "duration_minutes": [
            f"De duur ligt tussen 1 minuut en 8 uur (480 minuten); u vulde {minutes} in."
        ]
    }
    assert not Offer.objects.exists()


def test_a_lesson_must_end_on_the_day_it_starts(cast):
    with pytest.raises(ApplicationError) as excinfo:
        _lesson(cast, start_time=dt.time(23, 0), duration_minutes=60)

    assert _fields(excinfo) == {
        "duration_minutes": ["Het moet op dezelfde dag eindigen: vóór middernacht."]
    }


def test_eight_hours_from_the_morning_is_fine(cast):
    offer = _lesson(cast, start_time=dt.time(8, 30), duration_minutes=480)

    assert offer.end_time == dt.time(16, 30)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"start_time": None}, {"start_time": ["Vul ook de begintijd in."]}),
        (
            {"duration_minutes": None},
            {"duration_minutes": ["Hoe lang duurt het? Vul de duur in minuten in."]},
        ),
        ({"starts_on": None}, {"starts_on": ["Kies ook de datum waarop het begint."]}),
    ],
)
def test_start_time_duration_and_date_come_together(cast, fields, expected):
    with pytest.raises(ApplicationError) as excinfo:
        _lesson(cast, **fields)

    assert _fields(excinfo) == expected


def test_a_challenge_needs_neither_time_nor_duration(cast):
    offer = offer_create(
        actor=cast.jan,
        owner=cast.bakkerij,
        kind=OfferKind.CHALLENGE,
        title="Webwinkel",
        description="Bestellen via de website",
    )

    assert (offer.start_time, offer.duration_minutes, offer.end_time) == (None, None, None)


def test_changing_the_duration_of_a_draft_is_checked_too(cast):
    offer = _lesson(cast)

    with pytest.raises(ApplicationError):
        offer_update(actor=cast.jan, offer=offer, duration_minutes=0)
    updated = offer_update(actor=cast.jan, offer=offer, duration_minutes=45)

    assert updated.end_time == dt.time(13, 45)


def test_a_window_of_several_days_is_not_one_day(cast):
    offer = _lesson(cast, ends_on=dt.date(2027, 3, 20))

    assert not offer.is_one_day
