"""The sign-in lock for Django's login forms (the web login and the admin login)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from backend.security.addresses import client_address
from backend.security.services import SigninLocked, signin_authenticate

if TYPE_CHECKING:
    # The mixin only ever sits in front of an AuthenticationForm.
    _Base = AuthenticationForm
else:
    _Base = object


class SigninLockoutFormMixin(_Base):
    """For AuthenticationForm subclasses: sign in through `signin_authenticate`, so a locked
    account or address is refused (error code "locked") before the password is checked, even
    when it is right, and every wrong password counts."""

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = signin_authenticate(
                    request=self.request,
                    email=email,
                    password=password,
                    address=client_address(self.request) if self.request else "",
                    now=timezone.now(),
                )
            except SigninLocked as locked:
                raise forms.ValidationError(locked.message, code="locked") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LockoutAdminAuthenticationForm(SigninLockoutFormMixin, AdminAuthenticationForm):
    pass
