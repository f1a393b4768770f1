"""Admin building blocks shared by the apps, and the admin of the outbox."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from backend.core.models import OutboxMessage, OutgoingMail

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic over their models; Django's own classes are
    # not subscriptable at runtime, so the type parameters exist for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


class ReadOnlyAdminMixin:
    """For records that only services write (logs, sent notifications, append-only events).

    The admin may show them but never add, change or delete one, so the history stays what the
    services recorded. Mix in before `admin.ModelAdmin` or an inline.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """What is pending, failed and why (`manage.py outbox_dispatch --requeue-failed`)."""

    list_display = ["pk", "task", "status", "attempts", "created_at", "dispatched_at"]
    list_filter = ["status", "task"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["pk", "to", "subject", "created_at", "sent_at"]
    exclude = ["body"]  # may hold a one-time link until sent
