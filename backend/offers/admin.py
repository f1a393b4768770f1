from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.core.admin import ReadOnlyAdminMixin
from backend.offers.models import Offer, OfferTransition, WerkprocesMapping

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic over their models; Django's own classes are
    # not subscriptable at runtime, so the type parameters exist for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


TRANSITION_FIELDS = ("at", "from_status", "to_status", "actor", "note")


class OfferTransitionInline(ReadOnlyAdminMixin, TabularInline):
    """The history is append-only: shown, never edited."""

    model = OfferTransition
    extra = 0
    fields = TRANSITION_FIELDS
    readonly_fields = TRANSITION_FIELDS
    ordering = ["at", "pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfferTransition]:
        return super().get_queryset(request).select_related("actor")


class WerkprocesMappingInline(TabularInline):
    model = WerkprocesMapping
    extra = 0
    fields = ["werkproces", "coverage", "note", "mapped_by"]
    raw_id_fields = ["werkproces", "mapped_by"]


@admin.register(Offer)
class OfferAdmin(ModelAdmin):
    list_display = ["title", "kind", "status", "owner", "contact", "starts_on", "status_changed_at"]
    list_filter = ["status", "kind", "location_kind", "language", "niveau_min", "niveau_max"]
    search_fields = ["title", "description", "owner__name", "contact__email", "contact__last_name"]
    list_select_related = ["owner", "contact"]
    raw_id_fields = ["owner", "contact", "reviewer", "location", "consortium"]
    filter_horizontal = ["programmes", "schools"]
    # Status moves only through the lifecycle services, so it is never edited here.
    readonly_fields = ["status", "status_changed_at", "reviewer", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [WerkprocesMappingInline, OfferTransitionInline]


@admin.register(WerkprocesMapping)
class WerkprocesMappingAdmin(ModelAdmin):
    list_display = ["offer", "werkproces", "coverage", "mapped_by", "updated_at"]
    list_filter = ["coverage"]
    search_fields = ["offer__title", "werkproces__code", "werkproces__title", "note"]
    list_select_related = ["offer", "werkproces__kerntaak", "mapped_by"]
    raw_id_fields = ["offer", "werkproces", "mapped_by"]
