"""Reads about teams in a round: its team settings (as stored, and as the engine gets them), the
mutual teammate wishes, classes and earlier hosts of its students, and what a run did with
teams (the review page)."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from backend.accounts.models import StudentEnrolment
from backend.allocations.engine_adapter import RuleRecord, TeamSettings
from backend.allocations.models import (
    PUBLISHED_PHASES,
    TEAM_RULE_KINDS,
    AllocationRound,
    AllocationRun,
    Assignment,
    ChoiceList,
    RoundChallenge,
    RoundEvent,
    RoundTeamSettings,
)

# A student names at most this many teammates (choices._check_teammates; the engine's limit).
MAX_TEAMMATES = 3


def team_settings_of(allocation_round: AllocationRound) -> RoundTeamSettings:
    """The round's team settings: its row, else the defaults (an unsaved row; one query)."""
    found = RoundTeamSettings.objects.filter(round=allocation_round).first()
    return found or RoundTeamSettings(round=allocation_round)


def rule_records(settings: RoundTeamSettings, *, consortium: bool) -> tuple[RuleRecord, ...]:
    """The composition rules that are on (their number is set), as the engine gets them (on
    every challenge), in TEAM_RULE_KINDS order. The school mix is a consortium round's rule
    only; only the niveau rule has a count."""
    return tuple(
        RuleRecord(
            kind,
            value,
            count=settings.min_level_count if kind == "min_level" else 1,
            hard=getattr(settings, f"{kind}_hard"),
            weight=getattr(settings, f"{kind}_weight"),
        )
        for kind in TEAM_RULE_KINDS
        if (value := getattr(settings, kind)) is not None
        and (consortium or kind != "mixed_schools")
    )


def team_settings_record(allocation_round: AllocationRound) -> TeamSettings:
    """The round's team settings as the engine adapter takes them (one query)."""
    settings = team_settings_of(allocation_round)
    return TeamSettings(
        together=settings.together,
        together_weight=settings.together_weight,
        rotation=settings.rotation,
        rotation_weight=settings.rotation_weight,
        time_limit=float(settings.time_limit),
        rules=rule_records(settings, consortium=allocation_round.consortium_id is not None),
    )


def team_settings_changed_after(run: AllocationRun | None) -> bool:
    """The round's team settings were stored after `run` read them (the snapshot is taken when
    the run starts), so its proposal was made with the earlier ones (one query; none without a
    started run)."""
    if run is None or run.started_at is None:
        return False
    return RoundEvent.objects.filter(
        round_id=run.round_id, kind="team_settings", at__gt=run.started_at
    ).exists()


def mutual_wishes(
    allocation_round: AllocationRound, participants: Collection[int]
) -> dict[int, tuple[int, ...]]:
    """{student id: the ids of at most MAX_TEAMMATES participants who named the student back},
    from the round's choice lists (one query). A wish that is not returned, or names someone
    who no longer takes part, is left out: only mutual wishes count."""
    named: dict[int, set[int]] = {}
    for student_id, teammate_id in ChoiceList.teammates.through.objects.filter(
        choicelist__round=allocation_round
    ).values_list("choicelist__student_id", "user_id"):
        named.setdefault(student_id, set()).add(teammate_id)
    mutual = {}
    for student_id, wished in named.items():
        if student_id not in participants:
            continue
        back = sorted(
            pk
            for pk in wished
            if pk != student_id and pk in participants and student_id in named.get(pk, ())
        )
        if back:
            mutual[student_id] = tuple(back[:MAX_TEAMMATES])
    return mutual


def earlier_hosts(
    allocation_round: AllocationRound,
    enrolments: QuerySet[StudentEnrolment],
    hosts: Collection[int],
) -> dict[int, tuple[int, ...]]:
    """{student id: host organisation ids of `hosts` where the student was placed in another
    round that has been published}: the history rotation reads (one query; the students travel
    as a subquery). Hosts outside this round are left out: the engine knows only its own."""
    rows = (
        Assignment.objects.filter(
            student_id__in=enrolments.values("student_id"),
            round__phase__in=PUBLISHED_PHASES,
        )
        .exclude(round=allocation_round)
        .values_list("student_id", "offer__owner_id")
        .distinct()
    )
    history: dict[int, set[int]] = {}
    for student_id, host_id in rows:
        if host_id in hosts:
            history.setdefault(student_id, set()).add(host_id)
    return {pk: tuple(sorted(found)) for pk, found in history.items()}


@dataclass(frozen=True)
class BoundRule:
    """A rule that decided placements in one challenge of a run."""

    offer_id: int
    title: str
    kind: str
    hard: bool
    value: int
    count: int
    students: int


@dataclass(frozen=True)
class TeamSummary:
    """What a run did with teams (AllocationRun.teams), with the challenges' titles."""

    reported: bool
    groups: int
    kept: int
    not_kept: dict[str, int]
    classes: int
    classes_kept: int
    gap: float | None
    bound_rules: list[BoundRule]

    @property
    def proven_optimal(self) -> bool:
        """The exact search proved its answer optimal, or the flow path ran (optimal anyway)."""
        return self.gap is None or self.gap <= 0


def _titles(offer_ids: Iterable[int], allocation_round_id: int) -> dict[int, str]:
    return dict(
        RoundChallenge.objects.filter(
            round_id=allocation_round_id, offer_id__in=set(offer_ids)
        ).values_list("offer_id", "offer__title")
    )


def run_team_summary(run: AllocationRun | None) -> TeamSummary | None:
    """The team outcome of a run (None when the run used no team feature), with the titles of
    the challenges whose rules bound (one query, only when some rule bound)."""
    data: dict[str, Any] | None = run.teams if run is not None else None
    if not data:
        return None
    bound = data.get("bound_rules") or []
    titles = _titles((row["offer_id"] for row in bound), run.round_id) if bound and run else {}
    gap = data.get("gap")
    return TeamSummary(
        reported=bool(data.get("reported", True)),
        groups=int(data.get("groups") or 0),
        kept=int(data.get("kept") or 0),
        not_kept={str(k): int(v) for k, v in (data.get("not_kept") or {}).items()},
        classes=int(data.get("classes") or 0),
        classes_kept=int(data.get("classes_kept") or 0),
        gap=float(gap) if gap is not None else None,
        bound_rules=[
            BoundRule(
                offer_id=row["offer_id"],
                title=titles.get(row["offer_id"], str(row["offer_id"])),
                kind=row["kind"],
                hard=bool(row["hard"]),
                value=int(row.get("value") or 0),
                count=int(row.get("count") or 0),
                students=int(row.get("students") or 0),
            )
            for row in bound
        ],
    )
