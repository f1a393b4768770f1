"""The student's privacy page (`my-privacy`): what Koppel keeps about them and why, links to
their data, their consents (give / withdraw, with the exact wording) and their requests to the
school. `consent_change` gives or withdraws one consent (POST)."""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from backend.accounts.consent_wording import WORDINGS, language_of, wording_text
from backend.accounts.models import ConsentPurpose, Role
from backend.accounts.permissions import signed_in_user
from backend.accounts.selectors import consents_of
from backend.accounts.services.consent import give_consent, withdraw_consent
from backend.privacy.selectors.requests import requests_for_subject
from frontend.views.access import role_required

if TYPE_CHECKING:
    from backend.accounts.models import Consent, User


def _consent_rows(person: "User", history: "list[Consent]", language: str) -> list[dict[str, Any]]:
    """Per purpose: its label, the active consent (if any) and the wording to show: the stored
    wording of the active consent, else the current wording in the language of the page (which
    `give_consent` then stores, so what is stored is what was read)."""
    rows: list[dict[str, Any]] = []
    for purpose, label in ConsentPurpose.choices:
        active = next((c for c in history if c.purpose == purpose and c.withdrawn_at is None), None)
        rows.append(
            {
                "purpose": purpose,
                "label": label,
                "active": active,
                "wording": active.wording if active else wording_text(purpose, language),
                "without": WORDINGS[purpose].without,
            }
        )
    return rows


def _page_language(request: HttpRequest) -> str:
    """The language the student reads the page in (the language switcher), else their own."""
    return getattr(request, "LANGUAGE_CODE", "") or language_of(signed_in_user(request))


@role_required(Role.STUDENT, allow_staff=False)
def my_privacy(request: HttpRequest) -> HttpResponse:
    person = signed_in_user(request)
    history = list(consents_of(person))
    return render(
        request,
        "frontend/privacy/consent_my_privacy.html",
        {
            "consents": _consent_rows(person, history, _page_language(request)),
            "history": history,
            "requests": list(requests_for_subject(person)),
        },
    )


@role_required(Role.STUDENT, allow_staff=False)
def consent_change(request: HttpRequest, purpose: str) -> HttpResponse:
    if purpose not in WORDINGS:
        raise Http404
    if request.method != "POST":
        return redirect("frontend:my-privacy")
    person = signed_in_user(request)
    action = request.POST.get("action")
    if action == "give":
        give_consent(person=person, purpose=purpose, language=_page_language(request))
        messages.success(request, _("Je toestemming is vastgelegd."))
    elif action == "withdraw":
        withdraw_consent(person=person, purpose=purpose)
        messages.success(request, _("Je toestemming is ingetrokken."))
    else:
        messages.error(request, _("Kies of je toestemming geeft of intrekt."))
    return redirect("frontend:my-privacy")
