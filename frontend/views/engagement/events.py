"""Events (meet & match, bedrijvenarena): schools organise and record attendance, companies
register a table, students book a slot."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import ConsentPurpose
from backend.accounts.selectors import people_with_consent
from backend.core.errors import ApplicationError
from backend.engagement import services
from backend.engagement.models import EventBookingKind, EventKind
from backend.engagement.selectors.access import (
    event_can_organise,
    event_student_may_book,
    is_company_contact,
    is_student,
    may_organise_events,
)
from backend.engagement.selectors.events import (
    consortium_of,
    event_attendance_summary,
    event_bookings,
    event_bookings_at_table,
    event_contacts_for,
    event_school_for,
    event_slot_grid,
    event_slots,
    event_table_choices,
    event_table_of,
    event_tables,
    events_visible_to,
)
from backend.organisations.selectors import acting_company
from frontend.forms import apply_application_error
from frontend.views.access import not_for_privacy_officer
from frontend.views.engagement.common import SignedInRequest, T, require

if TYPE_CHECKING:
    from backend.engagement.models import Event, EventTable


class EventForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titel"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Soort"), choices=EventKind.choices)
    location = forms.CharField(label=gettext_lazy("Locatie"), max_length=200)
    day = forms.DateField(
        label=gettext_lazy("Datum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.TimeField(
        label=gettext_lazy("Begint om"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=gettext_lazy("Eindigt om"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    slot_minutes = forms.IntegerField(
        label=gettext_lazy("Minuten per gesprek"), min_value=5, initial=10
    )
    open_to_consortium = forms.BooleanField(
        label=gettext_lazy("Ook open voor studenten van de andere consortiumscholen"),
        required=False,
    )
    description = forms.CharField(
        label=gettext_lazy("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _event_create(request: SignedInRequest, form: EventForm) -> "Event | None":
    """Create the event the form describes, for the coordinator's school; None when refused
    (the form then carries the errors)."""
    d = form.cleaned_data
    school = event_school_for(request.user)
    if school is None:
        raise DjangoPermissionDenied
    try:
        return services.event_create(
            actor=request.user,
            school=school,
            consortium=consortium_of(school) if d["open_to_consortium"] else None,
            kind=d["kind"],
            title=d["title"],
            location=d["location"],
            description=d["description"],
            starts_at=timezone.make_aware(dt.datetime.combine(d["day"], d["start"])),
            ends_at=timezone.make_aware(dt.datetime.combine(d["day"], d["end"])),
            slot_minutes=d["slot_minutes"],
        )
    except ApplicationError as error:
        apply_application_error(form, error)
        return None


@login_required
@not_for_privacy_officer
def event_list_page(request: SignedInRequest) -> HttpResponse:
    form = EventForm(request.POST or None) if may_organise_events(request.user) else None
    if request.method == "POST":
        if form is None:
            raise DjangoPermissionDenied
        if form.is_valid() and (event := _event_create(request, form)) is not None:
            messages.success(
                request, _("Het evenement staat klaar; bedrijven kunnen nu een tafel aanmelden.")
            )
            return redirect("frontend:engagement-event-detail", pk=event.pk)
    events = events_visible_to(request.user).order_by("-starts_at")
    return render(request, T + "event_list.html", {"events": events, "form": form})


class TableForm(forms.Form):
    capacity = forms.IntegerField(
        label=gettext_lazy("Gesprekken tegelijk"), min_value=1, max_value=20, initial=1
    )
    topic = forms.CharField(
        label=gettext_lazy("Waar kunnen studenten over praten?"), required=False
    )
    offers_portfolio_review = forms.BooleanField(
        label=gettext_lazy("We doen ook portfolioreviews"), required=False
    )


def _table_form(request: SignedInRequest, my_table: "EventTable | None") -> TableForm | None:
    """Company contacts register (or change) their company's table; nobody else gets the form."""
    if not is_company_contact(request.user):
        return None
    initial = None
    if my_table:
        initial = {
            "capacity": my_table.capacity,
            "topic": my_table.topic,
            "offers_portfolio_review": my_table.offers_portfolio_review,
        }
    return TableForm(request.POST or None, initial=initial)


def _register_table(
    request: SignedInRequest, event: "Event", form: TableForm, now: dt.datetime
) -> bool:
    """True when the table was registered; otherwise the form carries the errors."""
    company = acting_company(request.user)
    if company is None:
        raise DjangoPermissionDenied
    try:
        services.event_table_register(
            actor=request.user, event=event, company=company, now=now, **form.cleaned_data
        )
    except ApplicationError as error:
        apply_application_error(form, error)
        return False
    messages.success(request, _("Jullie tafel is aangemeld."))
    return True


def _book_or_cancel(request: SignedInRequest, event: "Event", now: dt.datetime) -> None:
    """A student books a seat at a table in a slot, or cancels their conversation."""
    require(is_student(request.user))
    try:
        if request.POST["action"] == "book":
            slot = get_object_or_404(event_slots(event), pk=request.POST.get("slot"))
            table = get_object_or_404(event_table_choices(event), pk=request.POST.get("table"))
            kind = request.POST.get("kind") or EventBookingKind.CONVERSATION
            services.event_book_slot(actor=request.user, slot=slot, table=table, kind=kind, now=now)
            messages.success(
                request,
                _("Geboekt: %(company)s om %(time)s.")
                % {
                    "company": table.company.name,
                    "time": timezone.localtime(slot.starts_at).strftime("%H:%M"),
                },
            )
        else:
            booking = get_object_or_404(
                event_bookings(event), pk=request.POST.get("booking"), student=request.user
            )
            services.event_booking_cancel(actor=request.user, booking=booking, now=now)
            messages.success(request, _("Je gesprek is geannuleerd."))
    except ApplicationError as error:
        messages.error(request, error.message)


def _event_context(
    request: SignedInRequest,
    event: "Event",
    *,
    my_table: "EventTable | None",
    table_form: TableForm | None,
    now: dt.datetime,
) -> dict[str, Any]:
    student = is_student(request.user)
    return {
        "event": event,
        "tables": event_tables(event),
        "table_form": table_form,
        "my_table": my_table,
        "grid": event_slot_grid(event, student=request.user) if student else None,
        "can_book": student and event_student_may_book(request.user, event),
        "can_organise": event_can_organise(request.user, event),
        "is_past": event.ends_at <= now,
        # Companies see who booked at their table: first names only (AVG).
        "my_table_bookings": list(event_bookings_at_table(event, my_table)) if my_table else [],
    }


@login_required
@not_for_privacy_officer
def event_detail_page(request: SignedInRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(events_visible_to(request.user), pk=pk)
    now = timezone.now()
    my_table = event_table_of(request.user, event)
    table_form = _table_form(request, my_table)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "table":
            if table_form is None:
                raise DjangoPermissionDenied
            if table_form.is_valid() and _register_table(request, event, table_form, now):
                return redirect("frontend:engagement-event-detail", pk=event.pk)
        elif action in ("book", "cancel"):
            _book_or_cancel(request, event, now)
            return redirect("frontend:engagement-event-detail", pk=event.pk)
        else:
            raise DjangoPermissionDenied
    context = _event_context(request, event, my_table=my_table, table_form=table_form, now=now)
    return render(request, T + "event_detail.html", context)


@login_required
@not_for_privacy_officer
def event_attendance_page(request: SignedInRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(events_visible_to(request.user), pk=pk)
    require(event_can_organise(request.user, event))
    if request.method == "POST":
        booking = get_object_or_404(event_bookings(event), pk=request.POST.get("booking"))
        try:
            services.event_attendance_record(
                actor=request.user,
                booking=booking,
                attendance=request.POST.get("attendance", ""),
                now=timezone.now(),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("frontend:engagement-event-attendance", pk=event.pk)
    bookings = list(event_bookings(event))
    return render(
        request,
        T + "event_attendance.html",
        {
            "event": event,
            "bookings": bookings,
            "summary": event_attendance_summary(event),
            "no_shows": [b for b in bookings if b.is_no_show],
            # Students who did not consent to photos (issue 14): marked for the organisers.
            "photo_consent": people_with_consent(
                {b.student_id for b in bookings}, ConsentPurpose.EVENT_PHOTOS
            ),
        },
    )


@login_required
@not_for_privacy_officer
def event_contacts_page(request: SignedInRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(events_visible_to(request.user), pk=pk)
    return render(
        request,
        T + "event_contacts.html",
        {
            "event": event,
            "contacts": event_contacts_for(request.user, event),
            "as_company": is_company_contact(request.user),
        },
    )
