"""Driehoekgesprekken: the list of series a person takes part in, planning a series (school
staff), a series with its conversations (the three participants only) and recording one
conversation as held. A company mentor sees the student's first name only."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError, NotFound
from backend.learning.selectors.triads import (
    PlacementChoice,
    is_missed,
    placements_for_triads,
    triad_conversation_for,
    triad_detail_for,
    triads_for,
)
from backend.learning.services.triads import (
    MAX_CONVERSATIONS,
    MAX_INTERVAL_DAYS,
    MIN_INTERVAL_DAYS,
    NOTES_MAX_LENGTH,
    may_manage_series,
    triad_conversation_record,
    triad_series_cancel,
    triad_series_start,
)
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import (
    COMPANY_ROLES,
    STAFF_ROLES,
    STUDENT_ROLES,
    has_page_access,
    role_required,
)

if TYPE_CHECKING:
    import datetime as dt

    from backend.accounts.models import User
    from backend.learning.models import TriadConversation, TriadSeries

T = "frontend/learning/"
PARTICIPANT_ROLES = (*STUDENT_ROLES, *STAFF_ROLES, *COMPANY_ROLES)


def _student_name(series: "TriadSeries", viewer: "User") -> str:
    """The mentor (a company) sees the student's first name only; the school sees it all."""
    student = series.student
    if viewer.pk == series.mentor_id and viewer.pk != series.coach_id:
        return student.first_name
    return student.get_full_name() or student.first_name


def _person_name(person: "User | None", series: "TriadSeries", viewer: "User") -> str:
    if person is None:
        return "—"
    if person.pk == series.student_id:
        return _student_name(series, viewer)
    return person.get_full_name() or person.first_name


# --- the list --------------------------------------------------------------------------------


@role_required(*PARTICIPANT_ROLES)
def triad_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    series_list = list(triads_for(user, today=timezone.localdate()))
    return render(
        request,
        T + "triad_list.html",
        {
            "rows": [(s, _student_name(s, user)) for s in series_list],
            "may_start": has_page_access(user, STAFF_ROLES, allow_staff=False),
            "is_student": has_page_access(user, STUDENT_ROLES, allow_staff=False),
        },
    )


# --- planning a series -------------------------------------------------------------------------


class SeriesForm(KoppelForm):
    placement = forms.ChoiceField(
        label=gettext_lazy("Student en activiteit"),
        error_messages={
            "required": gettext_lazy("Kies de student en de activiteit."),
            "invalid_choice": gettext_lazy(
                "Kies een student en activiteit uit de lijst; voor deze plaatsing kunt u geen "
                "driehoekgesprekken plannen."
            ),
        },
    )
    mentor = forms.ChoiceField(
        label=gettext_lazy("Mentor bij het bedrijf"),
        required=False,
        help_text=gettext_lazy("Leeg laten: de contactpersoon van de activiteit."),
    )
    interval_days = forms.IntegerField(
        label=gettext_lazy("Om de hoeveel dagen"),
        initial=14,
        error_messages={
            "required": gettext_lazy("Vul in om de hoeveel dagen het gesprek is."),
            "invalid": gettext_lazy("Vul een heel aantal dagen in, bijvoorbeeld 14."),
        },
    )
    first_on = forms.DateField(
        label=gettext_lazy("Eerste gesprek"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Vul de datum van het eerste gesprek in.")},
    )
    last_on = forms.DateField(
        label=gettext_lazy("Laatste gesprek uiterlijk"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Vul de datum van het laatste gesprek in.")},
    )

    def __init__(self, *args: Any, choices: list[PlacementChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Interpolated per request, in the reader's language.
        self.fields["interval_days"].help_text = _(
            "Tussen %(min)s en %(max)s dagen; 14 is elke twee weken."
        ) % {"min": MIN_INTERVAL_DAYS, "max": MAX_INTERVAL_DAYS}
        self.fields["last_on"].help_text = _(
            "Meestal de einddatum van de activiteit; hoogstens %(max)s gesprekken."
        ) % {"max": MAX_CONVERSATIONS}
        self.by_key = {choice.key: choice for choice in choices}
        cast(forms.ChoiceField, self.fields["placement"]).choices = [("", "—")] + [
            (
                choice.key,
                f"{choice.student.get_full_name()} · {choice.offer.title} "
                f"({choice.offer.owner.name})",
            )
            for choice in choices
        ]
        self.mentors: dict[str, User] = {}
        groups: dict[str, list[tuple[str, str]]] = {}
        for choice in choices:
            for mentor in choice.mentors:
                self.mentors[str(mentor.pk)] = mentor
                group = groups.setdefault(choice.offer.owner.name, [])
                if (str(mentor.pk), mentor.get_full_name()) not in group:
                    group.append((str(mentor.pk), mentor.get_full_name()))
        cast(forms.ChoiceField, self.fields["mentor"]).choices = [
            ("", gettext_lazy("De contactpersoon van de activiteit")),
            *groups.items(),
        ]

    def chosen(self) -> tuple[PlacementChoice, "User | None"]:
        choice = self.by_key[self.cleaned_data["placement"]]
        mentor_id = self.cleaned_data["mentor"] or str(choice.offer.contact_id or "")
        return choice, self.mentors.get(mentor_id)


def _initial(request: HttpRequest, choices: list[PlacementChoice]) -> dict[str, Any]:
    today = timezone.localdate()
    initial: dict[str, Any] = {"interval_days": 14, "first_on": today}
    wanted = request.GET.get("plaatsing", "")
    choice = next(
        (c for c in choices if c.key == wanted), choices[0] if len(choices) == 1 else None
    )
    if choice is not None:
        initial["placement"] = choice.key
        if choice.offer.ends_on and choice.offer.ends_on >= today:
            initial["last_on"] = choice.offer.ends_on
    return initial


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def triad_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    choices = placements_for_triads(user, today=timezone.localdate())
    form = SeriesForm(request.POST or None, choices=choices, initial=_initial(request, choices))
    if request.method == "POST" and form.is_valid():
        choice, mentor = form.chosen()
        if mentor is None:
            form.add_error(
                "mentor",
                _("Kies de mentor: de activiteit heeft geen contactpersoon bij het bedrijf."),
            )
        else:
            try:
                series = triad_series_start(
                    actor=user,
                    student=choice.student,
                    offer=choice.offer,
                    mentor=mentor,
                    interval_days=form.cleaned_data["interval_days"],
                    first_on=form.cleaned_data["first_on"],
                    last_on=form.cleaned_data["last_on"],
                    now=timezone.now(),
                )
            except ApplicationError as error:
                apply_application_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "De driehoekgesprekken zijn gepland; de student en de mentor krijgen bericht."
                    ),
                )
                return redirect("frontend:triad-detail", pk=series.pk)
    return render(request, T + "triad_new.html", {"form": form, "has_choices": bool(choices)})


# --- one series ------------------------------------------------------------------------------


@dataclass
class ConversationRow:
    conversation: "TriadConversation"
    missed: bool
    recorded_by: str


def _series_or_404(pk: int, user: "User") -> "TriadSeries":
    try:
        return triad_detail_for(pk, user)
    except NotFound as error:
        raise Http404(error.message) from error


@role_required(*PARTICIPANT_ROLES)
@require_http_methods(["GET", "POST"])
def triad_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the series and its conversations. POST (the coach): stop the series."""
    user = signed_in_user(request)
    series = _series_or_404(pk, user)
    may_manage = may_manage_series(user, series)
    if request.method == "POST":
        if not may_manage or series.cancelled_at is not None:
            raise Http404
        try:
            triad_series_cancel(series=series, actor=user, now=timezone.now())
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("De reeks is gestopt; de student en de mentor krijgen bericht.")
            )
        return redirect("frontend:triad-detail", pk=series.pk)
    today = timezone.localdate()
    rows = [
        ConversationRow(
            conversation=c,
            missed=is_missed(c, today=today) and series.cancelled_at is None,
            recorded_by=_person_name(c.recorded_by, series, user) if c.held_on else "",
        )
        for c in series.conversations.all()
    ]
    return render(
        request,
        T + "triad_detail.html",
        {
            "series": series,
            "student_name": _student_name(series, user),
            "rows": rows,
            "held": sum(1 for r in rows if r.conversation.held_on),
            "may_record": series.cancelled_at is None,
            "may_manage": may_manage and series.cancelled_at is None,
        },
    )


# --- recording one conversation ----------------------------------------------------------------


class ConversationForm(KoppelForm):
    held_on = forms.DateField(
        label=gettext_lazy("Gehouden op"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Vul in op welke datum het gesprek was.")},
    )
    notes = forms.CharField(
        label=gettext_lazy("Korte aantekeningen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": NOTES_MAX_LENGTH}),
        help_text=gettext_lazy(
            "Wat is besproken en afgesproken? Alleen de student, de coach en de mentor lezen dit."
        ),
    )


def _held_on_initial(conversation: "TriadConversation", today: "dt.date") -> "dt.date":
    if conversation.held_on:
        return conversation.held_on
    return min(conversation.planned_on, today)


@role_required(*PARTICIPANT_ROLES)
@require_http_methods(["GET", "POST"])
def conversation_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    try:
        conversation = triad_conversation_for(pk, user)
    except NotFound as error:
        raise Http404(error.message) from error
    series = conversation.series
    if series.cancelled_at is not None:
        messages.error(
            request, _("Deze reeks driehoekgesprekken is gestopt; er kan niets meer bij.")
        )
        return redirect("frontend:triad-detail", pk=series.pk)
    today = timezone.localdate()
    form = ConversationForm(
        request.POST or None,
        initial={"held_on": _held_on_initial(conversation, today), "notes": conversation.notes},
    )
    form.addresses_student = user.pk == series.student_id
    if request.method == "POST" and form.is_valid():
        try:
            triad_conversation_record(
                conversation=conversation,
                actor=user,
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _("Het gesprek is vastgelegd."))
            return redirect("frontend:triad-detail", pk=series.pk)
    return render(
        request,
        T + "triad_conversation.html",
        {
            "conversation": conversation,
            "series": series,
            "student_name": _student_name(series, user),
            "form": form,
        },
    )
