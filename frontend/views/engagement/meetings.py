"""Meetings: the person's meetings, scheduling a working-group meeting with partners, cancelling it,
signing off and recording attendance."""

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.selectors import staff_school_ids
from backend.core.errors import ApplicationError
from backend.engagement import services
from backend.engagement.models import MeetingKind
from backend.engagement.selectors.access import (
    may_schedule_meetings,
    meeting_can_manage,
    meeting_may_record_attendance,
    meeting_may_sign_off,
)
from backend.engagement.selectors.meetings import (
    meeting_attendance_for_person,
    meeting_invitable_people,
    meeting_participant,
    meeting_participant_ids,
    meeting_participants,
    meetings_for,
)
from backend.organisations.selectors import schools_by_ids
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import not_for_privacy_officer
from frontend.views.engagement.common import SignedInRequest, T, require

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.engagement.models import Meeting
    from backend.organisations.models import Organisation


@login_required
@not_for_privacy_officer
def meeting_list_page(request: SignedInRequest) -> HttpResponse:
    now = timezone.now()
    kept, total = meeting_attendance_for_person(request.user, now=now)
    return render(
        request,
        T + "meeting_list.html",
        {
            "meetings": meetings_for(request.user),
            "kept": kept,
            "total": total,
            "now": now,
            "may_schedule": may_schedule_meetings(request.user),
        },
    )


class MeetingForm(KoppelForm):
    title = forms.CharField(label=gettext_lazy("Titel"), max_length=200)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Datum en tijd"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duur (minuten)"), min_value=15, max_value=480, initial=60
    )
    location = forms.CharField(
        label=gettext_lazy("Locatie of link"), max_length=200, required=False
    )
    school: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("Namens school"), queryset=None, required=False
    )
    participants: "forms.ModelMultipleChoiceField[User]" = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Deelnemers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Collega's en contactpersonen van de partners in uw consortium."),
    )
    agenda = forms.CharField(label=gettext_lazy("Agenda"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, user: "User", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = cast("forms.ModelMultipleChoiceField[User]", self.fields["participants"])
        people.queryset = meeting_invitable_people(user)
        people.label_from_instance = _person_label  # type: ignore[method-assign,assignment]
        schools = schools_by_ids(staff_school_ids(user))
        school = cast("forms.ModelChoiceField[Organisation]", self.fields["school"])
        school.queryset = schools
        if len(schools) == 1:
            school.initial = schools[0].pk


def _person_label(person: "User") -> str:
    return person.get_full_name() or person.email


def _schedule(request: SignedInRequest, form: MeetingForm) -> "Meeting | None":
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    starts_at: dt.datetime = data.pop("starts_at")
    try:
        return services.meeting_schedule(
            actor=request.user,
            kind=MeetingKind.WORKING_GROUP,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=data.pop("duration_minutes")),
            participants=list(data.pop("participants")),
            now=timezone.now(),
            **data,
        )
    except ApplicationError as error:
        apply_application_error(form, error)
        return None


@login_required
@not_for_privacy_officer
def meeting_new_page(request: SignedInRequest) -> HttpResponse:
    """School staff schedule a working-group meeting; every participant is invited."""
    require(may_schedule_meetings(request.user))
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and (meeting := _schedule(request, form)) is not None:
        messages.success(request, _("Het overleg is gepland; de deelnemers zijn uitgenodigd."))
        return redirect("frontend:engagement-meeting-detail", pk=meeting.pk)
    return render(request, T + "meeting_new.html", {"form": form})


class SignOffForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Waarom kun je niet?"), max_length=300)


class CancelForm(KoppelForm):
    prefix = "cancel"
    reason = forms.CharField(label=gettext_lazy("Reden van de annulering"), max_length=300)


def _record_attendance(request: SignedInRequest, meeting: "Meeting", now: "dt.datetime") -> None:
    require(meeting_can_manage(request.user, meeting))
    present = {int(v) for v in request.POST.getlist("present")}
    services.meeting_attendance_record(
        actor=request.user,
        meeting=meeting,
        now=now,
        attendance={user_id: user_id in present for user_id in meeting_participant_ids(meeting)},
    )


def _cancel(
    request: SignedInRequest, meeting: "Meeting", form: CancelForm, now: dt.datetime
) -> bool:
    require(meeting_can_manage(request.user, meeting))
    if not form.is_valid():
        return False
    try:
        services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"], now=now
        )
    except ApplicationError as error:
        apply_application_error(form, error)
        return False
    return True


@login_required
@not_for_privacy_officer
def meeting_detail_page(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(meetings_for(request.user), pk=pk)
    action = request.POST.get("action")
    form = SignOffForm(request.POST if action == "sign-off" else None)
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    now = timezone.now()
    if request.method == "POST":
        try:
            if action == "cancel" and _cancel(request, meeting, cancel_form, now):
                messages.success(request, _("Het overleg is geannuleerd; de deelnemers weten het."))
                return redirect("frontend:engagement-meeting-detail", pk=meeting.pk)
            if action == "sign-off" and form.is_valid():
                services.meeting_sign_off(
                    actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"], now=now
                )
                messages.success(request, _("Je bent afgemeld; de organisator weet het."))
                return redirect("frontend:engagement-meeting-detail", pk=meeting.pk)
            if action == "attendance":
                _record_attendance(request, meeting, now)
                messages.success(request, _("Aanwezigheid opgeslagen."))
                return redirect("frontend:engagement-meeting-detail", pk=meeting.pk)
        except ApplicationError as error:
            apply_application_error(form, error)
    mine = meeting_participant(meeting, request.user)
    return render(
        request,
        T + "meeting_detail.html",
        {
            "meeting": meeting,
            "participants": meeting_participants(meeting),
            "form": form,
            "may_record_attendance": meeting_may_record_attendance(request.user, meeting, now=now),
            "may_sign_off": meeting_may_sign_off(mine, now=now),
            "may_cancel": meeting_can_manage(request.user, meeting)
            and not meeting.is_cancelled
            and not meeting.has_started(now),
            "cancel_form": cancel_form,
        },
    )
