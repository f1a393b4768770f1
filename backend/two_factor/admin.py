from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from backend.two_factor.models import SecondFactorEvent, SecondFactorLock

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin

# The devices themselves are django-otp's own admin pages (TOTP devices, static devices): a
# superuser removes a Koppel staff member's lost device there.


@admin.register(SecondFactorLock)
class SecondFactorLockAdmin(ModelAdmin):
    """Staff can lift a lock early by deleting it."""

    list_display = ["user", "failures", "strikes", "locked_until"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(SecondFactorEvent)
class SecondFactorEventAdmin(ModelAdmin):
    """The log: read only."""

    list_display = ["created_at", "kind", "user", "actor", "organisation", "detail"]
    list_filter = ["kind"]
    search_fields = ["user__email", "actor__email", "organisation__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
