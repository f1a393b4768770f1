"""Admin building blocks shared by the apps, and the admin of the outbox."""

from django.contrib import admin

from backend.core.models import OutboxMessage, OutgoingMail


class ReadOnlyAdminMixin:
    """For records that only services write (logs, sent notifications, append-only events).

    The admin may show them but never add, change or delete one, so the history stays what the
    services recorded. Mix in before `admin.ModelAdmin` or an inline.
    """

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What is pending, failed and why (`manage.py outbox_dispatch --requeue-failed`)."""

    list_display = ["pk", "task", "status", "attempts", "created_at", "dispatched_at"]
    list_filter = ["status", "task"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "to", "subject", "created_at", "sent_at"]
    exclude = ["body"]  # may hold a one-time link until sent
