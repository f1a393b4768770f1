"""Admin building blocks shared by the apps."""


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
