"""The organisers' attention list: partners that need follow-up and the school's quiet weeks."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from backend.engagement.selectors.access import organiser_school_ids
from backend.engagement.selectors.partners import partners_needing_attention, quiet_weeks_for
from frontend.views.engagement.common import T, require


@login_required
def attention_page(request):
    schools = organiser_school_ids(request.user)
    require(bool(schools))
    return render(
        request,
        T + "attention.html",
        {
            "rows": partners_needing_attention(request.user, now=timezone.now()),
            "quiet_weeks": quiet_weeks_for(schools),
        },
    )
