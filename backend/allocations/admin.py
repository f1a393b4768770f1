from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    ChoiceList,
    Objection,
    RoundChallenge,
    RoundEvent,
    RoundHost,
)
from backend.core.admin import ReadOnlyAdminMixin

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic over their models; Django's own classes are
    # not subscriptable at runtime, so the type parameters exist for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


class RoundChallengeInline(TabularInline):
    model = RoundChallenge
    raw_id_fields = ["offer"]
    # Kept by the services (services/counts.py), never typed in.
    readonly_fields = ["choice_count", "first_choice_count", "assigned_count"]
    extra = 0


class RoundHostInline(TabularInline):
    model = RoundHost
    raw_id_fields = ["organisation"]
    extra = 0


@admin.register(AllocationRound)
class AllocationRoundAdmin(ModelAdmin):
    list_display = [
        "name",
        "period",
        "school",
        "consortium",
        "phase",
        "choices_close_at",
        "objections_close_at",
    ]
    list_filter = ["phase", "school", "consortium"]
    search_fields = ["name", "period"]
    raw_id_fields = ["school", "consortium", "created_by", "published_by", "applied_run"]
    filter_horizontal = ["kwalificaties"]
    inlines = [RoundChallengeInline, RoundHostInline]
    # Phases move only through the services (who/when is recorded there).
    readonly_fields = ["phase", "phase_changed_at", "published_at", "published_by", "applied_run"]


@admin.register(AllocationRun)
class AllocationRunAdmin(ModelAdmin):
    list_display = [
        "pk",
        "round",
        "mode",
        "seed",
        "coverage_weight",
        "status",
        "stage",
        "percent",
        "created_at",
    ]
    list_filter = ["status", "mode"]
    search_fields = ["round__name", "problem_hash"]
    raw_id_fields = ["round", "started_by"]
    readonly_fields = ["problem", "problem_hash", "result", "metrics", "error"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AllocationRun]:
        # A run's documents are megabytes of compressed JSON: the list never shows them, and the
        # change page reads the one run's documents only when it renders them.
        return super().get_queryset(request).defer("problem", "result")


@admin.register(Assignment)
class AssignmentAdmin(ModelAdmin):
    list_display = ["round", "student", "offer", "rank", "source", "locked", "changed_at"]
    list_filter = ["source", "locked", "round"]
    search_fields = ["student__email", "student__first_name", "student__last_name", "offer__title"]
    raw_id_fields = ["round", "student", "offer", "run", "changed_by"]


@admin.register(ChoiceList)
class ChoiceListAdmin(ModelAdmin):
    list_display = ["round", "student", "submitted_at", "updated_at"]
    list_filter = ["round"]
    search_fields = ["student__email", "student__first_name", "student__last_name"]
    raw_id_fields = ["round", "student", "teammates"]


@admin.register(Objection)
class ObjectionAdmin(ModelAdmin):
    list_display = ["round", "student", "offer", "status", "created_at", "decided_at"]
    list_filter = ["status", "round"]
    search_fields = ["student__email", "student__first_name", "student__last_name", "reason"]
    raw_id_fields = ["round", "student", "offer", "new_offer", "decided_by"]


@admin.register(RoundEvent)
class RoundEventAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Append-only: visible, never changed."""

    list_display = ["at", "round", "kind", "actor"]
    list_filter = ["kind", "round"]
    search_fields = ["round__name", "kind"]
