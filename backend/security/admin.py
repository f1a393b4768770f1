from typing import TYPE_CHECKING, Any

from django.contrib import admin

from backend.security.forms import LockoutAdminAuthenticationForm
from backend.security.models import AccountLock, MailRequest, SigninFailure

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic over their models; Django's own classes are
    # not subscriptable at runtime, so the type parameters exist for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin

# The admin login is a door to the most powerful accounts: the same lock as every other login.
admin.site.login_form = LockoutAdminAuthenticationForm


@admin.register(AccountLock)
class AccountLockAdmin(ModelAdmin):
    """Staff can lift a lock early by deleting it."""

    list_display = ["email", "locked_until", "strikes"]
    search_fields = ["email"]


@admin.register(SigninFailure)
class SigninFailureAdmin(ModelAdmin):
    list_display = ["email", "address", "created_at"]
    search_fields = ["email", "address"]


@admin.register(MailRequest)
class MailRequestAdmin(ModelAdmin):
    list_display = ["kind", "email", "address", "allowed", "created_at", "handled_at"]
    list_filter = ["kind", "allowed"]
    search_fields = ["email", "address"]
