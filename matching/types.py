"""The engine's typed inputs and outputs: frozen dataclasses whose collections are tuples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

MODES = ("optimal", "stable")
TOGETHER_MODES = ("hard", "soft", "off")
ROTATION_MODES = ("hard", "soft", "off")


@dataclass(frozen=True, slots=True)
class Student:
    id: str
    level: int
    programme: str
    school: str
    certificates: tuple[str, ...] = ()
    open_goals: tuple[str, ...] = ()
    preferences: tuple[str, ...] = ()
    # Format /2: up to three students this one wants to work with (only mutual wishes count),
    # the class (JSON "class") and the hosts of earlier placements (rotation).
    together: tuple[str, ...] = ()
    klass: str | None = None
    history: tuple[str, ...] = ()


RULE_KINDS = ("max_per_class", "min_level", "mixed_schools")


@dataclass(frozen=True, slots=True)
class Rule:
    """A team-composition rule of one challenge (format /2).

    max_per_class: at most `value` students from one class; min_level: at least `count`
    students of niveau `value`; mixed_schools: students from at least `value` (>= 2) schools
    when the students who chose the challenge allow it. Hard, or soft with `weight` rank points
    per unit of violation."""

    kind: str
    value: int = 0
    count: int = 1
    hard: bool = True
    weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    host: str
    max: int
    min: int = 0
    levels: tuple[int, ...] = ()
    programmes: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class ClassUnit:
    """A whole class placed as one unit (format /2): its members are the students whose `klass`
    is `id`; they go to one challenge of `preferences` together, or not at all."""

    id: str
    preferences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Host:
    id: str
    capacity: int | None = None
    ranking: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lock:
    student: str
    challenge: str


@dataclass(frozen=True, slots=True)
class Options:
    mode: str = "optimal"
    seed: int = 0
    coverage_weight: float = 0.0
    # Format /2 (docs/matching.md, "Teams"): together wishes, rotation, the exact search.
    together: str = "soft"
    together_weight: float = 1.0
    rotation: str = "hard"
    rotation_weight: float = 2.0
    time_limit: float = 30.0
    workers: int = 2


@dataclass(frozen=True, slots=True)
class Problem:
    students: tuple[Student, ...]
    challenges: tuple[Challenge, ...]
    hosts: tuple[Host, ...] = ()
    locked: tuple[Lock, ...] = ()
    options: Options = field(default_factory=Options)
    class_units: tuple[ClassUnit, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    student: str
    challenge: str
    rank: int | None
    locked: bool = False


@dataclass(frozen=True, slots=True)
class PassedOver:
    """A choice ranked better than the student's result, and the machine-readable reason why."""

    challenge: str
    rank: int
    reason: str
    details: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Explanation:
    student: str
    challenge: str | None
    rank: int | None
    locked: bool
    passed_over: tuple[PassedOver, ...]
    summary: str
    # Format /2: the group members placed with the student; the rules that decided it.
    together_with: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unassigned:
    student: str
    reason: str
    details: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Metrics:
    """Headline figures of a result; `as_dict()` is JSON-able and `from_dict` inverts it."""

    students: int
    assigned: int
    unassigned: int
    locked: int
    share_first_choice: float
    share_top3: float
    rank_profile: Mapping[int, int]
    worst_rank: int | None
    total_rank: int
    penalised_rank_cost: int
    goal_coverage: float | None
    fill_rate_challenges: Mapping[str, float | None]
    fill_rate_hosts: Mapping[str, float | None]
    by_group: Mapping[str, Mapping[str, Mapping[str, object]]]

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["rank_profile"] = {str(k): v for k, v in self.rank_profile.items()}
        data["fill_rate_challenges"] = dict(self.fill_rate_challenges)
        data["fill_rate_hosts"] = dict(self.fill_rate_hosts)
        data["by_group"] = {
            kind: {name: dict(figures) for name, figures in groups.items()}
            for kind, groups in self.by_group.items()
        }
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Metrics:
        values = {f.name: data[f.name] for f in fields(cls)}
        profile = values["rank_profile"]
        assert isinstance(profile, Mapping)
        values["rank_profile"] = {int(k): int(v) for k, v in profile.items()}
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """What became of a group of mutual together-wishes, or of a class unit."""

    members: tuple[str, ...]
    kind: str  # "together" | "class"
    challenge: str | None
    kept: bool
    # Why not kept: "not_eligible" | "no_common_choice" | "full" | "rule" | "cheaper_apart" | "off"
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class RuleBinding:
    """A rule that decided placements: a Rule kind, "min" (minimum team size) or "rotation"."""

    challenge: str
    kind: str
    hard: bool
    students: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    explanations: Mapping[str, Explanation]
    metrics: Metrics
    mode: str
    seed: int
    bound_gap: int | None = None
    # Challenges closed by the minimum-team-size loop (not part of the original contract).
    closed: tuple[str, ...] = ()
    # Format /2: the exact search's relative gap (0.0 = proven optimal; None = the flow path,
    # optimal by construction), the groups and the rules that bound.
    gap: float | None = None
    groups: tuple[GroupOutcome, ...] = ()
    bound_rules: tuple[RuleBinding, ...] = ()
