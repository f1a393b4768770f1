"""Meetings: the person's meetings, signing off and recording attendance."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import ApplicationError
from backend.engagement import services
from backend.engagement.selectors.access import (
    meeting_can_manage,
    meeting_may_record_attendance,
    meeting_may_sign_off,
)
from backend.engagement.selectors.meetings import (
    meeting_attendance_for_person,
    meeting_participant,
    meeting_participant_ids,
    meeting_participants,
    meetings_for,
)
from frontend.forms import apply_application_error
from frontend.views.engagement.common import SignedInRequest, T, require

if TYPE_CHECKING:
    import datetime as dt

    from backend.engagement.models import Meeting


@login_required
def meeting_list_page(request: SignedInRequest) -> HttpResponse:
    now = timezone.now()
    kept, total = meeting_attendance_for_person(request.user, now=now)
    return render(
        request,
        T + "meeting_list.html",
        {"meetings": meetings_for(request.user), "kept": kept, "total": total, "now": now},
    )


class SignOffForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Waarom kun je niet?"), max_length=300)


def _record_attendance(request: SignedInRequest, meeting: "Meeting", now: "dt.datetime") -> None:
    require(meeting_can_manage(request.user, meeting))
    present = {int(v) for v in request.POST.getlist("present")}
    services.meeting_attendance_record(
        actor=request.user,
        meeting=meeting,
        now=now,
        attendance={user_id: user_id in present for user_id in meeting_participant_ids(meeting)},
    )


@login_required
def meeting_detail_page(request: SignedInRequest, pk: int) -> HttpResponse:
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
        },
    )
