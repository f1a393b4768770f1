"""The coordinator's team settings of a round: defaults, storing, every field at fault named,
who may change them and until when, and what the database refuses on its own."""

import dataclasses

import pytest
from django.db import IntegrityError, transaction

from backend.allocations import services
from backend.allocations.models import Phase, RoundEvent, RoundTeamSettings
from backend.allocations.selectors.teams import team_settings_of, team_settings_record
from backend.allocations.services.teams import TeamChoices
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from tests.backend.allocations.conftest import NOW


def _set(world, actor=None, **choices):
    return services.round_team_settings_set(
        allocation_round=world.round,
        actor=actor or world.cast.bos,
        choices=TeamChoices(**choices),
        now=NOW,
    )


def test_a_round_without_settings_counts_wishes_softly_and_has_no_rules(world):
    settings = team_settings_of(world.round)
    assert settings.pk is None
    record = team_settings_record(world.round)
    assert (record.together, record.rotation, record.rules) == ("soft", "off", ())
    assert record.time_limit == 30.0


def test_the_coordinator_stores_the_settings_and_the_round_remembers_who(world):
    settings = _set(
        world,
        together="hard",
        rotation="soft",
        rotation_weight=3.5,
        time_limit=45,
        max_per_class=2,
        min_level=2,
        min_level_count=1,
        min_level_hard=False,
        min_level_weight=2.0,
    )
    stored = RoundTeamSettings.objects.get(round=world.round)
    assert stored.pk == settings.pk
    assert (stored.together, stored.rotation, stored.rotation_weight) == ("hard", "soft", 3.5)
    assert (stored.max_per_class, stored.min_level, stored.min_level_hard) == (2, 2, False)
    event = RoundEvent.objects.get(round=world.round, kind="team_settings")
    assert event.actor == world.cast.bos
    assert event.data["together"] == "hard"
    assert event.data["max_per_class"] == 2
    rules = team_settings_record(world.round).rules
    assert [(r.kind, r.value, r.hard, r.weight) for r in rules] == [
        ("max_per_class", 2, True, 1.0),
        ("min_level", 2, False, 2.0),
    ]


def test_storing_again_replaces_the_settings(world):
    _set(world, max_per_class=2)
    _set(world, together="off")
    assert RoundTeamSettings.objects.filter(round=world.round).count() == 1
    assert team_settings_of(world.round).max_per_class is None
    assert team_settings_of(world.round).together == "off"


def test_every_field_at_fault_is_named_at_once(world):
    with pytest.raises(ApplicationError) as caught:
        _set(
            world,
            together="always",
            together_weight=0,
            rotation_weight=101,
            time_limit=0,
            max_per_class=0,
            min_level=5,
            min_level_count=0,
        )
    fields = caught.value.extra["fields"]
    assert fields == {
        "together": ["Kies 'altijd', 'waar het kan' of 'uit'."],
        "together_weight": ["Kies een gewicht groter dan 0 en hoogstens 100."],
        "rotation_weight": ["Kies een gewicht groter dan 0 en hoogstens 100."],
        "time_limit": ["Kies een rekentijd van 1 tot 600 seconden."],
        "max_per_class": ["Kies hoogstens 1 tot 50 studenten uit één klas, of laat het leeg."],
        "min_level": ["Kies niveau 1, 2, 3 of 4, of laat het leeg."],
        "min_level_count": ["Kies minstens 1 en hoogstens 20 studenten van dat niveau."],
    }
    assert caught.value.message == "Kies 'altijd', 'waar het kan' of 'uit'."
    assert not RoundTeamSettings.objects.exists()
    assert not RoundEvent.objects.filter(kind="team_settings").exists()


def test_a_school_mix_needs_a_consortium_round(world):
    with pytest.raises(ApplicationError) as caught:
        _set(world, mixed_schools=2)
    assert caught.value.extra["fields"]["mixed_schools"] == [
        "Een mix van scholen kan alleen in een consortiumronde; deze ronde is van één school. "
        "Laat het veld leeg."
    ]


@pytest.mark.parametrize("who", ["devries", "peters", "sanne", "ahmed", "jan"])
def test_only_a_manager_of_the_round_changes_its_settings(world, who):
    with pytest.raises(PermissionDenied):
        _set(world, actor=getattr(world.cast, who), together="off")
    assert not RoundTeamSettings.objects.exists()


def test_the_settings_are_fixed_once_the_round_is_published(world):
    world.round.phase = Phase.PUBLISHED
    world.round.save()
    assert not world.round.accepts_team_settings
    with pytest.raises(Conflict) as caught:
        _set(world, together="off")
    assert "gepubliceerd" in caught.value.message
    assert not RoundTeamSettings.objects.exists()


def test_html_in_a_mode_is_refused_not_stored(world):
    with pytest.raises(ApplicationError) as caught:
        _set(world, rotation="<script>alert(1)</script>")
    assert set(caught.value.extra["fields"]) == {"rotation"}


@pytest.mark.parametrize(
    "field",
    [
        {"together_weight": 0},
        {"time_limit": 0},
        {"min_level": 5},
        {"mixed_schools": 1},
        {"max_per_class": 0},
        {"together": "most"},  # four letters: the column fits it, the check refuses it
    ],
)
def test_the_database_refuses_settings_the_service_would(world, field):
    values = {**dataclasses.asdict(TeamChoices()), **field}
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundTeamSettings.objects.create(round=world.round, **values)
