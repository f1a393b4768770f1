from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from backend.core.admin import ReadOnlyAdminMixin
from backend.offers.models import Offer, OfferTransition, WerkprocesMapping
from backend.offers.services.coverage import coverage_sync_offer

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

    # The admin edits past the services: after every save or delete the offer's stored
    # coverage (services/coverage.py) is brought in line, in the same transaction.
    def save_related(
        self, request: HttpRequest, form: "ModelForm[Any]", formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        coverage_sync_offer(form.instance.pk)

    def delete_model(self, request: HttpRequest, obj: Offer) -> None:
        with transaction.atomic():
            pk = obj.pk
            super().delete_model(request, obj)
            coverage_sync_offer(pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Offer]) -> None:
        with transaction.atomic():
            pks = list(queryset.values_list("pk", flat=True))
            super().delete_queryset(request, queryset)
            for pk in pks:
                coverage_sync_offer(pk)


@admin.register(WerkprocesMapping)
class WerkprocesMappingAdmin(ModelAdmin):
    list_display = ["offer", "werkproces", "coverage", "mapped_by", "updated_at"]
    list_filter = ["coverage"]
    search_fields = ["offer__title", "werkproces__code", "werkproces__title", "note"]
    list_select_related = ["offer", "werkproces__kerntaak", "mapped_by"]
    raw_id_fields = ["offer", "werkproces", "mapped_by"]

    # Past the services, as OfferAdmin: the offers' stored coverage follows every change.
    def save_model(
        self, request: HttpRequest, obj: WerkprocesMapping, form: "ModelForm[Any]", change: bool
    ) -> None:
        with transaction.atomic():
            before = WerkprocesMapping.objects.filter(pk=obj.pk).values_list("offer_id", flat=True)
            offers = {*before, obj.offer_id} if obj.pk else {obj.offer_id}
            super().save_model(request, obj, form, change)
            for offer_id in sorted(offers):
                coverage_sync_offer(offer_id)

    def delete_model(self, request: HttpRequest, obj: WerkprocesMapping) -> None:
        with transaction.atomic():
            offer_id = obj.offer_id
            super().delete_model(request, obj)
            coverage_sync_offer(offer_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WerkprocesMapping]) -> None:
        with transaction.atomic():
            offer_ids = sorted(set(queryset.values_list("offer_id", flat=True)))
            super().delete_queryset(request, queryset)
            for offer_id in offer_ids:
                coverage_sync_offer(offer_id)
