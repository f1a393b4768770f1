"""Append to and verify the hash-chained agreement log."""

from dataclasses import dataclass

from django.db import connection, transaction

from backend.agreements.models import Agreement, AgreementEvent
from backend.agreements.models.log import GENESIS_HASH, entry_hash, normalise_payload


def log_event(
    *, agreement: Agreement, kind: str, actor, at, payload: dict | None = None
) -> AgreementEvent:
    """Append one entry. Call inside the caller's transaction; the agreement row is locked so two
    writers cannot take the same sequence number (the unique constraint is the backstop)."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            return log_event(agreement=agreement, kind=kind, actor=actor, at=at, payload=payload)
    Agreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk", flat=True).get()
    last = (
        AgreementEvent.objects.filter(agreement_id=agreement.pk)
        .order_by("-sequence")
        .values("sequence", "hash")
        .first()
    )
    sequence = last["sequence"] + 1 if last else 1
    prev_hash = last["hash"] if last else GENESIS_HASH
    payload = normalise_payload(payload or {})
    actor_id = actor.pk if actor is not None else None
    # The hash covers exactly the fields the entry stores, so spell them out once.
    entry = {
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
    return event


@dataclass(frozen=True)
class ChainProblem:
    agreement_id: int
    event_id: int | None
    sequence: int
    reason: str


def verify_chain(*, agreement_id: int | None = None) -> list[ChainProblem]:
    """Recompute every chain (or one agreement's). Returns the first broken entry per agreement;
    an empty list means the log is intact. Reads in one ordered pass."""
    events = AgreementEvent.objects.order_by("agreement_id", "sequence")
    if agreement_id is not None:
        events = events.filter(agreement_id=agreement_id)
    problems: list[ChainProblem] = []
    current, expected_prev, expected_seq, broken = None, GENESIS_HASH, 1, False
    for event in events.iterator(chunk_size=2000):
        if event.agreement_id != current:
            current, expected_prev, expected_seq, broken = (
                event.agreement_id,
                GENESIS_HASH,
                1,
                False,
            )
        if broken:
            continue
        reason = ""
        if event.sequence != expected_seq:
            reason = f"sequence {event.sequence} where {expected_seq} was expected (entry missing)"
        elif event.prev_hash != expected_prev:
            reason = "prev_hash does not match the hash of the previous entry"
        elif event.computed_hash() != event.hash:
            reason = "content does not match its hash (entry was changed)"
        if reason:
            problems.append(ChainProblem(event.agreement_id, event.pk, event.sequence, reason))
            broken = True
            continue
        expected_prev, expected_seq = event.hash, expected_seq + 1
    return problems
