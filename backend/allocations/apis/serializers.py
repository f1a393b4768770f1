"""Output and input shapes of the allocations API."""

from rest_framework import serializers

from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    Objection,
    RoundEvent,
    RunMode,
)


class RoundOutputSerializer(serializers.ModelSerializer):
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


class RoundInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    period = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    school = serializers.IntegerField(required=False, allow_null=True, default=None)
    consortium = serializers.IntegerField(required=False, allow_null=True, default=None)
    kwalificaties = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    cohorts = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    challenges = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    capacities = serializers.DictField(
        child=serializers.IntegerField(min_value=0), required=False, default=dict
    )
    host_capacities = serializers.DictField(
        child=serializers.IntegerField(min_value=0), required=False, default=dict
    )
    min_choices = serializers.IntegerField(default=3)
    max_choices = serializers.IntegerField(default=5)
    choices_open_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    choices_close_at = serializers.DateTimeField()
    objections_close_at = serializers.DateTimeField()


class ChallengesInputSerializer(serializers.Serializer):
    challenges = serializers.ListField(child=serializers.IntegerField())
    capacities = serializers.DictField(
        child=serializers.IntegerField(min_value=0), required=False, default=dict
    )


class RunOutputSerializer(serializers.ModelSerializer):
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


class RunStartInputSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=RunMode.choices, default=RunMode.OPTIMAL)
    seed = serializers.IntegerField(min_value=0, default=0)
    coverage_weight = serializers.FloatField(min_value=0, default=0.0)


class AssignmentOutputSerializer(serializers.ModelSerializer):
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


class OverrideInputSerializer(serializers.Serializer):
    offer = serializers.IntegerField()


class ObjectionOutputSerializer(serializers.ModelSerializer):
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


class ObjectionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class AcceptInputSerializer(serializers.Serializer):
    offer = serializers.IntegerField()
    answer = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineInputSerializer(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True)


class EventOutputSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_full_name", default=None)

    class Meta:
        model = RoundEvent
        fields = ["id", "at", "kind", "actor", "data"]


class ChoicesInputSerializer(serializers.Serializer):
    choices = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    teammates = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class ChoiceOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    offer_id = serializers.IntegerField()
    title = serializers.CharField(source="offer.title")
    host = serializers.CharField(source="offer.owner.name")


class ChoicesOutputSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    choices = ChoiceOutputSerializer(many=True)
    teammates = serializers.ListField(child=serializers.DictField())
    updated_at = serializers.DateTimeField(allow_null=True)


class FitSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class OpenChallengeOutputSerializer(serializers.Serializer):
    offer_id = serializers.IntegerField(source="offer.pk")
    title = serializers.CharField(source="offer.title")
    host = serializers.CharField(source="offer.owner.name")
    description = serializers.CharField(source="offer.description")
    niveau_min = serializers.IntegerField(source="offer.niveau_min")
    niveau_max = serializers.IntegerField(source="offer.niveau_max")
    capacity = serializers.IntegerField()
    fits = serializers.SerializerMethodField()

    def get_fits(self, item) -> list[dict]:
        return [{"code": code, "title": title} for code, title in item.fits]


class TeamMemberSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    level = serializers.IntegerField()
    programme = serializers.CharField()


class StudentResultOutputSerializer(serializers.Serializer):
    offer_id = serializers.IntegerField(allow_null=True)
    offer = serializers.CharField(allow_null=True)
    host = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    team = TeamMemberSerializer(many=True)
    objection = ObjectionOutputSerializer(allow_null=True)
    can_object = serializers.BooleanField()


class TeamOutputSerializer(serializers.Serializer):
    round_id = serializers.IntegerField()
    round = serializers.CharField()
    offer_id = serializers.IntegerField()
    offer = serializers.CharField()
    members = TeamMemberSerializer(many=True)


class LeftoverOutputSerializer(serializers.Serializer):
    student_id = serializers.IntegerField()
    name = serializers.CharField()
    class_code = serializers.CharField()
    options = serializers.SerializerMethodField()

    def get_options(self, item) -> list[dict]:
        return [{"offer_id": o, "title": t, "places_left": n} for o, t, n in item.options]


class DifferenceSerializer(serializers.Serializer):
    student_id = serializers.IntegerField()
    name = serializers.CharField()
    a_offer = serializers.CharField(allow_null=True)
    a_rank = serializers.IntegerField(allow_null=True)
    b_offer = serializers.CharField(allow_null=True)
    b_rank = serializers.IntegerField(allow_null=True)


class CompareOutputSerializer(serializers.Serializer):
    a = serializers.DictField()
    b = serializers.DictField()
    differences = DifferenceSerializer(many=True)
