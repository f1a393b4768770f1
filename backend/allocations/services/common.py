"""Helpers every allocation service uses: the event record and permission checks."""

from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.allocations.models import AllocationRound, Phase, RoundEvent
from backend.allocations.selectors.access import can_manage
from backend.core.errors import Conflict, PermissionDenied


def record_event(
    *, round: AllocationRound, actor: User | None, kind: str, now, **data
) -> RoundEvent:
    """Append one line to the round's history (who did what, when)."""
    return RoundEvent.objects.create(round=round, actor=actor, at=now, kind=kind, data=data)


def require_manager(round: AllocationRound, actor: User) -> None:
    if not can_manage(actor, round):
        raise PermissionDenied(
            _("Alleen coördinatoren van de eigen school mogen deze ronde beheren.")
        )


def require_phase(round: AllocationRound, *phases: str) -> None:
    if round.phase not in phases:
        names = ", ".join(str(Phase(p).label) for p in phases)
        raise Conflict(
            _("Dit kan alleen in de fase %(phases)s; de ronde is nu in de fase %(phase)s.")
            % {"phases": names, "phase": Phase(round.phase).label}
        )


def lock_round(round: AllocationRound) -> AllocationRound:
    """Re-read the round under a row lock so two writers cannot both move its phase."""
    return AllocationRound.objects.select_for_update().get(pk=round.pk)
