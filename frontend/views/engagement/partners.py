"""The organisers' attention list: partners that need follow-up and the school's quiet weeks."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backend.engagement.selectors.access import may_see_partner_attention, organiser_school_ids
from backend.engagement.selectors.partners import partners_needing_attention, quiet_weeks_for
from frontend.views.engagement.common import SignedInRequest, T, require


@login_required
def attention_page(request: SignedInRequest) -> HttpResponse:
    require(may_see_partner_attention(request.user))
    return render(
        request,
        T + "attention.html",
        {
            "rows": partners_needing_attention(request.user, now=timezone.now()),
            "quiet_weeks": quiet_weeks_for(organiser_school_ids(request.user)),
        },
    )
