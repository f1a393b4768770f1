"""Validation by the coach or teacher (issue 15): the queue of submitted self-assessments of the
school's students (oldest first, optionally only the students one coaches) and one assessment to
decide on: validate at a level with a note, or ask for more evidence with a reason. The page shows
the STARR reflection, the attachments, every earlier step and the company's ratings."""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.curriculum.models import ProgressLevel
from backend.learning.selectors.validation import self_assessment_for_review, validation_queue_for
from backend.learning.services.validation import (
    MAX_NOTE_CHARS,
    evidence_request_more,
    evidence_validate,
)
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors

if TYPE_CHECKING:
    from backend.learning.selectors.validation import Review

T = "frontend/learning/"
PAGE_SIZE = 25


class ValidateForm(KoppelForm):
    level = forms.ChoiceField(
        label=gettext_lazy("Niveau dat de student heeft laten zien"),
        choices=ProgressLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Kies het niveau dat u valideert.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Toelichting voor de student"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoreEvidenceForm(KoppelForm):
    reason = forms.CharField(
        label=gettext_lazy("Welk bewijs ontbreekt nog?"),
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Schrijf op welk bewijs nog ontbreekt; de student leest dit.")
        },
        help_text=gettext_lazy("De student leest dit en kan de zelfbeoordeling daarna aanvullen."),
    )


@role_required(*SCHOOL_STAFF_ROLES, allow_staff=False)
def validation_queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    mine = request.GET.get("mijn") == "1"
    paginator = Paginator(validation_queue_for(user, mine=mine), PAGE_SIZE)
    number = parse_id(request.GET.get("pagina", "")) or 1
    page = paginator.get_page(min(number, paginator.num_pages))

    def url(page_number: int) -> str:
        query = {"mijn": "1"} if mine else {}
        if page_number > 1:
            query["pagina"] = str(page_number)
        return f"{request.path}?{urlencode(query)}" if query else request.path

    return render(
        request,
        T + "validation_queue.html",
        {
            "page": page,
            "mine": mine,
            "previous_url": url(page.number - 1) if page.has_previous() else "",
            "next_url": url(page.number + 1) if page.has_next() else "",
        },
    )


def _decide(request: HttpRequest, review: "Review", form: KoppelForm, action: str) -> bool:
    if not form.is_valid():
        return False
    user, now = signed_in_user(request), timezone.now()
    try:
        if action == "validate":
            evidence_validate(
                self_assessment=review.assessment,
                actor=user,
                level=form.cleaned_data["level"],
                note=form.cleaned_data["note"],
                now=now,
            )
        else:
            evidence_request_more(
                self_assessment=review.assessment,
                actor=user,
                reason=form.cleaned_data["reason"],
                now=now,
            )
    except ApplicationError as error:
        apply_application_error(form, error)
        return False
    return True


def _context(review: "Review", validate: ValidateForm, more: MoreEvidenceForm) -> dict[str, Any]:
    return {
        "review": review,
        "assessment": review.assessment,
        "validate_form": validate,
        "more_form": more,
    }


@role_required(*SCHOOL_STAFF_ROLES, allow_staff=False)
@domain_errors
def validation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    review = self_assessment_for_review(pk, user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    validate = ValidateForm(
        request.POST if action == "validate" else None,
        initial={"level": review.assessment.level},
    )
    more = MoreEvidenceForm(request.POST if action == "more" else None)
    if action in ("validate", "more"):
        form: KoppelForm = validate if action == "validate" else more
        if _decide(request, review, form, action):
            student = review.assessment.student.first_name
            if action == "validate":
                messages.success(
                    request,
                    _("De zelfbeoordeling van %(name)s is gevalideerd.") % {"name": student},
                )
            else:
                messages.success(
                    request, _("%(name)s is gevraagd om meer bewijs.") % {"name": student}
                )
            return redirect("frontend:validation-queue")
        review = self_assessment_for_review(pk, user)
        return render(
            request, T + "validation_detail.html", _context(review, validate, more), status=400
        )
    return render(request, T + "validation_detail.html", _context(review, validate, more))
