"""Guest lesson bookings: the list and the detail page where teacher and expert accept,
decline, propose another date, cancel and give feedback."""

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.core.errors import ApplicationError, PermissionDenied
from backend.engagement import services
from backend.engagement.selectors.access import (
    booking_may_answer,
    booking_may_answer_proposal,
    booking_may_cancel,
    booking_may_give_feedback,
    may_list_bookings,
)
from backend.engagement.selectors.bookings import (
    booking_feedback,
    booking_transitions,
    bookings_visible_to,
)
from frontend.forms import apply_application_error
from frontend.views.engagement.common import SignedInRequest, T, require

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.engagement.models import GuestLessonBooking


@login_required
def booking_list_page(request: SignedInRequest) -> HttpResponse:
    bookings = bookings_visible_to(request.user)
    require(may_list_bookings(request.user))
    return render(request, T + "booking_list.html", {"bookings": bookings[:200]})


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposeForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Andere datum en tijd"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(label=gettext_lazy("Toelichting"), required=False)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Waardering (1-5)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
    )
    text = forms.CharField(
        label=gettext_lazy("Wat ging goed, wat kan beter?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# One action of the booking page: (user, booking, the form's cleaned data, now) → the service call.
BookingAction = Callable[["User", "GuestLessonBooking", dict[str, Any], dt.datetime], object]

BOOKING_ACTIONS: dict[str, tuple[type[forms.Form], BookingAction]] = {
    "accept": (
        NoteForm,
        lambda u, b, d, now: services.booking_accept(actor=u, booking=b, note=d["note"], now=now),
    ),
    "decline": (
        NoteForm,
        lambda u, b, d, now: services.booking_decline(actor=u, booking=b, note=d["note"], now=now),
    ),
    "propose": (
        ProposeForm,
        lambda u, b, d, now: services.booking_propose(
            actor=u, booking=b, starts_at=d["starts_at"], note=d["note"], now=now
        ),
    ),
    "proposal-accept": (
        NoteForm,
        lambda u, b, d, now: services.booking_proposal_accept(actor=u, booking=b, now=now),
    ),
    "proposal-decline": (
        NoteForm,
        lambda u, b, d, now: services.booking_proposal_decline(
            actor=u, booking=b, note=d["note"], now=now
        ),
    ),
    "cancel": (
        NoteForm,
        lambda u, b, d, now: services.booking_cancel(actor=u, booking=b, note=d["note"], now=now),
    ),
    "feedback": (
        FeedbackForm,
        lambda u, b, d, now: services.booking_feedback_give(
            actor=u, booking=b, rating=d["rating"], text=d["text"], now=now
        ),
    ),
}


BOOKING_DONE = {
    "accept": gettext_lazy("Je hebt de gastles bevestigd; de docent krijgt bericht."),
    "decline": gettext_lazy("Je hebt het verzoek afgewezen; de docent krijgt bericht."),
    "propose": gettext_lazy("Je voorstel is verstuurd naar de docent."),
    "proposal-accept": gettext_lazy("De nieuwe datum staat vast; de expert krijgt bericht."),
    "proposal-decline": gettext_lazy("Je hebt het voorstel afgewezen."),
    "cancel": gettext_lazy("De gastles is geannuleerd; de ander krijgt bericht."),
    "feedback": gettext_lazy("Dank je wel voor je feedback."),
}


def _agreement_url(booking: "GuestLessonBooking") -> str:
    if not booking.agreement_id:
        return ""
    return reverse("frontend:agreement-detail", args=[booking.agreement_id])


def _booking_context(
    request: SignedInRequest, booking: "GuestLessonBooking", forms_by_action: dict[str, forms.Form]
) -> dict[str, Any]:
    """What the page shows, and which actions it offers: the engagement access rules decide."""
    user, now = request.user, timezone.now()
    return {
        "booking": booking,
        "may_answer": booking_may_answer(user, booking),
        "may_answer_proposal": booking_may_answer_proposal(user, booking),
        "may_cancel": booking_may_cancel(user, booking, now=now),
        "may_give_feedback": booking_may_give_feedback(user, booking, now=now),
        "forms": {k.replace("-", "_"): v for k, v in forms_by_action.items()},
        "transitions": booking_transitions(booking),
        "feedback": booking_feedback(booking),
        "agreement_url": _agreement_url(booking),
    }


@login_required
def booking_detail_page(request: SignedInRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(bookings_visible_to(request.user), pk=pk)
    forms_by_action = {
        name: form_class(prefix=name) for name, (form_class, _a) in BOOKING_ACTIONS.items()
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in BOOKING_ACTIONS:
            raise DjangoPermissionDenied
        form_class, act = BOOKING_ACTIONS[action]
        form = form_class(request.POST, prefix=action)
        forms_by_action[action] = form
        if form.is_valid():
            try:
                act(request.user, booking, form.cleaned_data, timezone.now())
            except PermissionDenied as error:
                raise DjangoPermissionDenied(error.message) from None
            except ApplicationError as error:
                apply_application_error(form, error)
            else:
                messages.success(request, str(BOOKING_DONE[action]))
                return redirect("frontend:engagement-booking-detail", pk=booking.pk)
    return render(
        request, T + "booking_detail.html", _booking_context(request, booking, forms_by_action)
    )
