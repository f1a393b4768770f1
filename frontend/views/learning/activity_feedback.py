"""The students' feedback on an activity.

- `activity_feedback` (student): after the activity ended, two questions on a 1-5 scale and a
  comment, once. Before that the page says when it can be given; afterwards it shows the answer.
- `offer_student_feedback` (the company and staff of the schools the offer went to): the
  aggregate, only from five answers on and then per batch of five, comments without names.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError
from backend.learning.selectors.activity_feedback import (
    activity_feedback_of,
    offer_feedback_summary,
    offer_for_feedback_summary,
    placement_for_feedback,
)
from backend.learning.selectors.placements import activity_has_ended
from backend.learning.services.activity_feedback import (
    COMMENT_MAX_LENGTH,
    activity_feedback_give,
    may_see_offer_feedback,
)
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import COMPANY_ROLES, STAFF_ROLES, STUDENT_ROLES, role_required

T = "frontend/learning/"

SCALE_CHOICES = [
    (1, gettext_lazy("1 – helemaal niet mee eens")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, gettext_lazy("5 – helemaal mee eens")),
]
SCALE_ERRORS = {
    "required": gettext_lazy("Kies een getal van 1 tot en met 5."),
    "invalid_choice": gettext_lazy("Kies een getal van 1 tot en met 5."),
}


class ActivityFeedbackForm(KoppelForm):
    # The house layout with the error summary in "je": only students fill this in.
    addresses_student = True
    learned = forms.TypedChoiceField(
        label=gettext_lazy("Ik heb veel geleerd"),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=SCALE_ERRORS,
    )
    supported = forms.TypedChoiceField(
        label=gettext_lazy("Het bedrijf begeleidde ons goed"),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=SCALE_ERRORS,
    )
    comment = forms.CharField(
        label=gettext_lazy("Opmerking"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Wat ging goed, wat kan beter? Het bedrijf leest je opmerking zonder je naam, "
            "tussen die van minstens vier anderen."
        ),
        error_messages={
            "max_length": gettext_lazy("Hoogstens %(limit_value)d tekens (nu %(show_value)d).")
        },
    )


@role_required(*STUDENT_ROLES, allow_staff=False)
def activity_feedback(request: HttpRequest, offer_pk: int) -> HttpResponse:
    student = signed_in_user(request)
    placement = placement_for_feedback(student, offer_pk)
    if placement is None:
        raise Http404
    offer = placement.offer
    given = activity_feedback_of(student.pk, offer.pk)
    ended = activity_has_ended(offer, today=timezone.localdate())
    form = ActivityFeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                activity_feedback_give(
                    student=student,
                    offer=offer,
                    learned=form.cleaned_data["learned"],
                    supported=form.cleaned_data["supported"],
                    comment=form.cleaned_data["comment"],
                    now=timezone.now(),
                )
            except ApplicationError as error:
                if not (error.extra or {}).get("fields"):
                    # Not about what was typed (it ran on, or was answered before): say why.
                    messages.error(request, error.message)
                    return redirect("frontend:activity-feedback", offer.pk)
                apply_application_error(form, error)
            else:
                messages.success(request, _("Bedankt voor je feedback!"))
                return redirect("frontend:activity-feedback", offer.pk)
        status = 400
    context = {"offer": offer, "given": given, "ended": ended, "form": form}
    return render(request, T + "activity_feedback.html", context, status=status)


@role_required(*COMPANY_ROLES, *STAFF_ROLES, allow_staff=False)
def offer_student_feedback(request: HttpRequest, offer_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    offer = offer_for_feedback_summary(offer_pk)
    if offer is None or not may_see_offer_feedback(user, offer):
        raise Http404
    summary = offer_feedback_summary(offer)
    return render(
        request, T + "activity_feedback_summary.html", {"offer": offer, "summary": summary}
    )
