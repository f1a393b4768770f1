"""Two factors: the security page, setting up the authenticator app, the second step after a
password login, recovery codes, and the school's overview for its institution admin.

The pages write through backend.two_factor.services and mark the session through
backend.core.second_factor; backend.two_factor.middleware keeps people who must use two factors
on these pages until they did. Recovery codes are shown once, in the answer to the POST that made
them (never kept in the session)."""

from base64 import b32encode
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts.models import Role
from backend.accounts.selectors import organisation_ids_for
from backend.core.errors import ApplicationError
from backend.core.second_factor import SESSION_KEY, mark_second_factor_done, second_factor_done
from backend.organisations.selectors import schools_by_ids
from backend.two_factor import services
from backend.two_factor.access import may_manage_school_two_factor, may_reset_second_factor
from backend.two_factor.policy import second_factor_required
from backend.two_factor.selectors import (
    confirmed_totp_device,
    has_second_factor,
    recovery_codes_left,
    school_second_factor_events,
    school_staff_member,
    school_staff_second_factors,
)
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.organisations.models import Organisation

T = "two_factor/"


class CodeForm(KoppelForm):
    code = forms.CharField(
        label=gettext_lazy("Code uit uw authenticator-app"),
        help_text=gettext_lazy("Zes cijfers; de app toont elke 30 seconden een nieuwe code."),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "size": 8,
            }
        ),
    )


class RecoveryCodeForm(KoppelForm):
    code = forms.CharField(
        label=gettext_lazy("Herstelcode"),
        help_text=gettext_lazy("Een van de codes die u bewaarde, bijvoorbeeld abcd-efgh."),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "recovery")
        super().__init__(*args, **kwargs)


class DisableForm(CodeForm):
    code = forms.CharField(
        label=gettext_lazy("Code uit uw app of een herstelcode"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "size": 10}),
    )


def _user(request: HttpRequest) -> "User":
    return request.user  # type: ignore[return-value]  # every page here is login_required


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next")
    url = reverse(name)
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        url += "?" + urlencode({"next": wanted}, safe="/")
    return url


def _passed(request: HttpRequest, method: str) -> None:
    # A new session key when the session gains rights (as after a password login).
    request.session.cycle_key()
    mark_second_factor_done(request, method=method)


def _locked_out(request: HttpRequest, error: services.SecondFactorLocked) -> HttpResponse:
    """Too many wrong codes: sign the person out, say how long to wait."""
    logout(request)
    messages.error(request, error.message)
    return redirect(settings.LOGIN_URL)


# --- the security page ----------------------------------------------------------------------


def _managed_schools(user: "User") -> list["Organisation"]:
    schools = schools_by_ids(organisation_ids_for(user, Role.INSTITUTION_ADMIN))
    return [school for school in schools if may_manage_school_two_factor(user, school)]


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Beveiliging: whether the account uses two factors, renewing recovery codes, switching off."""
    user = _user(request)
    return render(
        request,
        T + "security.html",
        {
            "required": second_factor_required(user),
            "device": confirmed_totp_device(user),
            "codes_left": recovery_codes_left(user),
            "session_method": request.session.get(SESSION_KEY, ""),
            "disable_form": DisableForm(),
            "schools": _managed_schools(user),
        },
    )


# --- setting up -----------------------------------------------------------------------------


def _qr_data_uri(uri: str) -> str:
    # A data: URI, which the Content-Security-Policy allows for images (img-src 'self' data:).
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _grouped_secret(bin_key: bytes) -> str:
    secret = b32encode(bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if has_second_factor(user):
        if not second_factor_done(request):
            return redirect(_with_next("frontend:two-factor-verify", request))
        messages.info(request, _("U heeft tweestapsverificatie al ingesteld."))
        return redirect("frontend:two-factor")
    if not second_factor_required(user):
        messages.info(request, _("Voor uw account is geen tweede stap nodig."))
        return redirect("frontend:two-factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_setup_confirm(
                user=user, code=form.cleaned_data["code"], now=timezone.now()
            )
        except services.SecondFactorLocked as error:
            return _locked_out(request, error)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            _passed(request, "totp")
            return _show_codes(request, codes, first_time=True, continue_url=_next_url(request))
    device = services.totp_setup_start(user=user)
    return render(
        request,
        T + "setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": _grouped_secret(device.bin_key),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


def _show_codes(
    request: HttpRequest, codes: list[str], *, first_time: bool, continue_url: str
) -> HttpResponse:
    response = render(
        request,
        T + "recovery_codes.html",
        {"codes": codes, "first_time": first_time, "continue_url": continue_url},
    )
    # Shown once: not from the browser's cache or history either.
    response["Cache-Control"] = "no-store"
    return response


# --- the second step ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if second_factor_done(request):
        return redirect(_next_url(request))
    if not has_second_factor(user):
        return redirect(_with_next("frontend:two-factor-setup", request))
    recovery = request.POST.get("action") == "recovery"
    form = CodeForm(request.POST if request.method == "POST" and not recovery else None)
    recovery_form = RecoveryCodeForm(request.POST if recovery else None)
    bound = recovery_form if recovery else form
    if request.method == "POST" and bound.is_valid():
        try:
            method = services.second_factor_verify(
                user=user, code=bound.cleaned_data["code"], now=timezone.now()
            )
        except services.SecondFactorLocked as error:
            return _locked_out(request, error)
        except ApplicationError as error:
            apply_application_error(bound, error)
        else:
            _passed(request, method)
            if method == "recovery":
                _recovery_used_message(request, user)
            return redirect(_next_url(request))
    return render(
        request,
        T + "verify.html",
        {
            "form": form,
            "recovery_form": recovery_form,
            "recovery_open": recovery,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


def _recovery_used_message(request: HttpRequest, user: "User") -> None:
    left = recovery_codes_left(user)
    messages.warning(
        request,
        _(
            "U heeft een herstelcode gebruikt; er zijn er nog %(left)d over. Maak nieuwe "
            "herstelcodes aan op de pagina Beveiliging."
        )
        % {"left": left},
    )


# --- recovery codes and switching off -------------------------------------------------------


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once. Only after the second step in
    this session."""
    user = _user(request)
    if not second_factor_done(request):
        security_page = reverse("frontend:two-factor")
        return redirect(
            reverse("frontend:two-factor-verify")
            + "?"
            + urlencode({"next": security_page}, safe="/")
        )
    try:
        codes = services.recovery_codes_renew(user=user, now=timezone.now())
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("frontend:two-factor")
    return _show_codes(
        request, codes, first_time=False, continue_url=reverse("frontend:two-factor")
    )


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DisableForm(request.POST)
    if form.is_valid():
        try:
            services.second_factor_disable(
                user=user, code=form.cleaned_data["code"], now=timezone.now()
            )
        except services.SecondFactorLocked as error:
            return _locked_out(request, error)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            # The code proved the person; the factor is gone, so this session no longer has one.
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Tweestapsverificatie is uitgeschakeld."))
            return redirect("frontend:two-factor")
    return render(
        request,
        T + "security.html",
        {
            "required": second_factor_required(user),
            "device": confirmed_totp_device(user),
            "codes_left": recovery_codes_left(user),
            "session_method": request.session.get(SESSION_KEY, ""),
            "disable_form": form,
            "schools": _managed_schools(user),
        },
        status=400,
    )


# --- the school's overview (institution admins) ---------------------------------------------


def _managed_school(request: HttpRequest, pk: int) -> "Organisation":
    """The school if the user manages it; a school that is not theirs and an unknown id answer
    the same (404)."""
    school = schools_by_ids([pk]).first()
    if school is None or not may_manage_school_two_factor(_user(request), school):
        raise Http404
    return school


class RequirementForm(KoppelForm):
    required = forms.BooleanField(
        label=gettext_lazy(
            "Tweestapsverificatie verplicht voor coördinatoren, programmaleiders en beheerders"
        ),
        required=False,
    )


@role_required(Role.INSTITUTION_ADMIN)
@require_http_methods(["GET", "POST"])
def school(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = _managed_school(request, pk)
    if request.method == "POST":
        _school_action(request, user, organisation)
        return redirect("frontend:two-factor-school", pk=organisation.pk)
    rows = school_staff_second_factors(organisation)
    return render(
        request,
        T + "school.html",
        {
            "school": organisation,
            "form": RequirementForm(initial={"required": organisation.require_two_factor}),
            "rows": [
                {
                    "row": row,
                    "may_reset": row.has_second_factor
                    and may_reset_second_factor(user, row.person, organisation),
                }
                for row in rows
            ],
            "events": school_second_factor_events(organisation),
        },
    )


def _school_action(request: HttpRequest, user: "User", organisation: "Organisation") -> None:
    now = timezone.now()
    try:
        if request.POST.get("action") == "reset":
            person = school_staff_member(organisation, _int(request.POST.get("person")))
            if person is None:
                raise Http404
            services.second_factor_reset(actor=user, person=person, school=organisation, now=now)
            messages.success(
                request,
                _(
                    "De tweestapsverificatie van %(name)s is hersteld. Bij de volgende keer "
                    "inloggen stelt %(name)s die opnieuw in."
                )
                % {"name": person.get_full_name() or person.email},
            )
            return
        form = RequirementForm(request.POST)
        form.is_valid()
        services.school_requirement_set(
            actor=user,
            school=organisation,
            required=bool(form.cleaned_data.get("required")),
            now=now,
        )
        messages.success(request, _("De instelling is opgeslagen."))
    except ApplicationError as error:
        messages.error(request, error.message)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None
