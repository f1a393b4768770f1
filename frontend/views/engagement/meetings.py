"""Meetings: the person's meetings, signing off and recording attendance."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import ApplicationError
from backend.engagement import services
from backend.engagement.selectors.meetings import (
    meeting_attendance_for_person,
    meeting_can_manage,
    meeting_participants,
    meetings_for,
)
from frontend.forms import apply_application_error
from frontend.views.engagement.common import T, require


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
                require(meeting_can_manage(request.user, meeting))
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
            apply_application_error(form, error)
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
