from django.contrib import admin

from backend.organisations.models import (
    CertificatePolicy,
    Consortium,
    ConsortiumMembership,
    Location,
    Organisation,
)


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0


class SucceededFilter(admin.SimpleListFilter):
    title = "overgenomen"
    parameter_name = "succeeded"

    def lookups(self, request, model_admin):
        return [("yes", "overgenomen"), ("no", "actief")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(succeeded_by__isnull=False)
        if self.value() == "no":
            return queryset.filter(succeeded_by__isnull=True)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "brin", "kvk", "employee_count", "succeeded_by", "succeeded_on"]
    list_filter = ["kind", SucceededFilter]
    search_fields = ["name", "kvk", "brin"]
    raw_id_fields = ["succeeded_by"]
    list_select_related = ["succeeded_by"]
    inlines = [LocationInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "postcode", "city"]
    list_filter = ["city"]
    search_fields = ["name", "postcode", "city", "organisation__name"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]


class ConsortiumMembershipInline(admin.TabularInline):
    model = ConsortiumMembership
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    search_fields = ["name", "memberships__organisation__name"]
    inlines = [ConsortiumMembershipInline]


@admin.register(CertificatePolicy)
class CertificatePolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "certificate", "applies_to"]
    list_filter = ["certificate", "applies_to"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]
