"""Declarations of backend.allocations: a student's choices, objections and placements."""

from django.utils.translation import gettext_lazy as _

from backend.privacy.models import RetentionRule as R
from backend.privacy.register.base import (
    WHO_DID_IT,
    Category,
    Erasure,
    ModelDeclaration,
    field,
    not_personal_model,
)

C = Category
CHOOSE = _("studenten eerlijk indelen bij opdrachten naar hun voorkeur")
PLACE = _("de indeling van de student bij een opdracht vastleggen en uitleggen")
OBJECT = _("een bezwaar tegen de indeling behandelen")
CHOICE_READERS = ("student", "coach", "school_coordinators")
PLACEMENT_READERS = ("student", "school_staff", "teammates", "company_first_name_only")

DECLARATIONS = (
    ModelDeclaration(
        label="allocations.AllocationRound",
        subjects=("created_by", "published_by"),
        personal=(
            field("created_by", C.CHOICES, WHO_DID_IT, ("school_coordinators",)),
            field("published_by", C.CHOICES, WHO_DID_IT, ("school_coordinators",)),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "name",
            "period",
            "school",
            "consortium",
            "cohorts",
            "min_choices",
            "max_choices",
            "choices_open_at",
            "choices_close_at",
            "objections_close_at",
            "phase",
            "phase_changed_at",
            "applied_run",
            "published_at",
        ),
        erasure=Erasure.PSEUDONYMISE,
    ),
    not_personal_model(
        "allocations.RoundChallenge",
        "id",
        "round",
        "offer",
        "capacity",
        "choice_count",
        "first_choice_count",
        "assigned_count",
    ),
    not_personal_model("allocations.RoundHost", "id", "round", "organisation", "capacity"),
    # A round's team settings (issue 16): the coordinator's rules, nobody's data.
    not_personal_model(
        "allocations.RoundTeamSettings",
        "id",
        "round",
        "together",
        "together_weight",
        "rotation",
        "rotation_weight",
        "time_limit",
        "max_per_class",
        "max_per_class_hard",
        "max_per_class_weight",
        "min_level",
        "min_level_count",
        "min_level_hard",
        "min_level_weight",
        "mixed_schools",
        "mixed_schools_hard",
        "mixed_schools_weight",
    ),
    ModelDeclaration(
        label="allocations.ChoiceList",
        subjects=("student",),
        personal=tuple(
            field(name, C.CHOICES, CHOOSE, CHOICE_READERS, R.CHOICES)
            for name in ("student", "submitted_at", "updated_at")
        ),
        not_personal=("id", "round"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="allocations.Choice",
        subjects=("choice_list__student",),
        personal=tuple(
            field(name, C.CHOICES, CHOOSE, CHOICE_READERS, R.CHOICES)
            for name in ("choice_list", "offer", "position")
        ),
        not_personal=("id",),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="allocations.AllocationRun",
        subjects=("placements__student_id", "started_by"),
        personal=(
            field(
                "problem",
                C.CHOICES,
                _("de indeling kunnen herhalen en controleren (studenten alleen als nummer)"),
                ("school_coordinators",),
                R.CHOICES,
            ),
            field(
                "result",
                C.PLACEMENTS,
                _("de indeling kunnen herhalen en controleren (studenten alleen als nummer)"),
                ("school_coordinators",),
                R.CHOICES,
            ),
            field("started_by", C.CHOICES, WHO_DID_IT, ("school_coordinators",), R.CHOICES),
        ),
        not_personal=(
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
            "teams",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
        ),
        erasure=Erasure.KEEP,
        keep_reason=_(
            "De invoer en uitkomst van een indelingsrun noemen studenten alleen bij nummer; ze "
            "blijven tot de bewaartermijn van de ronde verstrijkt, zodat de indeling "
            "controleerbaar blijft."
        ),
        # Every student of the round is in these documents; the student's own part is exported
        # from RunPlacement.
        exported=False,
    ),
    ModelDeclaration(
        label="allocations.RunPlacement",
        subjects=("student_id",),
        # Retention empties the explanation and reason; the rest goes with the account.
        personal=(
            *(
                field(
                    name, C.PLACEMENTS, PLACE, ("student", "school_coordinators"), R.STUDENT_ACCOUNT
                )
                for name in ("student_id", "offer_id", "rank", "locked")
            ),
            *(
                field(name, C.PLACEMENTS, PLACE, ("student", "school_coordinators"), R.CHOICES)
                for name in ("reason", "explanation")
            ),
        ),
        not_personal=("id", "run"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="allocations.Assignment",
        subjects=("student",),
        personal=(
            *(
                field(name, C.PLACEMENTS, PLACE, PLACEMENT_READERS, R.STUDENT_ACCOUNT)
                for name in ("student", "offer", "rank", "source", "locked")
            ),
            field(
                "changed_by", C.PLACEMENTS, WHO_DID_IT, ("school_coordinators",), R.STUDENT_ACCOUNT
            ),
        ),
        not_personal=("id", "round", "run", "changed_at"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="allocations.Objection",
        subjects=("student",),
        personal=(
            *(
                field(name, C.CHOICES, OBJECT, CHOICE_READERS, R.STUDENT_ACCOUNT)
                for name in ("student", "offer", "new_offer", "created_at")
            ),
            # Retention empties the free text a year after the round.
            *(
                field(name, C.CHOICES, OBJECT, CHOICE_READERS, R.CHOICES)
                for name in ("reason", "answer")
            ),
            field("decided_by", C.CHOICES, WHO_DID_IT, CHOICE_READERS, R.STUDENT_ACCOUNT),
        ),
        not_personal=("id", "round", "status", "decided_at"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="allocations.RoundEvent",
        subjects=("actor",),
        personal=(field("actor", C.CHOICES, WHO_DID_IT, ("school_coordinators",), R.CHOICES),),
        not_personal=("id", "round", "at", "kind", "data"),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("data",),
    ),
)
