"""Publishing a round: only a coordinator can do it (never automatic). Everyone is told."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from backend.accounts.models import Membership, Role, User
from backend.allocations import texts
from backend.allocations.models import (
    ACTIVE_RUN_STATUSES,
    AllocationRound,
    AllocationRun,
    Assignment,
    Phase,
)
from backend.allocations.selectors.access import round_enrolments, round_school_ids
from backend.allocations.services.common import (
    lock_round,
    record_event,
    require_manager,
    require_phase,
)
from backend.core.errors import Conflict
from backend.notifications.services import Message, notify_many
from backend.offers.models import Offer


@transaction.atomic
def allocation_round_publish(
    *, round: AllocationRound, actor: User, now: dt.datetime | None = None
) -> AllocationRound:
    """review → published. Notifies every student (their assignment and a link to the
    explanation), the school's teachers and coaches, and each host company's contact (their team:
    first names, level and programme only)."""
    now = now or timezone.now()
    require_manager(round, actor)
    round = lock_round(round)
    require_phase(round, Phase.REVIEW)
    if AllocationRun.objects.filter(round=round, status__in=ACTIVE_RUN_STATUSES).exists():
        raise Conflict(_("Er loopt nog een indeling; publiceer als die klaar is."))
    if not Assignment.objects.filter(round=round).exists():
        raise Conflict(_("Er is nog niemand ingedeeld; start eerst een indeling."))
    if now >= round.objections_close_at:
        raise Conflict(_("De bezwaartermijn is al voorbij; verschuif die eerst."))
    round.phase, round.phase_changed_at = Phase.PUBLISHED, now
    round.published_at, round.published_by = now, actor
    round.save(
        update_fields=["phase", "phase_changed_at", "published_at", "published_by", "updated_at"]
    )
    counts = _notify(round, now)
    record_event(
        round=round,
        actor=actor,
        kind="phase",
        now=now,
        **{"from": Phase.REVIEW, "to": Phase.PUBLISHED},
        notified=counts,
    )
    return round


def _notify(round: AllocationRound, now: dt.datetime) -> dict[str, int]:
    student_url = reverse("frontend:round-student", args=[round.pk])
    staff_url = reverse("frontend:round-detail", args=[round.pk])
    placed = {
        student_id: (title, rank, source)
        for student_id, title, rank, source in Assignment.objects.filter(round=round).values_list(
            "student_id", "offer__title", "rank", "source"
        )
    }
    messages: list[Message] = []
    participants = list(
        round_enrolments(round).values_list("student_id", "student__preferred_language")
    )
    for student_id, language in participants:
        title, rank, source = placed.get(student_id, (None, None, ""))
        with override(language or "nl"):
            messages.append(
                Message(
                    recipient_id=student_id,
                    category="allocation_published",
                    title=_("Je indeling voor %(round)s is bekend") % {"round": round.name},
                    body=texts.result_sentence(title=title, rank=rank, source=source)
                    + " "
                    + _(
                        "Bekijk waarom, en maak bezwaar tot %(date)s als je het er niet mee eens bent."
                    )
                    % {"date": timezone.localtime(round.objections_close_at).strftime("%d-%m-%Y")},
                    url=student_url,
                    dedupe_key=f"round-{round.pk}-published",
                )
            )
    staff = (
        Membership.objects.active()
        .filter(organisation_id__in=round_school_ids(round), role__in=[Role.TEACHER, Role.COACH])
        .values_list("user_id", "user__preferred_language")
        .distinct()
    )
    for user_id, language in staff:
        with override(language or "nl"):
            messages.append(
                Message(
                    recipient_id=user_id,
                    category="allocation_published",
                    title=_("Indeling %(round)s gepubliceerd") % {"round": round.name},
                    body=_("%(assigned)d van %(total)d studenten zijn ingedeeld.")
                    % {"assigned": len(placed), "total": len(participants)},
                    url=staff_url,
                    dedupe_key=f"round-{round.pk}-published-staff",
                )
            )
    teams: dict[int, list[str]] = defaultdict(list)
    for offer_id, first, niveau, programme in (
        Assignment.objects.filter(round=round)
        .order_by("offer_id", "student__first_name")
        .values_list(
            "offer_id",
            "student__first_name",
            "student__enrolment__kwalificatie__niveau",
            "student__enrolment__kwalificatie__title",
        )
    ):
        teams[offer_id].append(f"{first} (niveau {niveau}, {programme})")
    for offer_id, title, contact_id, language in Offer.objects.filter(
        pk__in=teams.keys()
    ).values_list("pk", "title", "contact_id", "contact__preferred_language"):
        with override(language or "nl"):
            messages.append(
                Message(
                    recipient_id=contact_id,
                    category="allocation_team",
                    title=_("Je team voor '%(title)s'") % {"title": title},
                    body=_("Deze studenten komen bij jullie: %(team)s.")
                    % {"team": ", ".join(teams[offer_id])},
                    url=reverse("frontend:round-teams"),
                    dedupe_key=f"round-{round.pk}-team-{offer_id}",
                )
            )
    created = notify_many(messages=messages, now=now)
    return {"messages": len(created)}
