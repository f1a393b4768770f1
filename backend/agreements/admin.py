from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from backend.agreements.models import (
    Acceptance,
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementTemplate,
    AgreementVersion,
    Clause,
    CollectiveMember,
    Commitment,
    CommitmentUpdate,
    Pledge,
    Realisation,
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


@admin.register(Clause)
class ClauseAdmin(ModelAdmin):
    list_display = ["key", "category", "order", "title_nl"]
    list_filter = ["category"]
    search_fields = ["key", "title_nl", "title_en", "text_nl", "text_en"]


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(ModelAdmin):
    list_display = ["title_nl", "kind", "version", "effective_on"]
    list_filter = ["kind"]
    filter_horizontal = ["clauses"]


class ReadOnlyInline(ReadOnlyAdminMixin, TabularInline):
    extra = 0


class PartyInline(ReadOnlyInline):
    model = AgreementParty
    fields = ["organisation", "role", "contact", "previous_organisation", "needs_reconfirmation"]


class VersionInline(ReadOnlyInline):
    model = AgreementVersion
    fields = ["number", "content_hash", "created_by", "created_at"]
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(ModelAdmin):
    """Agreements change through the services (they log); the admin is for looking things up."""

    list_display = ["title", "kind", "status", "starts_on", "ends_on", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "parties__organisation__name"]
    inlines = [PartyInline, VersionInline]
    readonly_fields = [f.name for f in Agreement._meta.fields] + ["participants"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ModelAdmin):
    """An accepted version is never edited: change and delete are refused for it."""

    list_display = ["agreement", "number", "content_hash", "created_at"]
    search_fields = ["agreement__title", "content_hash"]
    readonly_fields = [
        "agreement",
        "number",
        "content_hash",
        "created_by",
        "created_at",
        "terms",
        "clauses",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_accepted():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AppendOnlyAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Acceptances and log entries are evidence: once written they are only read."""


@admin.register(Acceptance)
class AcceptanceAdmin(AppendOnlyAdmin):
    list_display = ["version", "organisation", "person", "role", "accepted_at", "ip_address"]
    search_fields = ["person__email", "organisation__name", "version__agreement__title"]
    list_filter = ["role"]


@admin.register(AgreementEvent)
class AgreementEventAdmin(AppendOnlyAdmin):
    list_display = ["agreement", "sequence", "kind", "actor", "at", "hash"]
    list_filter = ["kind"]
    search_fields = ["agreement__title", "hash"]


@admin.register(CommitmentUpdate)
class CommitmentUpdateAdmin(AppendOnlyAdmin):
    list_display = ["commitment", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]


@admin.register(Commitment)
class CommitmentAdmin(ModelAdmin):
    list_display = ["title", "owner", "organisation", "due_on", "status", "agreement"]
    list_filter = ["status"]
    search_fields = ["title", "owner__email", "agreement__title"]
    readonly_fields = [f.name for f in Commitment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CollectiveMember)
class CollectiveMemberAdmin(ModelAdmin):
    list_display = ["company", "collective", "joined_on", "left_on"]
    search_fields = ["company__name", "collective__name"]


class RealisationInline(TabularInline):
    model = Realisation
    extra = 0


@admin.register(Pledge)
class PledgeAdmin(ModelAdmin):
    list_display = [
        "partner",
        "consortium",
        "funder",
        "kind",
        "amount",
        "hours",
        "period_start",
        "period_end",
    ]
    list_filter = ["kind", "consortium", "funder"]
    search_fields = ["partner__name", "consortium__name"]
    inlines = [RealisationInline]
