"""Publishing a round: only a coordinator can do it (never automatic). Everyone is told."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.allocations import texts
from backend.allocations.models import (
    ACTIVE_RUN_STATUSES,
    AllocationRound,
    AllocationRun,
    Assignment,
    Phase,
)
from backend.allocations.selectors.access import require_round_manager
from backend.allocations.selectors.notices import (
    Addressee,
    HostTeam,
    Placement,
    TeamMember,
    host_teams,
    placements_by_student,
    round_participants,
    round_result_staff,
)
from backend.allocations.services.common import lock_round, record_event, require_phase
from backend.core.errors import Conflict
from backend.core.links import PageLink
from backend.notifications.services import Message, message_for, notify_many

PUBLISHED = "allocation_published"


@transaction.atomic
def allocation_round_publish(
    *, allocation_round: AllocationRound, actor: User, now: dt.datetime | None = None
) -> AllocationRound:
    """review → published. Notifies every student (their assignment and a link to the
    explanation), the school's teachers and coaches, and each host company's contact (their team:
    first names, level and programme only)."""
    now = now or timezone.now()
    require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    require_phase(allocation_round, Phase.REVIEW)
    _check_publishable(allocation_round, now)
    allocation_round.phase, allocation_round.phase_changed_at = Phase.PUBLISHED, now
    allocation_round.published_at, allocation_round.published_by = now, actor
    allocation_round.save(
        update_fields=["phase", "phase_changed_at", "published_at", "published_by", "updated_at"]
    )
    counts = _notify(allocation_round, now)
    record_event(
        allocation_round=allocation_round,
        actor=actor,
        kind="phase",
        now=now,
        **{"from": Phase.REVIEW, "to": Phase.PUBLISHED},
        notified=counts,
    )
    return allocation_round


def _check_publishable(allocation_round: AllocationRound, now: dt.datetime) -> None:
    runs = AllocationRun.objects.filter(round=allocation_round, status__in=ACTIVE_RUN_STATUSES)
    if runs.exists():
        raise Conflict(_("Er loopt nog een indeling; publiceer als die klaar is."))
    if not Assignment.objects.filter(round=allocation_round).exists():
        raise Conflict(_("Er is nog niemand ingedeeld; start eerst een indeling."))
    if now >= allocation_round.objections_close_at:
        raise Conflict(_("De bezwaartermijn is al voorbij; verschuif die eerst."))


def _notify(allocation_round: AllocationRound, now: dt.datetime) -> dict[str, int]:
    """Tell the students, the teaching staff and the host companies (in that order)."""
    placed = placements_by_student(allocation_round)
    participants = round_participants(allocation_round)
    messages = [_student_message(allocation_round, s, placed.get(s.pk)) for s in participants]
    messages += [
        _staff_message(allocation_round, person, assigned=len(placed), total=len(participants))
        for person in round_result_staff(allocation_round)
    ]
    messages += [_team_message(allocation_round, team) for team in host_teams(allocation_round)]
    created = notify_many(messages=messages, now=now)
    return {"messages": len(created)}


def _student_message(
    allocation_round: AllocationRound, student: Addressee, placement: Placement | None
) -> Message:
    def body() -> str:
        result = texts.result_sentence(
            title=placement.title if placement else None,
            rank=placement.rank if placement else None,
            source=placement.source if placement else "",
        )
        close = timezone.localtime(allocation_round.objections_close_at).strftime("%d-%m-%Y")
        return (
            result
            + " "
            + _("Bekijk waarom, en maak bezwaar tot %(date)s als je het er niet mee eens bent.")
            % {"date": close}
        )

    return message_for(
        student,
        category=PUBLISHED,
        title=lambda: _("Je indeling voor %(round)s is bekend") % {"round": allocation_round.name},
        body=body,
        link=PageLink("round-student", allocation_round.pk),
        dedupe_key=f"round-{allocation_round.pk}-published",
    )


def _staff_message(
    allocation_round: AllocationRound, person: Addressee, *, assigned: int, total: int
) -> Message:
    return message_for(
        person,
        category=PUBLISHED,
        title=lambda: _("Indeling %(round)s gepubliceerd") % {"round": allocation_round.name},
        body=lambda: (
            _("%(assigned)d van %(total)d studenten zijn ingedeeld.")
            % {"assigned": assigned, "total": total}
        ),
        link=PageLink("round-detail", allocation_round.pk),
        dedupe_key=f"round-{allocation_round.pk}-published-staff",
    )


def _member(member: TeamMember) -> str:
    return f"{member.first_name} (niveau {member.level}, {member.programme})"


def _team_message(allocation_round: AllocationRound, team: HostTeam) -> Message:
    return message_for(
        team.contact,
        category="allocation_team",
        title=lambda: _("Je team voor '%(title)s'") % {"title": team.title},
        body=lambda: (
            _("Deze studenten komen bij jullie: %(team)s.")
            % {"team": ", ".join(_member(m) for m in team.members)}
        ),
        link=PageLink("round-teams"),
        dedupe_key=f"round-{allocation_round.pk}-team-{team.offer_id}",
    )
