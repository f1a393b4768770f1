"""The coordinator's team settings page, the team outcome on the round's review page, and the
student's side: the teammate picker says how wishes count, the result says with whom you were
placed or why not."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse

from backend.allocations import services
from backend.allocations.models import AllocationRun, Phase, RoundEvent, RoundTeamSettings
from backend.allocations.services.teams import TeamChoices
from tests.backend.allocations import conftest as allocation_world
from tests.backend.allocations.conftest import (
    NOW,
    choose,
    close_and_run,
    open_round,
    published,
    start_and_run,
)

# The allocation tests' round for the cast (four challenges, Sanne and three classmates).
world = allocation_world.world

pytestmark = pytest.mark.django_db

VALID = {
    "together": "hard",
    "together_weight": "2",
    "rotation": "soft",
    "rotation_weight": "3",
    "max_per_class": "2",
    "max_per_class_kind": "hard",
    "max_per_class_weight": "1",
    "min_level": "",
    "min_level_count": "1",
    "min_level_kind": "soft",
    "min_level_weight": "1.5",
    "time_limit": "20",
}


def _url(world):
    return reverse("frontend:round-team-settings", args=[world.round.pk])


def test_the_coordinator_sees_the_settings_with_dutch_labels_and_help(world, page_client):
    response = page_client(world.cast.bos).get(_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Samenwerkwensen van studenten",
        "Alleen wie elkaar over en weer noemen vormen een groep",
        "blijft een groep die nergens samen past helemaal niet ingedeeld",
        "Rotatie over bedrijven",
        "Hoogstens zoveel studenten uit één klas per team",
        "Elk team heeft studenten van niveau",
        "Rekentijd in seconden",
    ):
        assert text in html
    # A school round offers no school mix.
    assert "Studenten van minstens zoveel scholen per team" not in html
    # The defaults: wishes count where they can, no rotation.
    assert re.search(r'name="together" value="soft"[^>]*checked', html)
    assert re.search(r'name="rotation" value="off"[^>]*checked', html)


def test_saving_the_settings_stores_them_and_goes_back_to_the_round(world, page_client):
    response = page_client(world.cast.bos).post(_url(world), VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:round-detail", args=[world.round.pk])
    stored = RoundTeamSettings.objects.get(round=world.round)
    assert (stored.together, stored.together_weight, stored.rotation) == ("hard", 2.0, "soft")
    assert (stored.max_per_class, stored.max_per_class_hard, stored.min_level) == (2, True, None)
    assert stored.time_limit == 20
    assert RoundEvent.objects.filter(round=world.round, kind="team_settings").count() == 1


def test_wrong_values_are_named_per_field_and_nothing_is_stored(world, page_client):
    bad = {
        **VALID,
        "together": "<b>altijd</b>",
        "together_weight": "0",
        "time_limit": "601",
        "max_per_class": "abc",
    }
    response = page_client(world.cast.bos).post(_url(world), bad)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"together", "together_weight", "time_limit", "max_per_class"}
    html = response.content.decode()
    assert "<b>altijd</b>" not in html
    assert not RoundTeamSettings.objects.exists()


def test_a_consortium_round_offers_the_school_mix(cast, page_client):
    offer = published(cast.pixel, cast.eva, "Samen bouwen", consortium=cast.consortium)
    offer.schools.set([cast.vista, cast.gilde])
    allocation_round = services.allocation_round_create(
        actor=cast.bos,
        name="Consortium blok 3",
        consortium=cast.consortium,
        challenges=[offer],
        min_choices=1,
        max_choices=3,
        choices_close_at=NOW + dt.timedelta(days=7),
        objections_close_at=NOW + dt.timedelta(days=21),
        now=NOW,
    )
    url = reverse("frontend:round-team-settings", args=[allocation_round.pk])
    client = page_client(cast.bos)
    assert "Studenten van minstens zoveel scholen per team" in client.get(url).content.decode()
    data = {
        **VALID,
        "mixed_schools": "2",
        "mixed_schools_kind": "hard",
        "mixed_schools_weight": "1",
    }
    assert client.post(url, data).status_code == 302
    stored = RoundTeamSettings.objects.get(round=allocation_round)
    assert (stored.mixed_schools, stored.mixed_schools_hard) == (2, True)


def test_after_publication_the_settings_are_shown_but_fixed(world, page_client):
    world.round.phase = Phase.PUBLISHED
    world.round.save()
    client = page_client(world.cast.bos)
    page = client.get(_url(world)).content.decode()
    assert "de teaminstellingen liggen vast" in page
    assert 'id="team-settings-save"' not in page
    response = client.post(_url(world), VALID)
    assert response.status_code == 200
    assert "De teaminstellingen liggen vast: de ronde is in de fase" in response.content.decode()
    assert not RoundTeamSettings.objects.exists()


@pytest.mark.parametrize("who", ["devries", "sanne", "jan", "eva"])
def test_other_roles_are_refused(world, page_client, who):
    client = page_client(getattr(world.cast, who))
    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world), VALID).status_code == 403
    assert not RoundTeamSettings.objects.exists()


@pytest.mark.parametrize("who", ["peters", "ahmed"])
def test_people_of_another_school_see_nothing_of_the_round(world, page_client, who):
    client = page_client(getattr(world.cast, who))
    assert client.get(_url(world)).status_code in (403, 404)
    assert client.post(_url(world), VALID).status_code in (403, 404)
    assert not RoundTeamSettings.objects.exists()


def test_the_round_page_links_to_the_team_settings_for_its_manager(world, page_client):
    detail = reverse("frontend:round-detail", args=[world.round.pk])
    assert _url(world) in page_client(world.cast.bos).get(detail).content.decode()
    assert _url(world) not in page_client(world.cast.devries).get(detail).content.decode()


def test_the_review_page_shows_groups_bound_rules_and_the_gap(world, page_client):
    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    run = close_and_run(world)
    AllocationRun.objects.filter(pk=run.pk).update(
        teams={
            "reported": True,
            "gap": 0.025,
            "groups": 3,
            "kept": 2,
            "not_kept": {"full": 1},
            "classes": 0,
            "classes_kept": 0,
            "bound_rules": [
                {
                    "offer_id": world.app.pk,
                    "kind": "max_per_class",
                    "hard": True,
                    "value": 2,
                    "count": 1,
                    "students": 3,
                }
            ],
        }
    )
    detail = reverse("frontend:round-detail", args=[world.round.pk])
    html = page_client(world.cast.devries).get(detail).content.decode()
    assert "2 van 3 groepen bij elkaar geplaatst." in html
    assert "1 groep niet bij elkaar: geen plaats voor de hele groep." in html
    assert (
        "<strong>App voor Pixelfabriek</strong>: Hoogstens 2 studenten uit één klas "
        "(harde regel): besliste over 3 studenten."
    ) in html
    assert "ze zit hooguit 2,5% van de beste af" in html


def test_a_round_without_team_features_shows_no_team_section(world, page_client):
    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    close_and_run(world)
    detail = reverse("frontend:round-detail", args=[world.round.pk])
    html = page_client(world.cast.bos).get(detail).content.decode()
    assert 'id="teams-outcome"' not in html


def test_a_proven_run_says_so_and_counts_the_kept_pair(world, page_client):
    open_round(world)
    sanne, lotte = world.cast.sanne, world.classmates[0]
    choose(world, sanne, world.app, teammates=[lotte])
    choose(world, lotte, world.app, teammates=[sanne])
    close_and_run(world)
    detail = reverse("frontend:round-detail", args=[world.round.pk])
    html = page_client(world.cast.bos).get(detail).content.decode()
    assert "1 van 1 groep bij elkaar geplaatst." in html
    assert "Bewezen de beste indeling binnen deze regels." in html


def test_the_teammate_picker_says_how_wishes_count(world, page_client):
    open_round(world)
    page = reverse("frontend:round-student", args=[world.round.pk])
    # The round's choices close a week after NOW: the page is asked at NOW.
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        html = page_client(world.cast.sanne).get(page).content.decode()
        assert "Je kunt hoogstens 3 klasgenoten noemen" in html
        assert "Alleen wensen die over en weer gaan tellen: noem elkaar allebei." in html
        services.round_team_settings_set(
            allocation_round=world.round,
            actor=world.cast.bos,
            choices=TeamChoices(together="off"),
            now=NOW,
        )
        html = page_client(world.cast.sanne).get(page).content.decode()
    assert "In deze ronde houdt de indeling geen rekening met samenwerkwensen." in html
    assert "Alleen wensen die over en weer gaan tellen" not in html


def test_the_student_reads_with_whom_she_was_placed_and_ahmed_reads_nothing(world, page_client):
    open_round(world)
    sanne, lotte, daan = world.cast.sanne, *world.classmates[:2]
    choose(world, sanne, world.app, teammates=[lotte, daan])
    choose(world, lotte, world.app, teammates=[sanne])
    choose(world, daan, world.webshop)
    close_and_run(world)
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=9)
    )
    result = reverse("frontend:student-assignment")
    html = page_client(sanne).get(result).content.decode()
    assert "Je bent samen geplaatst met Lotte, zoals jullie allebei wilden." in html
    assert "Je wilde samenwerken met Daan, maar Daan noemde jou niet." in html
    # The kept wish is said once, not again as "dat is gelukt".
    assert "Je wilde samenwerken met Lotte: dat is gelukt." not in html
    other = page_client(world.cast.ahmed).get(result).content.decode()
    assert "Lotte" not in other
    assert "Sanne" not in other


def test_the_review_page_warns_when_the_settings_changed_after_the_applied_run(world, page_client):
    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    close_and_run(world)
    detail = reverse("frontend:round-detail", args=[world.round.pk])
    client = page_client(world.cast.bos)
    assert 'id="team-settings-changed"' not in client.get(detail).content.decode()
    assert client.post(_url(world), VALID).status_code == 302
    html = client.get(detail).content.decode()
    assert 'id="team-settings-changed"' in html
    assert "Start een nieuwe indeling om ze te gebruiken" in html
    # A new run reads the new settings: the warning is gone.
    assert start_and_run(world).succeeded
    assert 'id="team-settings-changed"' not in client.get(detail).content.decode()
