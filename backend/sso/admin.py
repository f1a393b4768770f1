from django.contrib import admin

from backend.core.admin import ModelAdmin, ReadOnlyAdminMixin
from backend.sso.models import IdentityLink, PendingEmployee, RegisteredDomain, SignInLogEntry


@admin.register(RegisteredDomain)
class RegisteredDomainAdmin(ModelAdmin):
    """Koppel staff can remove a domain a school registered by mistake (or for someone else)."""

    list_display = ["domain", "organisation", "student_matching", "created_at"]
    search_fields = ["domain", "organisation__name"]
    raw_id_fields = ["organisation", "created_by"]


@admin.register(IdentityLink)
class IdentityLinkAdmin(ModelAdmin):
    list_display = ["subject", "issuer", "user", "organisation", "created_at", "last_used_at"]
    search_fields = ["subject", "user__email"]
    raw_id_fields = ["user", "organisation"]


@admin.register(PendingEmployee)
class PendingEmployeeAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Decided by the school's institution admin on its own page, not here."""

    list_display = ["email", "organisation", "status", "role", "requested_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["email", "organisation__name"]


@admin.register(SignInLogEntry)
class SignInLogEntryAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Append-only: visible, never changed or deleted."""

    list_display = ["at", "outcome", "reason", "home_organisation", "email", "user_id"]
    list_filter = ["outcome", "reason"]
    search_fields = ["subject", "email", "home_organisation"]
