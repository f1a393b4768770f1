from typing import TYPE_CHECKING, Any

from django.contrib import admin

from backend.core.admin import ReadOnlyAdminMixin
from backend.notifications.models import Notification, NotificationPreference

if TYPE_CHECKING:
    # django-stubs makes ModelAdmin generic over its model; Django's own class is not
    # subscriptable at runtime, so the type parameter exists for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Read-only: notifications are a record of what was sent."""

    list_display = ["title", "recipient", "category", "created_at", "read_at", "emailed_at"]
    list_filter = ["category", ("read_at", admin.EmptyFieldListFilter), "wants_email"]
    search_fields = ["title", "body", "recipient__email", "recipient__last_name", "dedupe_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ModelAdmin):
    list_display = ["user", "category", "in_app", "email"]
    list_filter = ["category", "in_app", "email"]
    search_fields = ["user__email", "user__last_name", "category"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
