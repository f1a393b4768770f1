"""Guest lesson bookings: the list and the detail page where teacher and expert accept,
decline, propose another date, cancel and give feedback."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.core.errors import ApplicationError, PermissionDenied
from backend.engagement import services
from backend.engagement.selectors.access import managed_company_ids, teaching_school_ids
from backend.engagement.selectors.bookings import booking_side, bookings_visible_to
from frontend.forms import apply_application_error
from frontend.views.engagement.common import T, require


@login_required
def booking_list_page(request):
    bookings = bookings_visible_to(request.user)
    require(
        bool(teaching_school_ids(request.user) or managed_company_ids(request.user))
        or request.user.is_staff
    )
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


BOOKING_ACTIONS = {
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


def _agreement_url(booking) -> str:
    if not booking.agreement_id:
        return ""
    try:
        return reverse("frontend:agreement-detail", args=[booking.agreement_id])
    except NoReverseMatch:
        return ""


@login_required
def booking_detail_page(request, pk):
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
    context = {
        "booking": booking,
        "side": booking_side(request.user, booking),
        "forms": {k.replace("-", "_"): v for k, v in forms_by_action.items()},
        "transitions": booking.transitions.select_related("actor"),
        "feedback": booking.feedback.select_related("author"),
        "is_past": booking.ends_at <= timezone.now(),
        "agreement_url": _agreement_url(booking),
    }
    return render(request, T + "booking_detail.html", context)
