"""Dashboard items for the rounds area: students choose and read their result; coordinators
review, publish and decide objections. Built on backend.allocations.selectors.attention; titles,
links and urgency here."""

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.allocations.selectors.attention import (
    ManagedRound,
    rounds_in_progress_managed_by,
    student_attention,
)
from frontend.dashboard.items import DashboardItem

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.allocations.models import AllocationRound

AREA = "rounds"
# Choosing closes within this many days: the item turns urgent.
URGENT_WITHIN_DAYS = 2


def _url(name: str, round_id: int) -> str:
    return reverse(f"frontend:{name}", args=[round_id])


def _to_choose(allocation_round: "AllocationRound", now: dt.datetime) -> DashboardItem:
    due = allocation_round.choices_close_at
    return DashboardItem(
        title=_("Kies je uitdagingen voor %(round)s") % {"round": allocation_round.name},
        url=_url("round-student", allocation_round.pk),
        area=AREA,
        due=due.date(),
        urgency=2 if (due - now).days < URGENT_WITHIN_DAYS else 1,
    )


def _new_result(allocation_round: "AllocationRound") -> DashboardItem:
    return DashboardItem(
        title=_("Je indeling voor %(round)s is bekend") % {"round": allocation_round.name},
        url=_url("round-student", allocation_round.pk),
        area=AREA,
    )


def _managed(managed: ManagedRound) -> list[DashboardItem]:
    allocation_round, items = managed.allocation_round, []
    if allocation_round.accepts_runs:
        items.append(
            DashboardItem(
                title=_("Controleer en publiceer %(round)s") % {"round": allocation_round.name},
                url=_url("round-detail", allocation_round.pk),
                area=AREA,
                urgency=1,
            )
        )
    if managed.open_objections:
        items.append(
            DashboardItem(
                title=ngettext(
                    "%(n)d bezwaar in %(round)s",
                    "%(n)d bezwaren in %(round)s",
                    managed.open_objections,
                )
                % {"n": managed.open_objections, "round": allocation_round.name},
                url=_url("round-objections", allocation_round.pk),
                area=AREA,
                urgency=2,
            )
        )
    return items


def items_for(user: "User", *, now: dt.datetime) -> list[DashboardItem]:
    if not user.is_authenticated:
        return []
    student = student_attention(user)
    items = [_to_choose(r, now) for r in student.to_choose]
    items += [_new_result(r) for r in student.new_results]
    for managed in rounds_in_progress_managed_by(user):
        items += _managed(managed)
    return items
