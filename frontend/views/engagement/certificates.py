"""Experts' certificates: a company registers its experts' VOG (or BHV, VCA) so the schools can
check it; a school's coordinators see which ones still wait for their check and record it."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import CertificateKind
from backend.core.errors import ApplicationError
from backend.engagement.selectors.access import may_keep_expert_profiles
from backend.engagement.selectors.expert_certificates import (
    expert_certificates,
    expert_certificates_to_verify,
    expert_school_ids,
    may_verify_expert_certificates,
)
from backend.engagement.selectors.experts import experts_managed_by, guest_teacher_requirements
from backend.engagement.services import expert_certificate_register
from backend.organisations.services import certificate_verify
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.engagement.common import SignedInRequest, T, require

if TYPE_CHECKING:
    from backend.engagement.models import ExpertProfile


class CertificateForm(KoppelForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Certificaat"), choices=CertificateKind.choices, initial="VOG"
    )
    issued_on = forms.DateField(
        label=gettext_lazy("Datum van afgifte"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Zoals op het document staat."),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Geldig tot en met"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "Een VOG heeft geen einddatum; scholen accepteren er een van hoogstens drie jaar "
            "oud. Vul dan de datum van afgifte plus drie jaar in, of eerder."
        ),
    )


def _managed_expert(request: SignedInRequest, pk: int) -> "ExpertProfile":
    require(may_keep_expert_profiles(request.user))
    return get_object_or_404(experts_managed_by(request.user), pk=pk)


@login_required
def expert_certificates_page(request: SignedInRequest, pk: int) -> HttpResponse:
    """A company contact registers a certificate for one of the company's experts."""
    expert = _managed_expert(request, pk)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert_certificate_register(
                actor=request.user, expert=expert, now=timezone.now(), **form.cleaned_data
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "De %(kind)s van %(name)s is geregistreerd. De school controleert het "
                    "originele document; daarna telt hij mee."
                )
                % {"kind": form.cleaned_data["kind"], "name": expert.user.get_full_name()},
            )
            return redirect("frontend:engagement-expert-certificates", pk=expert.pk)
    context = {
        "expert": expert,
        "certificates": expert_certificates(expert),
        "requirements": guest_teacher_requirements(school_ids=expert_school_ids(expert)),
        "form": form,
        "today": timezone.localdate(),
    }
    return render(request, T + "expert_certificates.html", context)


@login_required
def certificates_to_verify_page(request: SignedInRequest) -> HttpResponse:
    """A school's coordinators: experts' certificates that wait for a check of the original."""
    require(may_verify_expert_certificates(request.user))
    certificates = list(expert_certificates_to_verify(request.user)[:200])
    return render(
        request,
        T + "certificates_to_verify.html",
        {"certificates": certificates, "today": timezone.localdate()},
    )


@login_required
def certificate_verify_page(request: SignedInRequest, pk: int) -> HttpResponse:
    # Who may check comes first (403), then the method (405): a refused GET tells nothing.
    require(may_verify_expert_certificates(request.user))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    certificate = expert_certificates_to_verify(request.user).filter(pk=pk).first()
    if certificate is None:
        raise Http404
    try:
        certificate_verify(certificate=certificate, actor=request.user, now=timezone.now())
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("De %(kind)s van %(name)s is gecontroleerd.")
            % {"kind": certificate.kind, "name": certificate.holder.get_full_name()},
        )
    return redirect("frontend:engagement-certificates-to-verify")
