"""Events (meet & match, bedrijvenarena): schools organise and record attendance, companies
register a table, students book a slot."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import ApplicationError
from backend.engagement import services
from backend.engagement.models import (
    EventAttendance,
    EventBookingKind,
    EventKind,
    EventSlot,
    EventTable,
)
from backend.engagement.selectors.access import (
    managed_company_ids,
    organiser_school_ids,
    student_school_ids,
)
from backend.engagement.selectors.events import (
    event_attendance_summary,
    event_bookings,
    event_can_organise,
    event_contacts_for,
    event_slot_grid,
    event_student_may_book,
    event_tables,
    events_visible_to,
)
from backend.organisations.models import Organisation
from frontend.forms import apply_application_error
from frontend.views.engagement.common import T, require


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


@login_required
def event_list_page(request):
    schools = organiser_school_ids(request.user)
    form = EventForm(request.POST or None) if schools else None
    if request.method == "POST":
        require(form is not None)
        if form.is_valid():
            d = form.cleaned_data
            school = Organisation.objects.filter(pk__in=schools).order_by("name").first()
            consortium = None
            if d["open_to_consortium"]:
                membership = (
                    school.consortium_memberships.filter(left_on__isnull=True)
                    .select_related("consortium")
                    .first()
                )
                consortium = membership.consortium if membership else None
            try:
                event = services.event_create(
                    actor=request.user,
                    school=school,
                    consortium=consortium,
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
            else:
                messages.success(
                    request,
                    _("Het evenement staat klaar; bedrijven kunnen nu een tafel aanmelden."),
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


@login_required
def event_detail_page(request, pk):
    event = get_object_or_404(events_visible_to(request.user), pk=pk)
    now = timezone.now()
    companies = managed_company_ids(request.user)
    table_form = None
    my_table = None
    if companies:
        my_table = EventTable.objects.filter(event=event, company_id__in=companies).first()
        table_form = TableForm(
            request.POST or None,
            initial={
                "capacity": my_table.capacity,
                "topic": my_table.topic,
                "offers_portfolio_review": my_table.offers_portfolio_review,
            }
            if my_table
            else None,
        )
    is_student = bool(student_school_ids(request.user))
    if request.method == "POST":
        if request.POST.get("action") == "table":
            require(table_form is not None)
            if table_form.is_valid():
                try:
                    services.event_table_register(
                        actor=request.user,
                        event=event,
                        company=Organisation.objects.get(pk=min(companies)),
                        now=now,
                        **table_form.cleaned_data,
                    )
                except ApplicationError as error:
                    apply_application_error(table_form, error)
                else:
                    messages.success(request, _("Jullie tafel is aangemeld."))
                    return redirect("frontend:engagement-event-detail", pk=event.pk)
        elif request.POST.get("action") in ("book", "cancel"):
            require(is_student)
            try:
                if request.POST["action"] == "book":
                    slot = get_object_or_404(EventSlot, pk=request.POST.get("slot"), event=event)
                    table = get_object_or_404(EventTable, pk=request.POST.get("table"), event=event)
                    kind = request.POST.get("kind") or EventBookingKind.CONVERSATION
                    services.event_book_slot(
                        actor=request.user, slot=slot, table=table, kind=kind, now=now
                    )
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
            return redirect("frontend:engagement-event-detail", pk=event.pk)
        else:
            raise DjangoPermissionDenied
    context = {
        "event": event,
        "tables": event_tables(event),
        "table_form": table_form,
        "my_table": my_table,
        "grid": event_slot_grid(event, student=request.user) if is_student else None,
        "can_book": is_student and event_student_may_book(request.user, event),
        "can_organise": event_can_organise(request.user, event),
        "is_past": event.ends_at <= now,
        # Companies see who booked at their table: first names only (AVG).
        "my_table_bookings": list(event_bookings(event).filter(table=my_table)) if my_table else [],
    }
    return render(request, T + "event_detail.html", context)


@login_required
def event_attendance_page(request, pk):
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
            "no_shows": [b for b in bookings if b.attendance == EventAttendance.NO_SHOW],
        },
    )


@login_required
def event_contacts_page(request, pk):
    event = get_object_or_404(events_visible_to(request.user), pk=pk)
    return render(
        request,
        T + "event_contacts.html",
        {
            "event": event,
            "contacts": event_contacts_for(request.user, event),
            "as_company": bool(managed_company_ids(request.user)),
        },
    )
