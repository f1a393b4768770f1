"""A commitment's history as a reader sees it, in the reader's language. The service stores each
change with its statuses and owners as codes; the notes Koppel wrote itself (recorded, overdue,
handed over) were stored as Dutch sentences, so they are written again here from those codes
at display time. Notes people typed are shown as they typed them."""

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backend.agreements.models import Commitment, CommitmentStatus, CommitmentUpdate
from backend.agreements.selectors import commitment_history


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    from_status: str  # label in the active language, "" for the first line
    to_status: str
    from_owner: str
    to_owner: str
    note: str
    actor: str  # "" when Koppel did it


def _label(status: str) -> str:
    return str(CommitmentStatus(status).label) if status in CommitmentStatus.values else status


def _note(update: CommitmentUpdate, commitment: Commitment) -> str:
    if not update.from_status:
        return _("Toezegging vastgelegd.")
    if (
        update.actor_id is None
        and update.from_status == CommitmentStatus.OPEN
        and update.to_status == CommitmentStatus.OVERDUE
    ):
        return _("Automatisch: de deadline van %(due)s is verstreken.") % {
            "due": date_format(commitment.due_on, "j F Y")
        }
    if update.from_owner_id and update.to_owner_id and update.from_status == update.to_status:
        return _("Overgedragen van %(old)s aan %(new)s.") % {
            "old": update.from_owner,
            "new": update.to_owner,
        }
    return update.note


def commitment_history_lines(commitment: Commitment) -> list[HistoryLine]:
    """Oldest first; statuses as labels and Koppel's own notes in the active language."""
    return [
        HistoryLine(
            at=u.at,
            from_status=_label(u.from_status) if u.from_status else "",
            to_status=_label(u.to_status),
            from_owner=str(u.from_owner) if u.from_owner_id else "",
            to_owner=str(u.to_owner) if u.to_owner_id else "",
            note=_note(u, commitment),
            actor=str(u.actor) if u.actor_id else "",
        )
        for u in commitment_history(commitment)
    ]
