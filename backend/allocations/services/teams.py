"""The coordinator sets how the matcher forms teams in a round (docs/matching.md, "Teams")."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.allocations.models import (
    TEAM_TIME_LIMIT_MAX,
    AllocationRound,
    Phase,
    RoundTeamSettings,
    TeamMode,
)
from backend.allocations.selectors.access import require_round_manager
from backend.allocations.services.common import lock_round, record_event
from backend.core.errors import ApplicationError, Conflict

# The phases in which the settings may change: until the round is published (they count for
# the next run; a published round keeps the settings its result was made with).
TEAM_SETTINGS_PHASES = (Phase.PREPARING, Phase.CHOOSING, Phase.ALLOCATING, Phase.REVIEW)
MAX_WEIGHT = 100.0
MAX_PER_CLASS = 50
MAX_LEVEL_COUNT = 20
MAX_SCHOOLS = 10


@dataclass(frozen=True)
class TeamChoices:
    """What the coordinator chose; a rule is off while its number is None."""

    together: str = TeamMode.SOFT
    together_weight: float = 1.0
    rotation: str = TeamMode.OFF
    rotation_weight: float = 2.0
    time_limit: int = 30
    max_per_class: int | None = None
    max_per_class_hard: bool = True
    max_per_class_weight: float = 1.0
    min_level: int | None = None
    min_level_count: int = 1
    min_level_hard: bool = True
    min_level_weight: float = 1.0
    mixed_schools: int | None = None
    mixed_schools_hard: bool = False
    mixed_schools_weight: float = 1.0


def _mode_errors(choices: TeamChoices) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("together", "rotation"):
        if getattr(choices, name) not in TeamMode.values:
            errors[name] = [_("Kies 'altijd', 'waar het kan' of 'uit'.")]
    return errors


def _weight_errors(choices: TeamChoices) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in (
        "together_weight",
        "rotation_weight",
        "max_per_class_weight",
        "min_level_weight",
        "mixed_schools_weight",
    ):
        if not 0 < getattr(choices, name) <= MAX_WEIGHT:
            errors[name] = [
                _("Kies een gewicht groter dan 0 en hoogstens %(max)d.") % {"max": MAX_WEIGHT}
            ]
    return errors


def _number_errors(choices: TeamChoices) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 1 <= choices.time_limit <= TEAM_TIME_LIMIT_MAX:
        errors["time_limit"] = [
            _("Kies een rekentijd van 1 tot %(max)d seconden.") % {"max": TEAM_TIME_LIMIT_MAX}
        ]
    if choices.max_per_class is not None and not 1 <= choices.max_per_class <= MAX_PER_CLASS:
        errors["max_per_class"] = [
            _("Kies hoogstens 1 tot %(max)d studenten uit één klas, of laat het leeg.")
            % {"max": MAX_PER_CLASS}
        ]
    if choices.min_level is not None and not 1 <= choices.min_level <= 4:
        errors["min_level"] = [_("Kies niveau 1, 2, 3 of 4, of laat het leeg.")]
    if not 1 <= choices.min_level_count <= MAX_LEVEL_COUNT:
        errors["min_level_count"] = [
            _("Kies minstens 1 en hoogstens %(max)d studenten van dat niveau.")
            % {"max": MAX_LEVEL_COUNT}
        ]
    return errors


def _school_mix_errors(
    choices: TeamChoices, allocation_round: AllocationRound
) -> dict[str, list[str]]:
    if choices.mixed_schools is None:
        return {}
    if allocation_round.consortium_id is None:
        return {
            "mixed_schools": [
                _(
                    "Een mix van scholen kan alleen in een consortiumronde; deze ronde is van "
                    "één school. Laat het veld leeg."
                )
            ]
        }
    if not 2 <= choices.mixed_schools <= MAX_SCHOOLS:
        return {
            "mixed_schools": [
                _("Kies minstens 2 en hoogstens %(max)d scholen per team, of laat het leeg.")
                % {"max": MAX_SCHOOLS}
            ]
        }
    return {}


def _check(choices: TeamChoices, allocation_round: AllocationRound) -> None:
    """Every field at fault, named at once (the first message is the main one)."""
    errors = {
        **_mode_errors(choices),
        **_weight_errors(choices),
        **_number_errors(choices),
        **_school_mix_errors(choices, allocation_round),
    }
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, extra={"fields": errors})


@transaction.atomic
def round_team_settings_set(
    *,
    allocation_round: AllocationRound,
    actor: User,
    choices: TeamChoices,
    now: dt.datetime,
) -> RoundTeamSettings:
    """Store the round's team settings (together wishes, rotation, composition rules and the
    exact search's time limit); they count for the next run. Until the round is published.

    Errors: not a manager of the round (403), after publication (409), a value out of range or
    a school mix in a round of one school (every field at fault in extra["fields"])."""
    require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    if allocation_round.phase not in TEAM_SETTINGS_PHASES:
        raise Conflict(
            _(
                "De teaminstellingen liggen vast: de ronde is in de fase %(phase)s. Zo blijft te "
                "controleren met welke instellingen de gepubliceerde indeling is gemaakt."
            )
            % {"phase": Phase(allocation_round.phase).label}
        )
    _check(choices, allocation_round)
    values = asdict(choices)
    settings, _created = RoundTeamSettings.objects.update_or_create(
        round=allocation_round, defaults=values
    )
    record_event(
        allocation_round=allocation_round, actor=actor, kind="team_settings", now=now, **values
    )
    return settings
