"""The append-only, hash-chained log of everything that happens to an agreement.

Each entry's hash is sha256(prev_hash + canonical JSON of the entry); changing, removing or
reordering a stored entry breaks the chain, which `manage.py verify_agreement_log` detects.
Removing entries from the END leaves a shorter chain that is still consistent, so every chain also
has a head (`AgreementLogHead`): the sequence and hash of its latest entry, written in the same
transaction as each append. The verifier checks the chain's last entry against it.

Entries name people only by user id (a pseudonymous reference), never by name, so erasing a
person's details later does not break the chain.

On PostgreSQL, triggers (migration 0003) make both tables append-only for every client, not only
this app: UPDATE and DELETE of a log entry are refused, and a head may only advance one entry at a
time. The one documented way around them (a data-protection order, a restore) is a DBA session that
runs `SET LOCAL koppel.agreement_log_maintenance = 'on'` inside its transaction, followed by
`manage.py verify_agreement_log` to show what the change did to the chains."""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class EventKind(models.TextChoices):
    CREATED = "created", _("aangemaakt")
    PROPOSED = "proposed", _("voorgesteld")
    ACCEPTED = "accepted", _("geaccepteerd")
    CHANGED = "changed", _("gewijzigd")
    ACTIVATED = "activated", _("gestart")
    FULFILLED = "fulfilled", _("nagekomen")
    CANCELLED = "cancelled", _("geannuleerd")
    EXPIRED = "expired", _("verlopen")
    BROKEN = "broken", _("verbroken")
    COMMITMENT_ADDED = "commitment_added", _("toezegging toegevoegd")
    COMMITMENT_UPDATED = "commitment_updated", _("toezegging bijgewerkt")
    HANDED_OVER = "handed_over", _("overgedragen")
    MOVED = "moved", _("overgegaan naar opvolger")
    RECONFIRMATION = "reconfirmation", _("herbevestiging gevraagd")
    PARTICIPANTS = "participants", _("deelnemers gewijzigd")
    CHILD_GENERATED = "child_generated", _("afspraak onder raamafspraak gemaakt")


class LogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a log entry through the app."""


class AgreementEventQuerySet(models.QuerySet["AgreementEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LogIsAppendOnly("Agreement log entries cannot be updated")

    def delete(self) -> NoReturn:
        raise LogIsAppendOnly("Agreement log entries cannot be deleted")

    # bulk_update would bypass save(): refuse it too.
    def bulk_update(
        self, objs: Iterable["AgreementEvent"], fields: Iterable[str], batch_size: int | None = None
    ) -> NoReturn:
        raise LogIsAppendOnly("Agreement log entries cannot be updated")


def canonical_json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))


def normalise_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """What the payload will look like when read back from the database (JSON round trip)."""
    normalised: dict[str, Any] = json.loads(canonical_json(payload or {}))
    return normalised


def entry_hash(
    *,
    prev_hash: str,
    agreement_id: int,
    sequence: int,
    kind: str,
    actor_id: int | None,
    at: dt.datetime,
    payload: Any,
) -> str:
    entry = {
        "agreement": agreement_id,
        "sequence": sequence,
        "kind": kind,
        "actor": actor_id,
        # Microseconds survive both SQLite and PostgreSQL; always hash the UTC instant.
        "at": at.astimezone(dt.UTC).isoformat(),
        "payload": payload,
    }
    return hashlib.sha256((prev_hash + canonical_json(entry)).encode()).hexdigest()


class AgreementEvent(models.Model):
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="events"
    )
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("soort"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AgreementEventQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "sequence"]
        verbose_name = _("logregel")
        verbose_name_plural = _("logboek")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="event_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}#{self.sequence} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LogIsAppendOnly("Agreement log entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LogIsAppendOnly("Agreement log entries cannot be deleted")

    def computed_hash(self) -> str:
        return entry_hash(
            prev_hash=self.prev_hash,
            agreement_id=self.agreement_id,
            sequence=self.sequence,
            kind=self.kind,
            actor_id=self.actor_id,
            at=self.at,
            payload=self.payload,
        )


class AgreementLogHead(models.Model):
    """The anchor of one agreement's chain: its latest entry's sequence and hash. A separate row
    (not fields on Agreement) so that saving a stale Agreement instance can never rewind it."""

    agreement = models.OneToOneField(
        "agreements.Agreement", on_delete=models.PROTECT, primary_key=True, related_name="log_head"
    )
    sequence = models.PositiveIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("logboekkop")
        verbose_name_plural = _("logboekkoppen")

    def __str__(self) -> str:
        return f"{self.agreement_id}#{self.sequence}"
