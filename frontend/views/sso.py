"""Signing in with the school account (OpenID Connect; docs/sso.md), and the institution admin's
pages for it: registered domains, employees waiting for approval, the sign-in log.

The flow: `sso-login` sends the browser to the provider (state, nonce and a PKCE challenge kept in
the session); the provider sends it back to `sso-callback`, which checks the state and lets
`backend.sso.backend.SchoolAccountBackend` verify the ID token and decide who the person is.
Whatever stops a sign-in ends on `sso-refused/<reason>` (or `sso-pending` for an employee waiting
for approval), a page that says what to do."""

from typing import Any
from urllib.parse import urlencode

import requests
from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from backend.accounts.access import invitable_roles
from backend.accounts.models import Role
from backend.core.errors import ApplicationError
from backend.core.second_factor import mark_second_factor_done
from backend.security.services import api_tokens_revoke
from backend.sso import selectors
from backend.sso.access import may_manage_sso
from backend.sso.backend import SignInStopped
from backend.sso.models import Outcome, Reason, StudentMatching
from backend.sso.services import (
    domain_register,
    domain_remove,
    pending_employee_approve,
    pending_employee_refuse,
    sso_refusal_record,
)
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required
from frontend.views.engagement.common import SignedInRequest

ID_TOKEN_KEY = "oidc_id_token"
# Claims whose name a refusal page may show ("missing-attribute"): nothing else is reflected.
SHOWN_CLAIMS = (
    "sub",
    "email",
    "schac_home_organization",
    "eduperson_affiliation",
    "schac_personal_unique_code",
)


def _not_enabled(request: HttpRequest) -> HttpResponse | None:
    """Where the flow's pages send people while no federation is connected: nowhere new."""
    if settings.KOPPEL_SSO_ENABLED:
        return None
    return redirect("frontend:dashboard" if request.user.is_authenticated else "frontend:login")


# --- the flow -----------------------------------------------------------------------------------


class SsoLoginView(OIDCAuthenticationRequestView):  # type: ignore[misc]  # untyped library
    def get(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = _not_enabled(request) or super().get(request)
        return response


def _refused(reason: str, *, detail: str = "") -> HttpResponseRedirect:
    url = reverse("frontend:sso-refused", kwargs={"reason": reason})
    if reason == Reason.MISSING_ATTRIBUTE and detail in SHOWN_CLAIMS:
        url += "?" + urlencode({"claim": detail})
    return HttpResponseRedirect(url)


def _record(reason: Reason, detail: str = "") -> HttpResponseRedirect:
    sso_refusal_record(
        reason=reason, detail=detail, issuer=settings.OIDC_OP_ISSUER, now=timezone.now()
    )
    return _refused(reason)


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The redirect URI. The state must name a sign-in this browser started; it is used once."""
    if stop := _not_enabled(request):
        return stop
    states: dict[str, Any] = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    attempt = states.pop(state, None) if state else None
    if attempt is not None:
        request.session["oidc_states"] = states  # used once, also when what follows fails
    if request.GET.get("error"):
        if attempt is None:
            return _record(Reason.STATE_MISMATCH, "error without a known state")
        return _record(Reason.PROVIDER_ERROR, request.GET.get("error", "")[:100])
    if attempt is None or not request.GET.get("code"):
        return _record(Reason.STATE_MISMATCH)
    request.session.save()
    try:
        user = auth.authenticate(
            request, nonce=attempt.get("nonce"), code_verifier=attempt.get("code_verifier")
        )
    except SignInStopped as stopped:
        if stopped.result.outcome == Outcome.HELD:
            return redirect("frontend:sso-pending")
        return _refused(stopped.result.reason, detail=stopped.result.detail)
    except requests.RequestException as error:
        return _record(Reason.PROVIDER_ERROR, type(error).__name__)
    if user is None:
        return _record(Reason.PROVIDER_ERROR, "no user")
    id_token = getattr(request, "sso_id_token", "")
    next_url = request.session.get("oidc_login_next")
    auth.login(request, user, backend="backend.sso.backend.SchoolAccountBackend")
    request.session[ID_TOKEN_KEY] = id_token
    mark_second_factor_done(request, method="sso")
    return HttpResponseRedirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))


REFUSAL_REASONS = frozenset(Reason.values)


@require_GET
def sso_refused(request: HttpRequest, reason: str) -> HttpResponse:
    if reason not in REFUSAL_REASONS:
        raise Http404
    claim = request.GET.get("claim", "")
    return render(
        request,
        "sso/refused.html",
        {"reason": reason, "claim": claim if claim in SHOWN_CLAIMS else ""},
    )


@require_GET
def sso_pending(request: HttpRequest) -> HttpResponse:
    return render(request, "sso/pending.html")


@require_POST
def sso_logout(request: HttpRequest) -> HttpResponse:
    """Ends the Koppel session; then, when the provider has an end_session endpoint, signs out
    there too (with the ID token as hint) and comes back to the login page."""
    id_token = request.session.get(ID_TOKEN_KEY, "")
    if request.user.is_authenticated:
        api_tokens_revoke(user=request.user)
    auth.logout(request)
    login_url = reverse("frontend:login")
    end_session = settings.OIDC_OP_LOGOUT_ENDPOINT
    if not (end_session and id_token):
        return HttpResponseRedirect(login_url)
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(login_url),
        }
    )
    separator = "&" if "?" in end_session else "?"
    return HttpResponseRedirect(f"{end_session}{separator}{query}")


# --- the institution admin's pages ----------------------------------------------------------


class DomainForm(KoppelForm):
    domain = forms.CharField(
        label=gettext_lazy("Domein"),
        max_length=190,
        help_text=gettext_lazy(
            "De thuisorganisatie die uw identiteitsprovider meestuurt (schac_home_organization), "
            "bijvoorbeeld vista.nl."
        ),
    )
    student_matching = forms.ChoiceField(
        label=gettext_lazy("Studenten herkennen aan"),
        choices=StudentMatching.choices,
        initial=StudentMatching.STUDENT_NUMBER,
    )


def _managed_school(request: SignedInRequest, pk: int) -> Any:
    school = selectors.school_get(pk)
    if school is None or not may_manage_sso(request.user, school):
        raise Http404
    return school


@role_required(Role.INSTITUTION_ADMIN)
@require_GET
def sso_admin_page(request: SignedInRequest) -> HttpResponse:
    """Where the menu points: the admin's school, or a choice when they manage several."""
    schools = list(selectors.sso_schools_of(request.user))
    if len(schools) == 1:
        return redirect("frontend:sso-school", pk=schools[0].pk)
    return render(request, "sso/admin_schools.html", {"schools": schools})


@role_required(Role.INSTITUTION_ADMIN)
def sso_school_page(request: SignedInRequest, pk: int) -> HttpResponse:
    school = _managed_school(request, pk)
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain_register(
                school=school,
                domain=form.cleaned_data["domain"],
                student_matching=form.cleaned_data["student_matching"],
                actor=request.user,
                now=timezone.now(),
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _("Het domein is geregistreerd."))
            return redirect("frontend:sso-school", pk=school.pk)
    role_choices = [
        (role.value, role.label) for role in Role if role in invitable_roles(request.user, school)
    ]
    context = {
        "school": school,
        "domains": list(selectors.domains_of(school)),
        "pending": list(selectors.pending_employees_of(school)),
        "role_choices": role_choices,
        "form": form,
        "sso_enabled": settings.KOPPEL_SSO_ENABLED,
        "redirect_uri": request.build_absolute_uri(reverse("frontend:sso-callback")),
    }
    return render(request, "sso/admin_school.html", context)


@role_required(Role.INSTITUTION_ADMIN)
@require_POST
def sso_domain_remove_page(request: SignedInRequest, pk: int) -> HttpResponse:
    domain = selectors.registered_domain_get(pk)
    if domain is None or not may_manage_sso(request.user, domain.organisation):
        raise Http404
    domain_remove(domain=domain, actor=request.user)
    messages.success(request, _("Het domein %(domain)s is verwijderd.") % {"domain": domain.domain})
    return redirect("frontend:sso-school", pk=domain.organisation_id)


@role_required(Role.INSTITUTION_ADMIN)
@require_POST
def sso_pending_decide_page(request: SignedInRequest, pk: int) -> HttpResponse:
    pending = selectors.pending_employee_get(pk)
    if pending is None or not may_manage_sso(request.user, pending.organisation):
        raise Http404
    actor, now = request.user, timezone.now()
    try:
        if request.POST.get("decision") == "approve":
            pending_employee_approve(
                pending=pending,
                role=request.POST.get("role", ""),
                actor=actor,
                now=now,
            )
            messages.success(request, _("%(name)s is goedgekeurd.") % {"name": pending.full_name})
        elif request.POST.get("decision") == "refuse":
            pending_employee_refuse(pending=pending, actor=actor, now=now)
            messages.success(request, _("%(name)s is afgewezen.") % {"name": pending.full_name})
        else:
            messages.error(request, _("Kies goedkeuren of afwijzen."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("frontend:sso-school", pk=pending.organisation_id)


@role_required(Role.INSTITUTION_ADMIN)
@require_GET
def sso_log_page(request: SignedInRequest, pk: int) -> HttpResponse:
    school = _managed_school(request, pk)
    rows = selectors.sign_in_log_of(school)
    return render(
        request,
        "sso/admin_log.html",
        {"school": school, "rows": rows, "limit": selectors.LOG_PAGE_SIZE},
    )
