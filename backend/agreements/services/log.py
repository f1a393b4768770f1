"""Append to and verify the hash-chained agreement log."""

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypedDict

from django.db import connection, transaction

from backend.accounts.models import User
from backend.agreements.models import Agreement, AgreementEvent, AgreementLogHead
from backend.agreements.models.log import GENESIS_HASH, entry_hash, normalise_payload


class _Entry(TypedDict):
    agreement_id: int
    sequence: int
    kind: str
    actor_id: int | None
    at: dt.datetime
    payload: dict[str, Any]


def log_event(
    *,
    agreement: Agreement,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    payload: dict[str, Any] | None = None,
) -> AgreementEvent:
    """Append one entry and move the chain's head to it, in one transaction. Call inside the
    caller's transaction; the agreement row is locked so two writers cannot take the same sequence
    number (the unique constraint is the backstop)."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            return log_event(agreement=agreement, kind=kind, actor=actor, at=at, payload=payload)
    Agreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk", flat=True).get()
    sequence, prev_hash = _append_position(agreement.pk)
    payload = normalise_payload(payload or {})
    actor_id = actor.pk if actor is not None else None
    # The hash covers exactly the fields the entry stores, so spell them out once.
    entry: _Entry = {
        "agreement_id": agreement.pk,
        "sequence": sequence,
        "kind": kind,
        "actor_id": actor_id,
        "at": at,
        "payload": payload,
    }
    event = AgreementEvent(
        **entry, prev_hash=prev_hash, hash=entry_hash(prev_hash=prev_hash, **entry)
    )
    event.save()
    AgreementLogHead.objects.update_or_create(
        agreement_id=agreement.pk, defaults={"sequence": sequence, "hash": event.hash}
    )
    return event


def _append_position(agreement_id: int) -> tuple[int, str]:
    """The next sequence number and the hash to chain to. The head, not the last stored entry,
    decides: if entries were removed from the end, the next entry leaves a visible gap instead
    of quietly re-using their numbers and hiding the removal."""
    head = AgreementLogHead.objects.filter(agreement_id=agreement_id).values("sequence", "hash")
    last = head.first() or (
        AgreementEvent.objects.filter(agreement_id=agreement_id)
        .order_by("-sequence")
        .values("sequence", "hash")
        .first()
    )
    if last is None:
        return 1, GENESIS_HASH
    return last["sequence"] + 1, last["hash"]


@dataclass(frozen=True)
class ChainProblem:
    agreement_id: int
    event_id: int | None  # None: the entry that should be there is missing
    sequence: int
    reason: str


def verify_chain(*, agreement_id: int | None = None) -> list[ChainProblem]:
    """Recompute every chain (or one agreement's) and check its last entry against its head.
    Returns the first problem per agreement, by agreement; an empty list means the log is intact.
    Reads the entries in one ordered pass."""
    events = AgreementEvent.objects.order_by("agreement_id", "sequence")
    heads = AgreementLogHead.objects.all()
    if agreement_id is not None:
        events = events.filter(agreement_id=agreement_id)
        heads = heads.filter(agreement_id=agreement_id)
    head_of = {h.agreement_id: h for h in heads}
    problems: list[ChainProblem] = []
    chains = itertools.groupby(events.iterator(chunk_size=2000), key=attrgetter("agreement_id"))
    for chain_agreement_id, chain in chains:
        problem = _chain_problem(chain, head_of.pop(chain_agreement_id, None))
        if problem is not None:
            problems.append(problem)
    # A head whose chain has no entries left: every entry was removed.
    for head in head_of.values():
        reason = f"the log is empty but its head records #{head.sequence} (all entries removed)"
        problems.append(ChainProblem(head.agreement_id, None, 1, reason))
    return sorted(problems, key=attrgetter("agreement_id"))


def _chain_problem(
    chain: Iterable[AgreementEvent], head: AgreementLogHead | None
) -> ChainProblem | None:
    expected_prev, expected_seq = GENESIS_HASH, 1
    last: AgreementEvent | None = None
    for event in chain:
        reason = _entry_problem(event, expected_seq=expected_seq, expected_prev=expected_prev)
        if reason:
            return ChainProblem(event.agreement_id, event.pk, event.sequence, reason)
        expected_prev, expected_seq, last = event.hash, expected_seq + 1, event
    if last is None:  # groupby never yields an empty chain; nothing to compare with the head
        return None
    return _head_problem(last, head)


def _entry_problem(event: AgreementEvent, *, expected_seq: int, expected_prev: str) -> str:
    if event.sequence != expected_seq:
        return f"sequence {event.sequence} where {expected_seq} was expected (entry missing)"
    if event.prev_hash != expected_prev:
        return "prev_hash does not match the hash of the previous entry"
    if event.computed_hash() != event.hash:
        return "content does not match its hash (entry was changed)"
    return ""


def _head_problem(last: AgreementEvent, head: AgreementLogHead | None) -> ChainProblem | None:
    """The chain is consistent up to `last`; only its head can tell whether it used to be longer."""
    if head is None:
        reason = "no head records where this log ends (head removed)"
        return ChainProblem(last.agreement_id, last.pk, last.sequence, reason)
    if last.sequence < head.sequence:
        reason = (
            f"the log ends at #{last.sequence} but its head records #{head.sequence} "
            "(entries removed from the end)"
        )
        return ChainProblem(last.agreement_id, None, last.sequence + 1, reason)
    if last.sequence > head.sequence:
        reason = f"its head records #{head.sequence}: this entry was not appended by the app"
        return ChainProblem(last.agreement_id, last.pk, last.sequence, reason)
    if last.hash != head.hash:
        reason = "the hash of the last entry differs from the one its head records (entry replaced)"
        return ChainProblem(last.agreement_id, last.pk, last.sequence, reason)
    return None
