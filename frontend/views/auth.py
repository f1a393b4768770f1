"""Signing in and out, password reset, invitations and company sign-up.

Password reset, invitations and sign-up use the accounts services (the same as the API), so the
e-mailed links (`/wachtwoord/reset/<uidb64>/<token>/`, `/uitnodiging/<token>/`,
`/aanmelden/bevestigen/<uidb64>/<token>/`) open these pages. Signing in goes through the same
lockout as the API token endpoint (backend.security, via LoginForm)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.selectors import email_has_account
from backend.accounts.services.invitations import invitation_accept, invitation_for_token
from backend.accounts.services.passwords import password_reset_confirm, password_reset_request
from backend.accounts.services.signup import company_sign_up_confirm
from backend.core.errors import ApplicationError
from backend.organisations.services import company_sign_up, company_sign_up_check
from backend.security.addresses import client_address
from backend.security.services import api_tokens_revoke
from frontend.forms import apply_application_error
from frontend.forms.accounts import (
    CompanySignUpForm,
    InvitationAcceptForm,
    LoginForm,
    PasswordChooseForm,
    PasswordResetRequestForm,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # "Inloggen met je schoolaccount" (backend.sso) when the federation is connected.
        return {**super().get_context_data(**kwargs), "sso_enabled": settings.KOPPEL_SSO_ENABLED}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # A language chosen on this page wins; otherwise the person's own preference applies.
        preferred = form.get_user().preferred_language
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES and preferred:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                preferred,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="locked"):
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Signing out of the site also signs out every API client of the person.
        if request.user.is_authenticated:
            api_tokens_revoke(user=request.user)
        return super().post(request, *args, **kwargs)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has an account (no account enumeration).
        password_reset_request(email=form.cleaned_data["email"], address=client_address(request))
        return redirect("frontend:password-reset-done")
    return render(request, "frontend/accounts/password_reset_form.html", {"form": form})


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/accounts/password_reset_done.html")


@require_http_methods(["GET", "POST"])
def password_reset_choose(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    form = PasswordChooseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_confirm(
                uidb64=uidb64, token=token, new_password=form.cleaned_data["new_password"]
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return redirect("frontend:password-reset-complete")
    return render(request, "frontend/accounts/password_reset_confirm.html", {"form": form})


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/accounts/password_reset_complete.html")


@require_http_methods(["GET", "POST"])
def invitation_accept_page(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        invitation = invitation_for_token(token, now=now)
    except ApplicationError as error:
        return render(
            request,
            "frontend/accounts/invitation_invalid.html",
            {"message": error.message},
            status=404 if error.status_code == 404 else 410,
        )
    existing = email_has_account(invitation.email)
    form = InvitationAcceptForm(request.POST or None, existing_account=existing)
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitation_accept(
                token=token,
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data.get("first_name", ""),
                last_name=form.cleaned_data.get("last_name", ""),
                now=now,
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            auth_login(request, membership.user, backend=MODEL_BACKEND)
            messages.success(
                request,
                _("Welkom bij %(name)s! U bent nu %(role)s.")
                % {"name": invitation.organisation.name, "role": membership.get_role_display()},
            )
            return redirect("frontend:dashboard")
    return render(
        request,
        "frontend/accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "existing_account": existing},
    )


@require_http_methods(["GET", "POST"])
def company_signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("frontend:dashboard")
    form = CompanySignUpForm(request.POST or None)
    if request.method == "POST" and _company_signup_valid(form):
        data = form.cleaned_data
        try:
            company_sign_up(
                name=data["name"],
                kvk=data["kvk"],
                contact_email=data["contact_email"],
                contact_first_name=data["contact_first_name"],
                contact_last_name=data["contact_last_name"],
                password=data["password"],
                phone=data["phone"],
                website=data["website"],
                description=data["description"],
                employee_count=data["employee_count"],
                job_title=data["job_title"],
                preferred_language=request.LANGUAGE_CODE,
                address=client_address(request),
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            # The same page whether or not the address already had an account (no enumeration).
            return redirect("frontend:company-signup-done")
    return render(request, "frontend/accounts/company_signup.html", {"form": form})


def _company_signup_valid(form: CompanySignUpForm) -> bool:
    """The form's checks and the service's company checks (KvK already registered) together,
    so the person sees every problem at once instead of one per attempt."""
    valid = form.is_valid()
    kvk = form.cleaned_data.get("kvk")
    if kvk:
        try:
            company_sign_up_check(name=form.cleaned_data.get("name") or "-", kvk=kvk)
        except ApplicationError as error:
            apply_application_error(form, error)
            return False
    return valid


def company_signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/accounts/company_signup_done.html")


@require_http_methods(["GET", "POST"])
def company_signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The e-mailed link: GET shows a button, POST activates (mail scanners that follow links
    must not confirm for the person)."""
    if request.method != "POST":
        return render(request, "frontend/accounts/company_signup_confirm.html")
    try:
        membership = company_sign_up_confirm(uidb64=uidb64, token=token)
    except ApplicationError as error:
        return render(
            request,
            "frontend/accounts/company_signup_invalid.html",
            {"message": error.message},
            status=410,
        )
    auth_login(request, membership.user, backend=MODEL_BACKEND)
    messages.success(
        request,
        _("%(name)s is aangemeld. Plaats nu uw eerste uitdaging.")
        % {"name": membership.organisation.name},
    )
    return redirect("frontend:dashboard")
