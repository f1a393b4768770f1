"""Reads of the allocations area (see access, snapshot, student and review)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from backend.allocations.models import ChoiceList, Objection, ObjectionStatus, Phase
from backend.allocations.selectors.access import rounds_for_student, rounds_managed_by
from frontend.dashboard.items import DashboardItem


def dashboard_items_for(user, *, now) -> list[DashboardItem]:
    """Items for this person's landing page; see backend.core.dashboard."""
    items: list[DashboardItem] = []
    for round in rounds_for_student(user):
        url = reverse("frontend:round-student", args=[round.pk])
        if (
            round.phase == Phase.CHOOSING
            and not ChoiceList.objects.filter(round=round, student=user).exists()
        ):
            due = round.choices_close_at
            items.append(
                DashboardItem(
                    title=_("Kies je uitdagingen voor %(round)s") % {"round": round.name},
                    url=url,
                    area="rounds",
                    due=due.date(),
                    urgency=2 if (due - now).days < 2 else 1,
                )
            )
        elif round.phase == Phase.PUBLISHED:
            items.append(
                DashboardItem(
                    title=_("Je indeling voor %(round)s is bekend") % {"round": round.name},
                    url=url,
                    area="rounds",
                )
            )
    managed = rounds_managed_by(user).exclude(phase=Phase.CLOSED) if user.is_authenticated else []
    for round in managed:
        url = reverse("frontend:round-detail", args=[round.pk])
        if round.phase in (Phase.ALLOCATING, Phase.REVIEW):
            items.append(
                DashboardItem(
                    title=_("Controleer en publiceer %(round)s") % {"round": round.name},
                    url=url,
                    area="rounds",
                    urgency=1,
                )
            )
        open_count = Objection.objects.filter(round=round, status=ObjectionStatus.OPEN).count()
        if open_count:
            items.append(
                DashboardItem(
                    title=_("%(n)d bezwaren in %(round)s") % {"n": open_count, "round": round.name},
                    url=reverse("frontend:round-objections", args=[round.pk]),
                    area="rounds",
                    urgency=2,
                )
            )
    return items


def offer_ids_for_student(user):
    """Offers the student is placed on in published rounds (a subquery, for other apps)."""
    from backend.allocations.models import Assignment
    from backend.allocations.selectors.review import PUBLISHED_PHASES

    return Assignment.objects.filter(student_id=user.pk, round__phase__in=PUBLISHED_PHASES).values(
        "offer_id"
    )
