"""Engagement pages: expert search and profiles, guest lesson bookings, events, meetings,
preferences and the coordinators' attention list. Views call the same selectors and services as
the API; permissions are enforced there and by the role checks here (403 for other roles)."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import ApplicationError, PermissionDenied
from backend.curriculum.models import Kerntaak
from backend.engagement import services
from backend.engagement.apis.partners import preferences_of
from backend.engagement.models import (
    DigestFrequency,
    EventAttendance,
    EventBookingKind,
    EventKind,
    EventSlot,
    EventTable,
    ExpertFormat,
)
from backend.engagement.models.experts import LANGUAGES, WEEKDAYS
from backend.engagement.selectors.access import (
    managed_company_ids,
    organiser_school_ids,
    student_school_ids,
    teaching_school_ids,
)
from backend.engagement.selectors.bookings import (
    booking_side,
    bookings_visible_to,
    calendar_feed_for,
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
from backend.engagement.selectors.experts import (
    expert_search,
    experts_managed_by,
    experts_visible_to,
    policy_badges_for,
)
from backend.engagement.selectors.meetings import (
    meeting_attendance_for_person,
    meeting_can_manage,
    meeting_participants,
    meetings_for,
)
from backend.engagement.selectors.partners import partners_needing_attention, quiet_weeks_for
from backend.engagement.services.common import Category
from backend.notifications.services import preference_set
from backend.organisations.models import Organisation

T = "frontend/engagement/"


def _apply_error(form, error: ApplicationError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    fields = error.extra.get("fields", {}) if isinstance(error.extra, dict) else {}
    placed = False
    for name, msgs in fields.items():
        if name in form.fields:
            for msg in msgs:
                form.add_error(name, msg)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _require(condition: bool) -> None:
    if not condition:
        raise DjangoPermissionDenied


# --- experts -------------------------------------------------------------------------------
class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Zoekwoorden"), required=False)
    tag = forms.CharField(label=gettext_lazy("Expertise (tag)"), required=False)
    format = forms.ChoiceField(
        label=gettext_lazy("Vorm"), required=False, choices=[("", "—"), *ExpertFormat.choices]
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Taal"), required=False, choices=[("", "—"), *LANGUAGES]
    )
    date = forms.DateField(
        label=gettext_lazy("Beschikbaar op"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@login_required
def expert_search_page(request):
    _require(bool(teaching_school_ids(request.user)) or request.user.is_staff)
    form = SearchForm(request.GET or None)
    results, badges = [], {}
    if form.is_valid() or not request.GET:
        d = form.cleaned_data if request.GET else {}
        results = list(
            expert_search(
                user=request.user,
                words=d.get("q", ""),
                tags=[d["tag"]] if d.get("tag") else None,
                format=d.get("format", ""),
                language=d.get("language", ""),
                on=d.get("date"),
            )[:100]
        )
        badges = policy_badges_for(
            experts=results,
            school_ids=teaching_school_ids(request.user),
            on=d.get("date") or timezone.localdate(),
        )
    rows = [{"expert": e, "badges": badges.get(e.pk, [])} for e in results]
    return render(request, T + "expert_search.html", {"form": form, "rows": rows})


class BookingRequestForm(forms.Form):
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=Organisation.objects.none()
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Datum en tijd"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duur (minuten)"), min_value=15, max_value=480, initial=60
    )
    group = forms.CharField(label=gettext_lazy("Klas of groep"), max_length=60)
    topic = forms.CharField(label=gettext_lazy("Onderwerp"), max_length=200)
    kerntaak = forms.ModelChoiceField(
        label=gettext_lazy("Kerntaak die je behandelt"),
        queryset=Kerntaak.objects.all(),
        required=False,
    )
    format = forms.ChoiceField(label=gettext_lazy("Vorm"), choices=ExpertFormat.choices)
    location = forms.CharField(label=gettext_lazy("Locatie"), max_length=200)
    message = forms.CharField(
        label=gettext_lazy("Toelichting"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = Organisation.objects.filter(pk__in=teaching_school_ids(user)).order_by("name")
        self.fields["school"].queryset = schools
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
        self.fields["kerntaak"].queryset = Kerntaak.objects.select_related("dossier").order_by(
            "dossier__title", "code"
        )


@login_required
def expert_detail_page(request, pk):
    expert = get_object_or_404(
        experts_visible_to(request.user).select_related("user", "organisation"), pk=pk
    )
    schools = teaching_school_ids(request.user)
    badges = policy_badges_for(experts=[expert], school_ids=schools, on=timezone.localdate())[
        expert.pk
    ]
    form = BookingRequestForm(request.POST or None, user=request.user) if schools else None
    if request.method == "POST":
        _require(form is not None)
        if form.is_valid():
            try:
                booking = services.booking_request(
                    actor=request.user, expert=expert, now=timezone.now(), **form.cleaned_data
                )
            except ApplicationError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    _("Je verzoek is verstuurd naar %(name)s.")
                    % {"name": expert.user.get_full_name()},
                )
                return redirect("frontend:engagement-booking-detail", pk=booking.pk)
    return render(
        request, T + "expert_detail.html", {"expert": expert, "badges": badges, "form": form}
    )


class ExpertForm(forms.Form):
    headline = forms.CharField(label=gettext_lazy("Vakgebied in één regel"), max_length=200)
    bio = forms.CharField(label=gettext_lazy("Over mij"), widget=forms.Textarea, required=False)
    tags = forms.CharField(
        label=gettext_lazy("Expertises, gescheiden door komma's"), required=False
    )
    formats = forms.MultipleChoiceField(
        label=gettext_lazy("Vormen"),
        choices=ExpertFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Talen"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Beschikbare dagen"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    available_from = forms.DateField(
        label=gettext_lazy("Beschikbaar vanaf"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    available_until = forms.DateField(
        label=gettext_lazy("Beschikbaar tot"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    availability_note = forms.CharField(
        label=gettext_lazy("Beschikbaarheid in eigen woorden"), max_length=300, required=False
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Zoekbaar voor docenten"), required=False, initial=True
    )
    schools = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Ook zichtbaar voor deze scholen (buiten jullie consortium)"),
        queryset=Organisation.objects.schools().order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = [t for t in data["tags"].split(",") if t.strip()]
        return data


@login_required
def expert_mine_page(request):
    _require(bool(managed_company_ids(request.user)))
    return render(request, T + "expert_mine.html", {"experts": experts_managed_by(request.user)})


@login_required
def expert_edit_page(request, pk=None):
    companies = managed_company_ids(request.user)
    _require(bool(companies))
    profile = None
    if pk is not None:
        profile = get_object_or_404(experts_managed_by(request.user), pk=pk)
    initial = {}
    if profile:
        initial = {
            "headline": profile.headline,
            "bio": profile.bio,
            "tags": ", ".join(t.name for t in profile.tags.all()),
            "formats": profile.format_list,
            "languages": profile.language_list,
            "weekdays": profile.weekday_list,
            "available_from": profile.available_from,
            "available_until": profile.available_until,
            "availability_note": profile.availability_note,
            "is_active": profile.is_active,
            "schools": list(profile.schools.all()),
        }
    form = ExpertForm(
        request.POST or None, initial=initial or {"languages": ["nl"], "is_active": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            if profile:
                services.expert_profile_update(
                    actor=request.user, profile=profile, data=form.data_for_service()
                )
            else:
                company = Organisation.objects.get(pk=min(companies))
                profile = services.expert_profile_create(
                    actor=request.user,
                    user=request.user,
                    organisation=company,
                    data=form.data_for_service(),
                )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Het expertprofiel is opgeslagen."))
            return redirect("frontend:engagement-expert-mine")
    return render(request, T + "expert_edit.html", {"form": form, "profile": profile})


# --- bookings ------------------------------------------------------------------------------
@login_required
def booking_list_page(request):
    bookings = bookings_visible_to(request.user)
    _require(
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
                _apply_error(form, error)
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


# --- events --------------------------------------------------------------------------------
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
        _require(form is not None)
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
                _apply_error(form, error)
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
            _require(table_form is not None)
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
                    _apply_error(table_form, error)
                else:
                    messages.success(request, _("Jullie tafel is aangemeld."))
                    return redirect("frontend:engagement-event-detail", pk=event.pk)
        elif request.POST.get("action") in ("book", "cancel"):
            _require(is_student)
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
    _require(event_can_organise(request.user, event))
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


# --- meetings ------------------------------------------------------------------------------
@login_required
def meeting_list_page(request):
    now = timezone.now()
    kept, total = meeting_attendance_for_person(request.user, now=now)
    return render(
        request,
        T + "meeting_list.html",
        {"meetings": meetings_for(request.user), "kept": kept, "total": total, "now": now},
    )


class SignOffForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Waarom kun je niet?"), max_length=300)


@login_required
def meeting_detail_page(request, pk):
    meeting = get_object_or_404(meetings_for(request.user), pk=pk)
    form = SignOffForm(request.POST or None)
    now = timezone.now()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "sign-off" and form.is_valid():
                services.meeting_sign_off(
                    actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"], now=now
                )
                messages.success(request, _("Je bent afgemeld; de organisator weet het."))
                return redirect("frontend:engagement-meeting-detail", pk=meeting.pk)
            if action == "attendance":
                _require(meeting_can_manage(request.user, meeting))
                present = {int(v) for v in request.POST.getlist("present")}
                services.meeting_attendance_record(
                    actor=request.user,
                    meeting=meeting,
                    now=now,
                    attendance={
                        p.user_id: p.user_id in present for p in meeting.participants.all()
                    },
                )
                messages.success(request, _("Aanwezigheid opgeslagen."))
                return redirect("frontend:engagement-meeting-detail", pk=meeting.pk)
        except ApplicationError as error:
            _apply_error(form, error)
    return render(
        request,
        T + "meeting_detail.html",
        {
            "meeting": meeting,
            "participants": meeting_participants(meeting),
            "form": form,
            "can_manage": meeting_can_manage(request.user, meeting),
            "started": meeting.starts_at <= now,
            "mine": meeting.participants.filter(user=request.user).first(),
        },
    )


# --- preferences and attention -------------------------------------------------------------
class PreferencesForm(forms.Form):
    digest_frequency = forms.ChoiceField(
        label=gettext_lazy("Partneroverzicht"), choices=DigestFrequency.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in Category.ALL:
            label = Category.LABELS[category]
            self.fields[f"{category}_in_app"] = forms.BooleanField(
                label=_("%(c)s: in de app") % {"c": label}, required=False
            )
            self.fields[f"{category}_email"] = forms.BooleanField(
                label=_("%(c)s: per e-mail") % {"c": label}, required=False
            )


@login_required
def preferences_page(request):
    current = preferences_of(request.user)
    initial = {"digest_frequency": current["digest_frequency"]}
    for category, values in current["categories"].items():
        initial[f"{category}_in_app"] = values["in_app"]
        initial[f"{category}_email"] = values["email"]
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "regenerate":
            services.calendar_feed_regenerate(user=request.user)
            messages.success(request, _("Je hebt een nieuwe agenda-link; de oude werkt niet meer."))
            return redirect("frontend:engagement-digest-preferences")
        if form.is_valid():
            services.digest_preference_set(
                user=request.user, frequency=form.cleaned_data["digest_frequency"]
            )
            for category in Category.ALL:
                preference_set(
                    user=request.user,
                    category=category,
                    in_app=form.cleaned_data[f"{category}_in_app"],
                    email=form.cleaned_data[f"{category}_email"],
                )
            messages.success(request, _("Je voorkeuren zijn opgeslagen."))
            return redirect("frontend:engagement-digest-preferences")
    feed = calendar_feed_for(request.user)
    feed_url = request.build_absolute_uri(f"/api/engagement/calendar/{feed.token}.ics")
    return render(
        request,
        T + "preferences.html",
        {"form": form, "feed_url": feed_url, "categories": Category.ALL},
    )


@login_required
def attention_page(request):
    schools = organiser_school_ids(request.user)
    _require(bool(schools))
    return render(
        request,
        T + "attention.html",
        {
            "rows": partners_needing_attention(request.user, now=timezone.now()),
            "quiet_weeks": quiet_weeks_for(schools),
        },
    )
