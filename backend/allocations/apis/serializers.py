"""Output and input shapes of the allocations API."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    Objection,
    RoundEvent,
    RunMode,
)
from backend.allocations.selectors.review import Leftover
from backend.allocations.selectors.student import (
    MAX_PAGE_NUMBER,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    StudentChallenge,
)
from backend.core.api_fields import id_field
from backend.core.ids import MAX_ID
from backend.offers.models import LocationKind

# Places per challenge or company in one round: far above any real team, far below the
# database's smallint.
MAX_CAPACITY = 1000
_ID_TEXT = re.compile(r"[1-9][0-9]{0,18}")


def _as_id(key: object) -> int | None:
    """A dictionary key as a positive id: JSON keys are text ("12"); Python callers may use 12."""
    if isinstance(key, int) and not isinstance(key, bool):
        value = key
    elif isinstance(key, str) and _ID_TEXT.fullmatch(key):
        value = int(key)
    else:
        return None
    return value if 1 <= value <= MAX_ID else None


class CapacitiesField(serializers.DictField):
    """{id: places}: each key a positive id, each value a whole number 0..MAX_CAPACITY. Errors
    name the key: {"capacities.abc": ["Geen geldig uitdaging-id."]}."""

    def __init__(self, *, key_error: str | Promise, **kwargs: Any) -> None:
        self.key_error = key_error
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", dict)
        super().__init__(
            child=serializers.IntegerField(min_value=0, max_value=MAX_CAPACITY), **kwargs
        )

    def run_child_validation(self, data: Mapping[Any, Any]) -> dict[Any, Any]:
        result: dict[int, int] = {}
        errors: dict[str, list[Any]] = {}
        for key, value in data.items():
            messages: list[Any] = []
            pk = _as_id(key)
            if pk is None:
                messages.append(self.key_error)
            try:
                places = self.child.run_validation(value)
            except serializers.ValidationError as error:
                messages.extend(error.detail)
            if messages:
                errors[str(key)] = messages
            elif pk is not None:
                result[pk] = places
        if errors:
            raise serializers.ValidationError(errors)
        return result


class RoundOutputSerializer(serializers.ModelSerializer[AllocationRound]):
    school = serializers.CharField(source="school.name", default=None)
    consortium = serializers.CharField(source="consortium.name", default=None)

    class Meta:
        model = AllocationRound
        fields = [
            "id",
            "name",
            "period",
            "school",
            "consortium",
            "phase",
            "cohorts",
            "min_choices",
            "max_choices",
            "choices_open_at",
            "choices_close_at",
            "objections_close_at",
            "published_at",
            "applied_run",
        ]


class RoundInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    period = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    school = id_field(required=False, allow_null=True, default=None)
    consortium = id_field(required=False, allow_null=True, default=None)
    kwalificaties = serializers.ListField(child=id_field(), required=False, default=list)
    cohorts = serializers.ListField(
        child=serializers.IntegerField(min_value=2000, max_value=2100), required=False, default=list
    )
    challenges = serializers.ListField(child=id_field(), required=False, default=list)
    capacities = CapacitiesField(key_error=_("Geen geldig uitdaging-id."))
    host_capacities = CapacitiesField(key_error=_("Geen geldig bedrijf-id."))
    min_choices = serializers.IntegerField(default=3)
    max_choices = serializers.IntegerField(default=5)
    choices_open_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    choices_close_at = serializers.DateTimeField()
    objections_close_at = serializers.DateTimeField()


class ChallengesInputSerializer(serializers.Serializer[Any]):
    challenges = serializers.ListField(child=id_field())
    capacities = CapacitiesField(key_error=_("Geen geldig uitdaging-id."))


class RunOutputSerializer(serializers.ModelSerializer[AllocationRun]):
    started_by = serializers.CharField(source="started_by.get_full_name")

    class Meta:
        model = AllocationRun
        fields = [
            "id",
            "round",
            "status",
            "stage",
            "percent",
            "attempt",
            "mode",
            "seed",
            "coverage_weight",
            "problem_hash",
            "metrics",
            "error",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
        ]


class RunStartInputSerializer(serializers.Serializer[Any]):
    mode = serializers.ChoiceField(choices=RunMode.choices, default=RunMode.OPTIMAL)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    coverage_weight = serializers.FloatField(min_value=0, default=0.0)


class AssignmentOutputSerializer(serializers.ModelSerializer[Assignment]):
    student_id = serializers.IntegerField()
    first_name = serializers.CharField(source="student.first_name")
    last_name = serializers.CharField(source="student.last_name")
    class_code = serializers.CharField(source="student.enrolment.class_code")
    level = serializers.IntegerField(source="student.enrolment.kwalificatie.niveau")
    programme = serializers.CharField(source="student.enrolment.kwalificatie.title")
    offer_id = serializers.IntegerField()
    offer = serializers.CharField(source="offer.title")
    host = serializers.CharField(source="offer.owner.name")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "student_id",
            "first_name",
            "last_name",
            "class_code",
            "level",
            "programme",
            "offer_id",
            "offer",
            "host",
            "rank",
            "source",
            "locked",
            "changed_at",
        ]


class OverrideInputSerializer(serializers.Serializer[Any]):
    offer = id_field()


class ObjectionOutputSerializer(serializers.ModelSerializer[Objection]):
    student_name = serializers.CharField(source="student.get_full_name")
    offer_title = serializers.CharField(source="offer.title", default=None)
    new_offer_title = serializers.CharField(source="new_offer.title", default=None)

    class Meta:
        model = Objection
        fields = [
            "id",
            "round",
            "student",
            "student_name",
            "offer",
            "offer_title",
            "reason",
            "status",
            "answer",
            "new_offer",
            "new_offer_title",
            "created_at",
            "decided_at",
        ]


class ObjectionInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)


class AcceptInputSerializer(serializers.Serializer[Any]):
    offer = id_field()
    answer = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineInputSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(allow_blank=True)


class EventOutputSerializer(serializers.ModelSerializer[RoundEvent]):
    actor = serializers.CharField(source="actor.get_full_name", default=None)

    class Meta:
        model = RoundEvent
        fields = ["id", "at", "kind", "actor", "data"]


class ChoicesInputSerializer(serializers.Serializer[Any]):
    choices = serializers.ListField(child=id_field(), allow_empty=True)
    teammates = serializers.ListField(child=id_field(), required=False, default=list)


class ChoiceOutputSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    offer_id = serializers.IntegerField()
    title = serializers.CharField(source="offer.title")
    host = serializers.CharField(source="offer.owner.name")


class ChoicesOutputSerializer(serializers.Serializer[Any]):
    round = serializers.IntegerField()
    choices = ChoiceOutputSerializer(many=True)
    teammates = serializers.ListField(child=serializers.DictField())
    updated_at = serializers.DateTimeField(allow_null=True)


class FitSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()


class OpenChallengeQuerySerializer(serializers.Serializer[Any]):
    """The query string of the open-challenges list: every value is checked, and a value that
    cannot be used is a 400 naming the parameter (never a 500, never silently the first page)."""

    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_NUMBER, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    location_kind = serializers.ChoiceField(choices=LocationKind.choices, required=False)
    company = id_field(required=False)
    fits = serializers.BooleanField(required=False, default=False)


class OpenChallengeOutputSerializer(serializers.Serializer[Any]):
    offer_id = serializers.IntegerField(source="offer.pk")
    title = serializers.CharField(source="offer.title")
    host = serializers.CharField(source="offer.owner.name")
    description = serializers.CharField(source="offer.description")
    niveau_min = serializers.IntegerField(source="offer.niveau_min")
    niveau_max = serializers.IntegerField(source="offer.niveau_max")
    location_kind = serializers.CharField(source="offer.location_kind")
    capacity = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True, help_text="Place in my choices, or null.")
    fits = serializers.SerializerMethodField()

    def get_fits(self, item: StudentChallenge) -> list[dict[str, str]]:
        return [{"code": goal.code, "title": goal.title} for goal in item.fits]


class OpenChallengePageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(
        help_text="How many challenges match; with count_exact false, more than this."
    )
    count_exact = serializers.BooleanField(
        help_text="False when the list is longer than it is counted: page on with `next`."
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OpenChallengeOutputSerializer(many=True)


class TeamMemberSerializer(serializers.Serializer[Any]):
    first_name = serializers.CharField()
    level = serializers.IntegerField()
    programme = serializers.CharField()


class StudentResultOutputSerializer(serializers.Serializer[Any]):
    offer_id = serializers.IntegerField(allow_null=True)
    offer = serializers.CharField(allow_null=True)
    host = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    team = TeamMemberSerializer(many=True)
    # Teams: the first names of the group members placed with the student, why the group could
    # not be together (or that a wish was not returned), the team rules that decided the place.
    together_with = serializers.ListField(child=serializers.CharField())
    together_note = serializers.CharField(allow_blank=True)
    rule_notes = serializers.ListField(child=serializers.CharField())
    objection = ObjectionOutputSerializer(allow_null=True)
    can_object = serializers.BooleanField()


class TeamOutputSerializer(serializers.Serializer[Any]):
    round_id = serializers.IntegerField()
    round = serializers.CharField()
    offer_id = serializers.IntegerField()
    offer = serializers.CharField()
    members = TeamMemberSerializer(many=True)


class LeftoverOutputSerializer(serializers.Serializer[Any]):
    student_id = serializers.IntegerField()
    name = serializers.CharField()
    class_code = serializers.CharField()
    options = serializers.SerializerMethodField()

    def get_options(self, item: Leftover) -> list[dict[str, Any]]:
        return [{"offer_id": o, "title": t, "places_left": n} for o, t, n in item.options]


class DifferenceSerializer(serializers.Serializer[Any]):
    student_id = serializers.IntegerField()
    name = serializers.CharField()
    a_offer = serializers.CharField(allow_null=True)
    a_rank = serializers.IntegerField(allow_null=True)
    b_offer = serializers.CharField(allow_null=True)
    b_rank = serializers.IntegerField(allow_null=True)


class CompareOutputSerializer(serializers.Serializer[Any]):
    a = serializers.DictField()
    b = serializers.DictField()
    differences = DifferenceSerializer(many=True)
