from django.contrib import admin

from backend.security.forms import LockoutAdminAuthenticationForm
from backend.security.models import AccountLock, MailRequest, SigninFailure

# The admin login is a door to the most powerful accounts: the same lock as every other login.
admin.site.login_form = LockoutAdminAuthenticationForm


@admin.register(AccountLock)
class AccountLockAdmin(admin.ModelAdmin):
    """Staff can lift a lock early by deleting it."""

    list_display = ["email", "locked_until", "strikes"]
    search_fields = ["email"]


@admin.register(SigninFailure)
class SigninFailureAdmin(admin.ModelAdmin):
    list_display = ["email", "address", "created_at"]
    search_fields = ["email", "address"]


@admin.register(MailRequest)
class MailRequestAdmin(admin.ModelAdmin):
    list_display = ["kind", "email", "address", "allowed", "created_at", "handled_at"]
    list_filter = ["kind", "allowed"]
    search_fields = ["email", "address"]
