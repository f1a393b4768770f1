"""Which challenges a round may hold, and what a refusal may tell (issue 10, finding 6), and bad
capacities answered with a JSON error naming the field (finding 8).

A round holds only published challenges submitted to its school, to a consortium that school
belongs to, or (a consortium round) to the consortium or one of its member schools. An unknown id
and one the round may not hold get the same answer, naming only the ids the client sent."""

import datetime as dt

import pytest
from django.urls import reverse

from backend.allocations import services
from backend.allocations.models import AllocationRound, RoundChallenge, RoundHost
from backend.core.errors import ApplicationError
from backend.offers.models import OfferStatus
from tests.backend.allocations.conftest import NOW
from tests.factories import (
    ConsortiumFactory,
    OfferFactory,
    SchoolFactory,
    consortium_member,
)

MISSING = 987654
RULE = (
    "Alleen gepubliceerde uitdagingen die bij de school of het consortium van de ronde zijn "
    "ingediend kunnen meedoen."
)


def refusal(*ids) -> str:
    return (
        "Deze uitdagingen bestaan niet of horen niet bij deze ronde: "
        + ", ".join(str(i) for i in ids)
        + ". "
        + RULE
    )


@pytest.fixture
def offers(cast):
    """Challenges around Vista: its own, the consortium's, Gilde's, and a foreign consortium's."""
    twente = ConsortiumFactory(name="Techniek Twente")
    consortium_member(twente, SchoolFactory(name="ROC van Twente", brin="25LH"))

    def challenge(title, status=OfferStatus.PUBLISHED, **where):
        return OfferFactory(owner=cast.pixel, contact=cast.eva, title=title, status=status, **where)

    return {
        "vista": challenge("Voor Vista", schools=[cast.vista]),
        "digiwise": challenge("Voor Digiwise", consortium=cast.consortium),
        "gilde": challenge("Alleen Gilde", schools=[cast.gilde]),
        "gilde_draft": challenge(
            "Geheim concept van Gilde", OfferStatus.DRAFT, schools=[cast.gilde]
        ),
        "vista_draft": challenge("Concept van Vista", OfferStatus.SUBMITTED, schools=[cast.vista]),
        "twente": challenge("Voor Twente", consortium=twente),
    }


def _payload(cast, **fields):
    return {
        "name": "Blok 4",
        "school": cast.vista.pk,
        "choices_close_at": "2030-03-01T12:00:00Z",
        "objections_close_at": "2030-03-15T12:00:00Z",
        "min_choices": 1,
        "max_choices": 3,
        **fields,
    }


def _create(client, cast, **fields):
    return client.post(reverse("api:round-list"), _payload(cast, **fields), format="json")


def test_another_schools_draft_is_refused_without_its_title(cast, client_for, offers):
    draft = offers["gilde_draft"]
    response = _create(client_for(cast.bos), cast, challenges=[offers["vista"].pk, draft.pk])
    assert response.status_code == 400
    assert response.json() == {
        "message": refusal(draft.pk),
        "extra": {"fields": {"challenges": [refusal(draft.pk)]}},
    }
    assert "Geheim" not in response.content.decode()
    assert not AllocationRound.objects.exists()


def test_an_unknown_id_answers_like_another_schools_offer(cast, client_for, offers):
    bos = client_for(cast.bos)
    foreign = _create(bos, cast, challenges=[offers["gilde_draft"].pk])
    missing = _create(bos, cast, challenges=[MISSING])
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json()["message"].replace(str(offers["gilde_draft"].pk), "ID") == missing.json()[
        "message"
    ].replace(str(MISSING), "ID")
    both = _create(bos, cast, challenges=[MISSING, offers["gilde_draft"].pk])
    assert both.json()["message"] == refusal(MISSING, offers["gilde_draft"].pk)
    assert not AllocationRound.objects.exists()


@pytest.mark.parametrize("name", ["gilde", "twente", "vista_draft"])
def test_a_school_round_refuses_challenges_that_are_not_its_own(cast, offers, name):
    with pytest.raises(ApplicationError) as error:
        services.allocation_round_create(
            actor=cast.bos,
            name="Blok 4",
            school=cast.vista,
            challenges=[offers["vista"], offers[name]],
            choices_close_at=NOW + dt.timedelta(days=7),
            objections_close_at=NOW + dt.timedelta(days=14),
            now=NOW,
        )
    assert error.value.extra == {"fields": {"challenges": [refusal(offers[name].pk)]}}
    assert not AllocationRound.objects.exists()


def test_a_school_round_takes_its_own_and_its_consortiums_challenges(cast, client_for, offers):
    ids = [offers["vista"].pk, offers["digiwise"].pk, offers["vista"].pk]
    response = _create(client_for(cast.bos), cast, challenges=ids)
    assert response.status_code == 201, response.json()
    assert set(RoundChallenge.objects.values_list("offer_id", flat=True)) == set(ids)


def test_a_consortium_round_takes_member_schools_challenges_but_not_other_consortia(
    cast, client_for, offers
):
    peters = client_for(cast.peters)
    refused = _create(
        peters, cast, school=None, consortium=cast.consortium.pk, challenges=[offers["twente"].pk]
    )
    assert refused.json()["extra"]["fields"] == {"challenges": [refusal(offers["twente"].pk)]}
    ids = [offers["vista"].pk, offers["gilde"].pk, offers["digiwise"].pk]
    response = _create(peters, cast, school=None, consortium=cast.consortium.pk, challenges=ids)
    assert response.status_code == 201, response.json()
    assert set(RoundChallenge.objects.values_list("offer_id", flat=True)) == set(ids)


def test_replacing_the_challenges_follows_the_same_rule(world, client_for, offers):
    url = reverse("api:round-challenges", args=[world.round.pk])
    before = set(RoundChallenge.objects.values_list("offer_id", flat=True))
    response = client_for(world.cast.bos).put(
        url, {"challenges": [offers["twente"].pk, MISSING]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "challenges": [refusal(offers["twente"].pk, MISSING)]
    }
    assert set(RoundChallenge.objects.values_list("offer_id", flat=True)) == before
    response = client_for(world.cast.bos).put(
        url, {"challenges": [offers["vista"].pk, offers["digiwise"].pk]}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_a_host_capacity_is_only_for_companies_in_the_round(cast, client_for, offers):
    response = _create(
        client_for(cast.bos),
        cast,
        challenges=[offers["vista"].pk],
        host_capacities={str(cast.bakkerij.pk): 2, str(MISSING): 1},
    )
    message = f"Deze bedrijven hebben geen uitdaging in deze ronde: {cast.bakkerij.pk}, {MISSING}."
    assert response.status_code == 400
    assert response.json() == {
        "message": message,
        "extra": {"fields": {"host_capacities": [message]}},
    }
    assert "Bakkerij" not in response.content.decode()
    assert not RoundHost.objects.exists()
    ok = _create(
        client_for(cast.bos),
        cast,
        challenges=[offers["vista"].pk],
        host_capacities={str(cast.pixel.pk): 3},
    )
    assert ok.status_code == 201, ok.json()
    assert list(RoundHost.objects.values_list("organisation_id", "capacity")) == [
        (cast.pixel.pk, 3)
    ]


# Finding 8: capacities that used to answer an HTML 500.
TOO_MANY = "Zorg ervoor dat deze waarde kleiner is dan of gelijk is aan 1000."


@pytest.mark.parametrize(
    ("field", "value", "key", "messages"),
    [
        ("capacities", {"abc": 2}, "capacities.abc", ["Geen geldig uitdaging-id."]),
        ("capacities", {"-4": 2}, "capacities.-4", ["Geen geldig uitdaging-id."]),
        ("capacities", {"1" * 30: 2}, "capacities." + "1" * 30, ["Geen geldig uitdaging-id."]),
        ("capacities", {"OFFER": 2**31}, "capacities.OFFER", [TOO_MANY]),
        ("host_capacities", {"pixel": 1}, "host_capacities.pixel", ["Geen geldig bedrijf-id."]),
        ("host_capacities", {"PIXEL": 2**31}, "host_capacities.PIXEL", [TOO_MANY]),
    ],
)
def test_bad_capacities_answer_400_naming_the_key(
    cast, client_for, offers, field, value, key, messages
):
    names = {"OFFER": str(offers["vista"].pk), "PIXEL": str(cast.pixel.pk)}
    value = {names.get(k, k): v for k, v in value.items()}
    key = key.replace("OFFER", names["OFFER"]).replace("PIXEL", names["PIXEL"])
    response = _create(
        client_for(cast.bos), cast, challenges=[offers["vista"].pk], **{field: value}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "message": f"{key}: {messages[0]}",
        "extra": {"fields": {key: messages}},
    }
    assert not AllocationRound.objects.exists()


def test_bad_capacities_on_replacing_challenges_answer_400(world, client_for):
    url = reverse("api:round-challenges", args=[world.round.pk])
    bos = client_for(world.cast.bos)
    before = list(RoundChallenge.objects.values_list("offer_id", "capacity"))
    key = str(world.app.pk)
    for capacities, field, message in [
        ({"abc": 1}, "capacities.abc", "Geen geldig uitdaging-id."),
        ({key: 2**31}, f"capacities.{key}", TOO_MANY),
        (
            {key: -1},
            f"capacities.{key}",
            "Zorg ervoor dat deze waarde groter is dan of gelijk is aan 0.",
        ),
    ]:
        response = bos.put(
            url, {"challenges": [world.app.pk], "capacities": capacities}, format="json"
        )
        assert response.status_code == 400, capacities
        assert response.json()["extra"]["fields"] == {field: [message]}
    assert list(RoundChallenge.objects.values_list("offer_id", "capacity")) == before
    response = bos.put(
        url, {"challenges": [world.app.pk], "capacities": {key: 1000}}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert list(RoundChallenge.objects.values_list("offer_id", "capacity")) == [
        (world.app.pk, 1000)
    ]


def test_an_id_too_large_for_the_database_is_refused_with_its_field(cast, client_for):
    response = _create(client_for(cast.bos), cast, challenges=[2**70], cohorts=[2**40])
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert set(fields) == {"challenges.0", "cohorts.0"}
    assert not AllocationRound.objects.exists()
