from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.organisations.models import (
    CertificatePolicy,
    Consortium,
    ConsortiumMembership,
    Location,
    Organisation,
)

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic over their models; Django's own classes are
    # not subscriptable at runtime, so the type parameters exist for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


class LocationInline(TabularInline):
    model = Location
    extra = 0


class SucceededFilter(admin.SimpleListFilter):
    title = "overgenomen"
    parameter_name = "succeeded"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "overgenomen"), ("no", "actief")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> QuerySet[Organisation]:
        if self.value() == "yes":
            return queryset.filter(succeeded_by__isnull=False)
        if self.value() == "no":
            return queryset.filter(succeeded_by__isnull=True)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(ModelAdmin):
    list_display = ["name", "kind", "brin", "kvk", "employee_count", "succeeded_by", "succeeded_on"]
    list_filter = ["kind", SucceededFilter]
    search_fields = ["name", "kvk", "brin"]
    raw_id_fields = ["succeeded_by"]
    list_select_related = ["succeeded_by"]
    inlines = [LocationInline]


@admin.register(Location)
class LocationAdmin(ModelAdmin):
    list_display = ["name", "organisation", "postcode", "city"]
    list_filter = ["city"]
    search_fields = ["name", "postcode", "city", "organisation__name"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]


class ConsortiumMembershipInline(TabularInline):
    model = ConsortiumMembership
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Consortium)
class ConsortiumAdmin(ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    search_fields = ["name", "memberships__organisation__name"]
    inlines = [ConsortiumMembershipInline]


@admin.register(CertificatePolicy)
class CertificatePolicyAdmin(ModelAdmin):
    list_display = ["organisation", "certificate", "applies_to"]
    list_filter = ["certificate", "applies_to"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]
