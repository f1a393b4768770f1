"""Allocation rounds: students rank challenges, the matcher proposes, a coordinator confirms.

A round moves through its phases one service at a time (see services/rounds.py):
preparing → choosing → allocating → review → published → objections → closed.
The invariants several writers touch are database constraints: one choice list and one assignment
per student per round, one active run per round, one open objection per student per round.
"""

import datetime as dt
import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel

if TYPE_CHECKING:
    from backend.organisations.models import Consortium, Organisation

MAX_CHOICES_LIMIT = 10


class Phase(models.TextChoices):
    PREPARING = "preparing", _("voorbereiding")
    CHOOSING = "choosing", _("keuzes maken")
    ALLOCATING = "allocating", _("indelen")
    REVIEW = "review", _("controle")
    PUBLISHED = "published", _("gepubliceerd (bezwaar mogelijk)")
    OBJECTIONS = "objections", _("bezwaren afhandelen")
    CLOSED = "closed", _("afgesloten")


# The phases in which the matcher may run (and a run's proposal be applied).
RUNNABLE_PHASES = (Phase.ALLOCATING, Phase.REVIEW)
# The phases after publication: students see their result, companies their teams.
PUBLISHED_PHASES = (Phase.PUBLISHED, Phase.OBJECTIONS, Phase.CLOSED)
# The phases in which the coordinator decides objections and may close the round.
OBJECTION_PHASES = (Phase.PUBLISHED, Phase.OBJECTIONS)


class AllocationRound(TimeStampedModel):
    """One allocation period for a school, or for the schools of a consortium."""

    name = models.CharField(_("naam"), max_length=200)
    period = models.CharField(_("periode"), max_length=50, blank=True)
    school = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocation_rounds",
    )
    consortium = models.ForeignKey(
        "organisations.Consortium",
        verbose_name=_("consortium"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocation_rounds",
    )
    # Empty means every opleiding / every cohort of the participating schools.
    kwalificaties = models.ManyToManyField(
        "curriculum.Kwalificatie", blank=True, related_name="+", verbose_name=_("opleidingen")
    )
    cohorts = models.JSONField(_("cohorten"), default=list, blank=True)
    challenges = models.ManyToManyField(
        "offers.Offer", through="RoundChallenge", related_name="allocation_rounds"
    )
    min_choices = models.PositiveSmallIntegerField(_("minimaal aantal keuzes"), default=3)
    max_choices = models.PositiveSmallIntegerField(_("maximaal aantal keuzes"), default=5)
    choices_open_at = models.DateTimeField(_("keuzes open vanaf"), null=True, blank=True)
    choices_close_at = models.DateTimeField(_("keuzes sluiten op"))
    objections_close_at = models.DateTimeField(_("bezwaar mogelijk tot"))
    phase = models.CharField(
        _("fase"), max_length=12, choices=Phase.choices, default=Phase.PREPARING
    )
    phase_changed_at = models.DateTimeField(null=True, blank=True)
    # The run whose proposal the current assignments come from (explanations are read from it).
    applied_run = models.ForeignKey(
        "AllocationRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-choices_close_at", "-pk"]
        verbose_name = _("indelingsronde")
        verbose_name_plural = _("indelingsrondes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(school__isnull=False) & Q(consortium__isnull=True))
                | (Q(school__isnull=True) & Q(consortium__isnull=False)),
                name="round_school_or_consortium",
            ),
            models.CheckConstraint(
                condition=Q(min_choices__gte=1)
                & Q(max_choices__lte=MAX_CHOICES_LIMIT)
                & Q(min_choices__lte=models.F("max_choices")),
                name="round_choice_limits",
            ),
            models.CheckConstraint(
                condition=Q(objections_close_at__gt=models.F("choices_close_at")),
                name="round_objections_after_choices",
            ),
            models.CheckConstraint(
                condition=Q(choices_open_at__isnull=True)
                | Q(choices_open_at__lt=models.F("choices_close_at")),
                name="round_choices_open_before_close",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period})" if self.period else self.name

    @property
    def organiser(self) -> "Organisation | Consortium | None":
        """The school or the consortium the round is for."""
        return self.school or self.consortium

    # The phase rules, named once: services, views and templates ask these.
    @property
    def is_preparing(self) -> bool:
        return self.phase == Phase.PREPARING

    @property
    def is_choosing(self) -> bool:
        return self.phase == Phase.CHOOSING

    @property
    def accepts_runs(self) -> bool:
        """The matcher may run (allocating, review)."""
        return self.phase in RUNNABLE_PHASES

    @property
    def in_review(self) -> bool:
        """The coordinator may correct single assignments and publish."""
        return self.phase == Phase.REVIEW

    @property
    def handles_objections(self) -> bool:
        """Published: objections are decided and the round can be closed."""
        return self.phase in OBJECTION_PHASES

    @property
    def is_published(self) -> bool:
        """Students see their result (published, objections or closed)."""
        return self.phase in PUBLISHED_PHASES

    @property
    def accepts_team_settings(self) -> bool:
        """The coordinator may still change how teams are formed (until publication)."""
        return not self.is_published

    def choosing_is_open(self, now: dt.datetime) -> bool:
        """Students may hand in or change their choices at `now`."""
        return self.phase == Phase.CHOOSING and now < self.choices_close_at

    def objecting_is_open(self, now: dt.datetime) -> bool:
        """Students may object to their result at `now`."""
        return self.phase == Phase.PUBLISHED and now < self.objections_close_at


class TeamMode(models.TextChoices):
    """How a round treats together wishes or rotation (the engine's Options.together/rotation)."""

    HARD = "hard", _("altijd (harde regel)")
    SOFT = "soft", _("waar het kan (zachte regel)")
    OFF = "off", _("uit")


# The composition rules a round may set (the engine's Rule kinds), in the order pages list them.
TEAM_RULE_KINDS = ("max_per_class", "min_level", "mixed_schools")
TEAM_TIME_LIMIT_MAX = 600
NIVEAUS = (1, 2, 3, 4)


class RoundTeamSettings(models.Model):
    """How the matcher forms teams in one round: together wishes, rotation across hosts and the
    composition rules that hold for every challenge of the round (docs/matching.md, "Teams").

    A round without a row has the defaults: wishes count where they can (soft), no rotation, no
    composition rules. A rule is off while its number is empty; a soft rule needs a weight > 0."""

    round = models.OneToOneField(
        AllocationRound, on_delete=models.CASCADE, related_name="team_settings"
    )
    together = models.CharField(
        _("samenwerkwensen"), max_length=4, choices=TeamMode.choices, default=TeamMode.SOFT
    )
    together_weight = models.FloatField(_("gewicht van een groep die samen blijft"), default=1.0)
    rotation = models.CharField(
        _("rotatie"), max_length=4, choices=TeamMode.choices, default=TeamMode.OFF
    )
    rotation_weight = models.FloatField(_("gewicht van rotatie"), default=2.0)
    time_limit = models.PositiveSmallIntegerField(_("rekentijd in seconden"), default=30)
    max_per_class = models.PositiveSmallIntegerField(
        _("hoogstens uit één klas"), null=True, blank=True
    )
    max_per_class_hard = models.BooleanField(default=True)
    max_per_class_weight = models.FloatField(default=1.0)
    min_level = models.PositiveSmallIntegerField(
        _("minstens één van niveau"), null=True, blank=True
    )
    min_level_count = models.PositiveSmallIntegerField(default=1)
    min_level_hard = models.BooleanField(default=True)
    min_level_weight = models.FloatField(default=1.0)
    mixed_schools = models.PositiveSmallIntegerField(
        _("minstens dit aantal scholen"), null=True, blank=True
    )
    mixed_schools_hard = models.BooleanField(default=False)
    mixed_schools_weight = models.FloatField(default=1.0)

    class Meta:
        verbose_name = _("teaminstellingen van een ronde")
        verbose_name_plural = _("teaminstellingen van rondes")
        constraints = [
            models.CheckConstraint(
                condition=Q(together__in=TeamMode.values) & Q(rotation__in=TeamMode.values),
                name="team_settings_modes",
            ),
            models.CheckConstraint(
                condition=Q(together_weight__gt=0)
                & Q(rotation_weight__gt=0)
                & Q(max_per_class_weight__gt=0)
                & Q(min_level_weight__gt=0)
                & Q(mixed_schools_weight__gt=0),
                name="team_settings_weights_positive",
            ),
            models.CheckConstraint(
                condition=Q(time_limit__gte=1) & Q(time_limit__lte=TEAM_TIME_LIMIT_MAX),
                name="team_settings_time_limit",
            ),
            models.CheckConstraint(
                condition=Q(max_per_class__isnull=True) | Q(max_per_class__gte=1),
                name="team_settings_max_per_class_from_1",
            ),
            models.CheckConstraint(
                condition=Q(min_level__isnull=True)
                | (Q(min_level__gte=1) & Q(min_level__lte=4) & Q(min_level_count__gte=1)),
                name="team_settings_min_level_niveau",
            ),
            models.CheckConstraint(
                condition=Q(mixed_schools__isnull=True) | Q(mixed_schools__gte=2),
                name="team_settings_mixed_schools_from_2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.together}/{self.rotation}"


class RoundChallenge(models.Model):
    """A published challenge taking part in a round, with an optional per-round capacity."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="entries")
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveSmallIntegerField(_("plaatsen in deze ronde"), null=True, blank=True)
    # Stored counts, kept by the services that write choices and assignments (in the same
    # transaction, with F() so concurrent writers never lose one) and rebuilt after bulk loads
    # (services.counts.rebuild_round_counts): a page reads them instead of counting the round's
    # choices or assignments. A database default, so a bulk COPY may leave them out.
    choice_count = models.IntegerField(_("gekozen door"), default=0, db_default=0)
    first_choice_count = models.IntegerField(_("eerste keus van"), default=0, db_default=0)
    assigned_count = models.IntegerField(_("ingedeeld"), default=0, db_default=0)

    class Meta:
        verbose_name = _("uitdaging in ronde")
        verbose_name_plural = _("uitdagingen in ronde")
        # The coordinator's round page while students choose: the most chosen challenges
        # first, a walk of this index (see docs/performance.md).
        indexes = [
            models.Index(
                fields=["round", "-choice_count", "offer"], name="round_challenge_most_chosen"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "offer"], name="round_challenge_once")
        ]

    def __str__(self) -> str:
        return f"{self.offer} in {self.round}"


class RoundHost(models.Model):
    """A host company's total capacity across its challenges in a round (absent = unlimited)."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="hosts")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveSmallIntegerField(_("totale capaciteit"))

    class Meta:
        verbose_name = _("capaciteit bedrijf in ronde")
        verbose_name_plural = _("capaciteit bedrijven in ronde")
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="round_host_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.capacity}"


class ChoiceList(models.Model):
    """A student's ranked choices in one round; replaced as a whole until the deadline."""

    round = models.ForeignKey(
        AllocationRound, on_delete=models.CASCADE, related_name="choice_lists"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="choice_lists"
    )
    teammates = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("samen met")
    )
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("keuzelijst")
        verbose_name_plural = _("keuzelijsten")
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="choice_list_once")
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.round}"


class Choice(models.Model):
    choice_list = models.ForeignKey(ChoiceList, on_delete=models.CASCADE, related_name="choices")
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("positie"))

    class Meta:
        ordering = ["choice_list", "position"]
        verbose_name = _("keuze")
        verbose_name_plural = _("keuzes")
        # How many chose each challenge on a page of the round's challenges: read from the index
        # alone, then the choice list's round (see docs/performance.md).
        indexes = [models.Index(fields=["offer", "choice_list"], name="choice_offer_list")]
        constraints = [
            models.UniqueConstraint(
                fields=["choice_list", "position"], name="choice_position_once"
            ),
            models.UniqueConstraint(fields=["choice_list", "offer"], name="choice_offer_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="choice_position_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.offer_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    SUCCEEDED = "succeeded", _("klaar")
    FAILED = "failed", _("mislukt")


class RunMode(models.TextChoices):
    OPTIMAL = "optimal", _("optimaal (zo hoog mogelijke keuzes)")
    STABLE = "stable", _("stabiel (niemand wil ruilen)")


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)

# The steps a run reports while it works (services/runs.py and the engine's progress callback).
RUN_STAGE_LABELS = {
    "snapshot": _("gegevens verzamelen"),
    "validating": _("gegevens controleren"),
    "building": _("model opbouwen"),
    "solving": _("indeling berekenen"),
    "explaining": _("uitleg schrijven"),
    "storing": _("opslaan"),
    "done": _("afronden"),
}


def compress_json(text: str | Iterable[str]) -> bytes:
    """A document's JSON text, whole or in consecutive pieces, as stored: gzip level 3 without a
    timestamp (the same text, the same bytes: those of gzip.compress(text.encode(), 3,
    mtime=0)). Encoded and compressed about a megabyte at a time, so a run's 70 MB result
    never exists as a whole in UTF-8 (nor at all, when it comes in pieces)."""
    step = 1 << 20
    if isinstance(text, str):
        pieces: Iterable[str] = (text[i : i + step] for i in range(0, len(text), step))
    else:
        pieces = _batched(text, step)
    compressor = zlib.compressobj(3, zlib.DEFLATED, 31)  # wbits 31: a gzip header, mtime 0
    parts = [compressor.compress(piece.encode()) for piece in pieces]
    parts.append(compressor.flush())
    return b"".join(parts)


def _batched(pieces: Iterable[str], size: int) -> Iterator[str]:
    """Consecutive pieces joined into strings of about `size` characters."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


def compress_document(document: Any) -> bytes:
    """A JSON document as stored: compact JSON, compress_json."""
    return compress_json(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


def decompress_document(data: bytes | memoryview) -> Any:
    return json.loads(gzip.decompress(bytes(data)))


class CompressedJSONField(models.BinaryField):  # type: ignore[type-arg]
    """A JSON document stored gzip-compressed in a binary column, read back as the document.

    For a run's problem and result: written once, read only for a download, a reproduction or
    applying a lock check, never filtered on. At 100,000 students the result is ~90 MB of JSON;
    compressed it is a few MB, so storing the run is no longer one UPDATE writing (and, on
    PostgreSQL, parsing into jsonb) the whole text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, bytes | memoryview):
            return value
        return compress_document(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else decompress_document(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bytes | memoryview):
            return decompress_document(value)
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj))


class AllocationRun(models.Model):
    """One solve of a round: the snapshot problem (koppel-allocation/1), its hash and result.

    The stored problem reproduces the run outside Koppel: `python -m matching solve`.
    """

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    stage = models.CharField(max_length=30, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    attempt = models.PositiveSmallIntegerField(default=1)
    mode = models.CharField(max_length=10, choices=RunMode.choices, default=RunMode.OPTIMAL)
    seed = models.PositiveIntegerField(default=0)
    coverage_weight = models.FloatField(default=0.0)
    # Both documents are stored compressed and read only for a download, a reproduction or an
    # apply; pages read `metrics` and the run's RunPlacement rows (docs/matching.md).
    problem = CompressedJSONField(null=True, blank=True)
    problem_hash = models.CharField(max_length=64, blank=True)
    result = CompressedJSONField(null=True, blank=True)
    metrics = models.JSONField(null=True, blank=True)
    # What became of the teams (engine_adapter.team_outcome): counts only, no student ids:
    # {"gap", "groups", "kept", "not_kept": {reason: n}, "classes", "classes_kept",
    # "bound_rules": [{"offer_id", "kind", "hard", "value", "count", "students"}]}; None when
    # the run used no team feature.
    teams = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life: set when queued, claimed and at every engine step. A queued or
    # running run whose heartbeat is older than ALLOCATION_RUN_STALE_AFTER is failed by the reaper.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("indelingsrun")
        verbose_name_plural = _("indelingsruns")
        constraints = [
            # Starting twice (double click, two tabs) cannot queue a second run beside the first.
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(status__in=["queued", "running"]),
                name="run_one_active_per_round",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="run_percent_max_100"),
            models.CheckConstraint(
                condition=Q(coverage_weight__gte=0), name="run_coverage_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.mode}, {self.status})"

    @property
    def is_active(self) -> bool:
        """Queued or running: the round has no room for another run."""
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == RunStatus.SUCCEEDED

    @property
    def stage_label(self) -> str:
        """The step an active run is at, for people ("" once it has stopped: its status says
        enough)."""
        if not self.is_active or not self.stage:
            return ""
        return str(RUN_STAGE_LABELS.get(self.stage, self.stage))

    @property
    def failed(self) -> bool:
        return self.status == RunStatus.FAILED


class RunPlacement(models.Model):
    """One student's outcome in one run, stored beside the run's full result so a page reads
    one student's explanation, or compares two runs, without loading the whole result document
    (91 MB at 100,000 students). Written in the same transaction as the run's result.

    `student_id` and `offer_id` are plain numbers, like the engine ids in the stored result: a
    record of what the run decided, which deleting an offer later neither blocks nor changes.
    """

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="placements")
    student_id = models.PositiveBigIntegerField()
    # None: the run placed the student nowhere (`reason` says why).
    offer_id = models.PositiveBigIntegerField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    locked = models.BooleanField(default=False)
    # The engine's reason for an unassigned student ("no_preferences", ...), else "".
    reason = models.CharField(max_length=30, blank=True)
    # engine_adapter.explanation_of: {"offer_id", "rank", "locked", "passed_over", "summary"}.
    explanation = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run", "student_id"]
        verbose_name = _("plaatsing in een run")
        verbose_name_plural = _("plaatsingen in een run")
        indexes = [models.Index(fields=["run", "offer_id"], name="runplacement_run_offer")]
        constraints = [
            models.UniqueConstraint(fields=["run", "student_id"], name="runplacement_once_per_run")
        ]

    def __str__(self) -> str:
        return f"Run {self.run_id}: {self.student_id} → {self.offer_id}"


class AssignmentSource(models.TextChoices):
    ENGINE = "engine", _("matcher")
    LOCKED = "locked", _("vastgezet")
    OVERRIDE = "override", _("handmatig")
    OBJECTION = "objection", _("na bezwaar")


class Assignment(models.Model):
    """The current placement of one student in a round (at most one: a DB constraint)."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="assignments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="allocation_assignments"
    )
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=AssignmentSource.choices)
    locked = models.BooleanField(default=False)
    run = models.ForeignKey(
        AllocationRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["round", "offer", "student"]
        verbose_name = _("indeling")
        verbose_name_plural = _("indelingen")
        indexes = [models.Index(fields=["round", "offer"])]
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="assignment_once_per_round"),
            models.CheckConstraint(
                condition=Q(rank__gte=1) | Q(rank__isnull=True), name="assignment_rank_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.offer}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("toegekend")
    DECLINED = "declined", _("afgewezen")


class Objection(models.Model):
    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="objections")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # What the student objected to (None when they objected to being unassigned).
    offer = models.ForeignKey(
        "offers.Offer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reden"))
    status = models.CharField(
        max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField(_("antwoord"), blank=True)
    new_offer = models.ForeignKey(
        "offers.Offer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("bezwaar")
        verbose_name_plural = _("bezwaren")
        # The objections page's keyset order within a round (see docs/performance.md).
        indexes = [models.Index(fields=["round", "created_at", "id"], name="objection_round_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "student"],
                condition=Q(status="open"),
                name="objection_one_open_per_student",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(decided_at__isnull=False),
                name="objection_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(answer=""),
                name="objection_declined_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.status}"

    @property
    def is_open(self) -> bool:
        """Not decided yet."""
        return self.status == ObjectionStatus.OPEN


class RoundEvent(models.Model):
    """Append-only record of who did what in a round, and when. Never edited or deleted."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
