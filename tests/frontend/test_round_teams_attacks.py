"""The team pages under attack: the coordinator's settings page by everyone who may not change
them, in phases where they are fixed, with every wrong value per field; and the student's
teammate picker with ids that are not classmates in the round. Each refusal names what to fill
in, and nothing is stored in part."""

from unittest import mock

import pytest
from django.urls import reverse

from backend.allocations.models import ChoiceList, Phase, RoundEvent, RoundTeamSettings
from frontend.views.rounds.coordinator import gap_percentage
from tests.backend.allocations import conftest as allocation_world
from tests.backend.allocations.conftest import NOW, choose, open_round
from tests.factories import student

world = allocation_world.world

pytestmark = pytest.mark.django_db

VALID = {
    "together": "soft",
    "together_weight": "1",
    "rotation": "off",
    "rotation_weight": "2",
    "max_per_class": "2",
    "max_per_class_kind": "hard",
    "max_per_class_weight": "1",
    "min_level": "2",
    "min_level_count": "1",
    "min_level_kind": "soft",
    "min_level_weight": "1.5",
    "time_limit": "30",
}
WEIGHT = "Kies een gewicht van 0,1 tot en met 100, bijvoorbeeld 1 of 2,5."
MODE_TOGETHER = (
    "Kies hoe samenwerkwensen meetellen: samen waar het kan, altijd samen of niet meenemen."
)
KIND = "Kies 'harde regel' of 'zachte regel'."
TIME = "Kies een rekentijd van 1 tot 600 seconden."
PER_CLASS = "Kies hoogstens 1 tot 50 studenten uit één klas, of laat het leeg."
LEVEL = "Kies niveau 1, 2, 3 of 4, of 'geen regel'."
LEVEL_COUNT = "Kies minstens 1 en hoogstens 20 studenten van dat niveau."


def _url(world):
    return reverse("frontend:round-team-settings", args=[world.round.pk])


def _nothing_stored():
    assert not RoundTeamSettings.objects.exists()
    assert not RoundEvent.objects.filter(kind="team_settings").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_limit", "-5", TIME),
        ("time_limit", "0", TIME),
        ("time_limit", "99999999999999999999999999", TIME),
        ("time_limit", "1.5", TIME),
        ("time_limit", "", TIME),
        ("together_weight", "-1", WEIGHT),
        ("together_weight", "0", WEIGHT),
        ("together_weight", "101", WEIGHT),
        ("together_weight", "1e400", WEIGHT),
        ("together_weight", "nan", WEIGHT),
        ("rotation_weight", "abc", WEIGHT),
        ("min_level_weight", "<script>alert(1)</script>", WEIGHT),
        ("max_per_class", "-1", PER_CLASS),
        ("max_per_class", "0", PER_CLASS),
        ("max_per_class", "51", PER_CLASS),
        ("max_per_class", "<b>2</b>", PER_CLASS),
        ("min_level", "5", LEVEL),
        ("min_level", "0", LEVEL),
        ("min_level", "<b>x</b>", LEVEL),
        ("min_level_count", "0", LEVEL_COUNT),
        ("min_level_count", "21", LEVEL_COUNT),
        ("max_per_class_kind", "medium", KIND),
        ("min_level_kind", "", KIND),
        ("together", "always", MODE_TOGETHER),
        ("together", "", MODE_TOGETHER),
    ],
)
def test_each_wrong_value_says_what_to_fill_in_and_nothing_is_stored(
    world, page_client, field, value, message
):
    response = page_client(world.cast.bos).post(_url(world), {**VALID, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    html = response.content.decode()
    # The error summary names the field by its label, then the message.
    label = str(response.context["form"].fields[field].label)
    assert f"{label}: {message}".replace("'", "&#x27;") in html
    assert "<script>alert(1)" not in html
    assert "<b>" not in html
    _nothing_stored()


def test_a_weight_written_with_a_comma_counts(world, page_client):
    response = page_client(world.cast.bos).post(_url(world), {**VALID, "min_level_weight": "2,5"})
    assert response.status_code == 302
    assert RoundTeamSettings.objects.get(round=world.round).min_level_weight == 2.5


def test_a_weight_that_does_not_count_may_be_left_empty(world, page_client):
    data = {**VALID, "max_per_class_weight": "", "min_level": "", "min_level_count": ""}
    data["min_level_weight"] = ""
    assert page_client(world.cast.bos).post(_url(world), data).status_code == 302
    stored = RoundTeamSettings.objects.get(round=world.round)
    assert (stored.max_per_class, stored.max_per_class_hard) == (2, True)
    assert (stored.max_per_class_weight, stored.min_level_weight) == (1.0, 1.0)
    assert (stored.min_level, stored.min_level_count) == (None, 1)


def test_a_soft_rule_that_is_on_needs_its_weight_and_the_niveau_rule_its_count(world, page_client):
    data = {**VALID, "min_level_weight": "", "min_level_count": ""}
    response = page_client(world.cast.bos).post(_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "min_level_weight": ["Een zachte regel heeft een gewicht nodig: kies 0,1 tot en met 100."],
        "min_level_count": [LEVEL_COUNT],
    }
    _nothing_stored()


def test_one_wrong_field_among_right_ones_stores_nothing(world, page_client):
    client = page_client(world.cast.bos)
    assert client.post(_url(world), VALID).status_code == 302
    before = RoundTeamSettings.objects.get(round=world.round)
    response = client.post(_url(world), {**VALID, "together": "hard", "time_limit": "0"})
    assert response.status_code == 200
    after = RoundTeamSettings.objects.get(round=world.round)
    assert (
        (after.together, after.time_limit) == (before.together, before.time_limit) == ("soft", 30)
    )
    assert RoundEvent.objects.filter(kind="team_settings").count() == 1


@pytest.mark.parametrize("phase", [Phase.PUBLISHED, Phase.OBJECTIONS, Phase.CLOSED])
def test_after_publication_the_settings_are_read_only_and_a_post_is_refused(
    world, page_client, phase
):
    world.round.phase = phase
    world.round.save()
    client = page_client(world.cast.bos)
    page = client.get(_url(world)).content.decode()
    assert 'id="team-settings-save"' not in page
    assert 'name="time_limit" value="30"' in page
    assert "disabled" in page.split('name="time_limit"')[1].split(">")[0]
    response = client.post(_url(world), {**VALID, "together": "off", "time_limit": "5"})
    assert response.status_code == 200
    assert "De teaminstellingen liggen vast: de ronde is in de fase" in response.content.decode()
    _nothing_stored()
    # The round page still leads to the (fixed) settings.
    detail = client.get(reverse("frontend:round-detail", args=[world.round.pk])).content.decode()
    assert _url(world) in detail
    assert "Teaminstellingen bekijken" in detail


def test_a_get_never_changes_the_settings(world, page_client):
    response = page_client(world.cast.bos).get(_url(world), {**VALID, "together": "off"})
    assert response.status_code == 200
    _nothing_stored()


def test_anonymous_visitors_are_sent_to_the_login(world, page_client):
    for response in (page_client().get(_url(world)), page_client().post(_url(world), VALID)):
        assert response.status_code == 302
        assert "login" in response["Location"]
    _nothing_stored()


@pytest.mark.parametrize("who", ["fenna", "eva"])
def test_a_privacy_officer_and_a_company_contact_are_refused(world, page_client, who):
    client = page_client(getattr(world.cast, who))
    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world), VALID).status_code == 403
    _nothing_stored()


def test_another_schools_coordinator_gets_not_found_for_this_round(world, page_client):
    client = page_client(world.cast.peters)
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), VALID).status_code == 404
    _nothing_stored()


def test_a_round_that_does_not_exist_is_not_found(world, page_client):
    url = reverse("frontend:round-team-settings", args=[world.round.pk + 1000])
    assert page_client(world.cast.bos).post(url, VALID).status_code == 404
    _nothing_stored()


@pytest.mark.parametrize(
    ("gap", "shown"), [(0.025, "2,5"), (0.0251, "2,6"), (0.00001, "0,1"), (0.5, "50,0")]
)
def test_the_gap_reads_as_a_dutch_percentage_rounded_up(gap, shown):
    assert gap_percentage(gap) == shown


# The student's teammate picker.


def _student_post(world, client, teammates):
    url = reverse("frontend:round-student", args=[world.round.pk])
    data = {"form": "choices", f"position-{world.app.pk}": "1", "teammates": teammates}
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        return client.post(url, data)


def _cases(world):
    lotte, daan, noor = world.classmates
    fifth = student(
        school=world.cast.vista,
        kwalificatie=world.cast.ict_niveau2,
        first_name="Mila",
        class_code="ICT2A",
    )
    sanne = world.cast.sanne
    return {
        "herself": ([sanne.pk], "Je kunt jezelf niet als teamgenoot noemen."),
        "four": (
            [lotte.pk, daan.pk, noor.pk, fifth.pk],
            "Je kunt hoogstens 3 klasgenoten noemen; je noemde er 4.",
        ),
        "twice": ([lotte.pk, lotte.pk], "Je hebt dezelfde klasgenoot twee keer genoemd."),
        "another school": (
            [world.cast.ahmed.pk],
            "Je kunt alleen klasgenoten noemen die ook aan deze ronde meedoen.",
        ),
        "a teacher": (
            [world.cast.bos.pk],
            "Je kunt alleen klasgenoten noemen die ook aan deze ronde meedoen.",
        ),
        "no one": ([987654], "Je kunt alleen klasgenoten noemen die ook aan deze ronde meedoen."),
        "not a number": (
            ["<b>x</b>"],
            "Samenwerken met: kies een klasgenoot uit de zoekresultaten; dit is geen klasgenoot.",
        ),
        "too large": (
            ["99999999999999999999999"],
            "Samenwerken met: kies een klasgenoot uit de zoekresultaten; dit is geen klasgenoot.",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "herself",
        "four",
        "twice",
        "another school",
        "a teacher",
        "no one",
        "not a number",
        "too large",
    ],
)
def test_a_wrong_teammate_is_refused_and_the_saved_choices_stay(world, page_client, case):
    open_round(world)
    sanne, lotte = world.cast.sanne, world.classmates[0]
    choose(world, sanne, world.webshop, teammates=[lotte])
    teammates, message = _cases(world)[case]
    response = _student_post(world, page_client(sanne), teammates)
    assert response.status_code == 200
    assert response.context["errors"] == [message]
    assert "<b>x</b>" not in response.content.decode()
    stored = ChoiceList.objects.get(round=world.round, student=sanne)
    assert [u.pk for u in stored.teammates.all()] == [lotte.pk]
    assert [c.offer_id for c in stored.choices.all()] == [world.webshop.pk]


def test_the_teammate_search_escapes_what_was_typed(world, page_client):
    open_round(world)
    url = reverse("frontend:student-teammate-search", args=[world.round.pk])
    response = page_client(world.cast.sanne).get(
        url, {"wie": "<script>alert(1)</script>"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()
