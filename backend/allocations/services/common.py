"""Helpers every allocation service uses: the event record, the phase check and the row lock.
Who may do what is asked of selectors.access (e.g. require_round_manager)."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.allocations.models import AllocationRound, Phase, RoundEvent
from backend.core.errors import Conflict


def record_event(
    *,
    allocation_round: AllocationRound,
    actor: User | None,
    kind: str,
    now: dt.datetime,
    **data: Any,
) -> RoundEvent:
    """Append one line to the round's history (who did what, when)."""
    return RoundEvent.objects.create(
        round=allocation_round, actor=actor, at=now, kind=kind, data=data
    )


def require_phase(allocation_round: AllocationRound, *phases: str) -> None:
    if allocation_round.phase not in phases:
        names = ", ".join(str(Phase(p).label) for p in phases)
        raise Conflict(
            _("Dit kan alleen in de fase %(phases)s; de ronde is nu in de fase %(phase)s.")
            % {"phases": names, "phase": Phase(allocation_round.phase).label}
        )


def lock_round(allocation_round: AllocationRound) -> AllocationRound:
    """Re-read the round under a row lock so two writers cannot both move its phase."""
    return AllocationRound.objects.select_for_update().get(pk=allocation_round.pk)
