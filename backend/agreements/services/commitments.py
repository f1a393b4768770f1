"""Commitments: who does what by when, with one owner, each change with a note; reminders
before the due date and escalation to the school's coordinator when overdue."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from backend.accounts.models import User
from backend.agreements.models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    EventKind,
)
from backend.agreements.models.agreements import OPEN_STATUSES
from backend.agreements.models.commitments import PENDING_STATUSES
from backend.agreements.selectors import party_organisation_for_person, school_coordinators
from backend.agreements.selectors.access import require_commitment_status_right, require_manager
from backend.agreements.services.common import CATEGORY, agreement_link, translated
from backend.agreements.services.log import log_event
from backend.core.errors import Conflict, field_error
from backend.notifications.services import Message, message_for, notify_many
from backend.organisations.models import Organisation

REMINDER_DAYS = (3, 1)


def commitment_create_unchecked(
    *,
    agreement: Agreement,
    owner: User,
    organisation: Organisation,
    title: str,
    due_on: dt.date,
    actor: User | None,
    now: dt.datetime,
    description: str = "",
) -> Commitment:
    """Record a commitment, its first history line and the log entry (callers check who)."""
    commitment = Commitment.objects.create(
        agreement=agreement,
        owner=owner,
        organisation=organisation,
        title=title,
        description=description,
        due_on=due_on,
    )
    CommitmentUpdate.objects.create(
        commitment=commitment,
        from_status="",
        to_status=CommitmentStatus.OPEN,
        to_owner=owner,
        note=_("Toezegging vastgelegd."),
        actor=actor,
        at=now,
    )
    _log_added(commitment, actor=actor, now=now)
    return commitment


def _log_added(commitment: Commitment, *, actor: User | None, now: dt.datetime) -> None:
    log_event(
        agreement=commitment.agreement,
        kind=EventKind.COMMITMENT_ADDED,
        actor=actor,
        at=now,
        payload={
            "commitment": commitment.pk,
            "title": commitment.title,
            "owner": commitment.owner_id,
            "organisation": commitment.organisation_id,
            "due_on": commitment.due_on.isoformat(),
        },
    )


@transaction.atomic
def commitment_create(
    *,
    agreement: Agreement,
    actor: User,
    owner: User,
    title: str,
    due_on: dt.date,
    now: dt.datetime,
    description: str = "",
) -> Commitment:
    """Add a commitment with exactly one owner: a person who works for one of the parties."""
    require_manager(actor, agreement)
    if not agreement.is_open:
        raise Conflict(_("Bij een afgesloten afspraak kun je geen toezeggingen toevoegen."))
    if not (title or "").strip():
        raise field_error("title", _("Beschrijf wat er gedaan wordt."))
    organisation_id = party_organisation_for_person(agreement, owner)
    if organisation_id is None or owner.left_at is not None:
        # Named by the id the client sent: `owner` may be anyone, even at another organisation.
        raise field_error(
            "owner",
            _("Persoon %(id)s werkt niet (meer) bij een van de partijen van deze afspraak.")
            % {"id": owner.pk},
        )
    organisation = agreement.parties.get(organisation_id=organisation_id).organisation
    return commitment_create_unchecked(
        agreement=agreement,
        owner=owner,
        organisation=organisation,
        title=title.strip(),
        description=description,
        due_on=due_on,
        actor=actor,
        now=now,
    )


def _record(
    *,
    commitment: Commitment,
    from_status: str,
    to_status: str,
    note: str,
    actor: User | None,
    now: dt.datetime,
    from_owner: User | None = None,
    to_owner: User | None = None,
) -> None:
    CommitmentUpdate.objects.create(
        commitment=commitment,
        from_status=from_status,
        to_status=to_status,
        note=note,
        actor=actor,
        at=now,
        from_owner=from_owner,
        to_owner=to_owner,
    )
    payload: dict[str, Any] = {
        "commitment": commitment.pk,
        "from": from_status,
        "to": to_status,
        "note": note,
    }
    if to_owner is not None:
        payload.update(
            {"from_owner": from_owner.pk if from_owner else None, "to_owner": to_owner.pk}
        )
    log_event(
        agreement=commitment.agreement,
        kind=EventKind.COMMITMENT_UPDATED,
        actor=actor,
        at=now,
        payload=payload,
    )


@transaction.atomic
def commitment_set_status(
    *, commitment: Commitment, actor: User, status: str, note: str, now: dt.datetime
) -> Commitment:
    """Mark an open or overdue commitment done (the owner, their organisation or the school
    coordinator), waived or broken (the school coordinator). A note is required."""
    note = (note or "").strip()
    if status not in (CommitmentStatus.DONE, CommitmentStatus.WAIVED, CommitmentStatus.BROKEN):
        raise field_error("status", _("Kies gedaan, vervallen of niet nagekomen."))
    if not note:
        raise field_error("note", _("Schrijf kort op wat er is gebeurd."))
    require_commitment_status_right(actor, commitment, status)
    previous = commitment.status
    updated = Commitment.objects.filter(pk=commitment.pk, status__in=PENDING_STATUSES).update(
        status=status, done_at=now if status == CommitmentStatus.DONE else None, updated_at=now
    )
    commitment.refresh_from_db()
    if updated != 1:
        raise Conflict(
            _("Deze toezegging is al '%(status)s'.") % {"status": commitment.get_status_display()}
        )
    _record(
        commitment=commitment,
        from_status=previous,
        to_status=status,
        note=note,
        actor=actor,
        now=now,
    )
    return commitment


@transaction.atomic
def commitment_reassign(
    *, commitment: Commitment, new_owner: User, actor: User | None, note: str, now: dt.datetime
) -> Commitment:
    """Give an open commitment to another person (used by the handover)."""
    previous_owner = commitment.owner
    Commitment.objects.filter(pk=commitment.pk).update(owner=new_owner, updated_at=now)
    commitment.refresh_from_db()
    _record(
        commitment=commitment,
        from_status=commitment.status,
        to_status=commitment.status,
        note=note,
        actor=actor,
        now=now,
        from_owner=previous_owner,
        to_owner=new_owner,
    )
    return commitment


def _message(
    person: User, *, commitment: Commitment, title: str, body: str, params: dict[str, Any], key: str
) -> Message:
    """`title`/`body`: gettext_noop msgids filled with `params` in `person`'s language."""
    return message_for(
        person,
        category=CATEGORY,
        title=translated(title, params),
        body=translated(body, params),
        link=agreement_link(commitment.agreement_id),
        dedupe_key=key,
    )


def commitment_send_reminders(*, now: dt.datetime) -> int:
    """Remind owners 3 days and 1 day before the due date. Idempotent through the notification
    dedupe key (commitment, due date, days before): a second run sends nothing."""
    today = now.date()
    due_dates = [today + dt.timedelta(days=days) for days in REMINDER_DAYS]
    commitments = Commitment.objects.filter(
        status=CommitmentStatus.OPEN, due_on__in=due_dates, agreement__status__in=OPEN_STATUSES
    ).select_related("owner", "agreement")
    messages = [_reminder(commitment, today=today) for commitment in commitments]
    return len(notify_many(messages=messages, now=now))


def _reminder(commitment: Commitment, *, today: dt.date) -> Message:
    days = (commitment.due_on - today).days
    params = {
        "what": commitment.title,
        "days": days,
        "agreement": commitment.agreement.title,
        "due": commitment.due_on.isoformat(),
    }

    def title() -> str:
        return (
            ngettext(
                "Herinnering: '%(what)s' moet over %(days)s dag klaar zijn",
                "Herinnering: '%(what)s' moet over %(days)s dagen klaar zijn",
                days,
            )
            % params
        )

    return message_for(
        commitment.owner,
        category=CATEGORY,
        title=title,
        body=translated(
            gettext_noop("Afspraak '%(agreement)s', uiterlijk %(due)s. Afspraak is afspraak."),
            params,
        ),
        link=agreement_link(commitment.agreement_id),
        dedupe_key=f"commitment-{commitment.pk}-reminder-{commitment.due_on.isoformat()}-{days}d",
    )


def commitment_escalate_overdue(*, now: dt.datetime) -> int:
    """Mark open commitments past their due date overdue (with a note in the history and the
    log) and tell the owner and the coordinators of the school party. Idempotent: the status
    moves once (conditional update) and every message has a dedupe key."""
    candidates = Commitment.objects.filter(
        status=CommitmentStatus.OPEN, due_on__lt=now.date(), agreement__status__in=OPEN_STATUSES
    ).select_related("owner", "agreement")
    escalated = 0
    for commitment in candidates:
        if _escalate(commitment, now=now):
            escalated += 1
    return escalated


@transaction.atomic
def _escalate(commitment: Commitment, *, now: dt.datetime) -> bool:
    """Mark one commitment overdue and send the messages; False when another run got there
    first."""
    moved = Commitment.objects.filter(pk=commitment.pk, status=CommitmentStatus.OPEN).update(
        status=CommitmentStatus.OVERDUE, escalated_at=now, updated_at=now
    )
    if moved != 1:
        return False
    _record(
        commitment=commitment,
        from_status=CommitmentStatus.OPEN,
        to_status=CommitmentStatus.OVERDUE,
        note=_("Automatisch: de deadline van %(due)s is verstreken.")
        % {"due": commitment.due_on.isoformat()},
        actor=None,
        now=now,
    )
    notify_many(messages=_overdue_messages(commitment), now=now)
    return True


def _overdue_messages(commitment: Commitment) -> list[Message]:
    """The school's coordinators hear whose commitment is late; the owner hears it too."""
    params = {
        "what": commitment.title,
        "owner": str(commitment.owner),
        "agreement": commitment.agreement.title,
        "due": commitment.due_on.isoformat(),
    }
    late = gettext_noop("Deze toezegging had uiterlijk %(due)s klaar moeten zijn.")
    people = {p.pk: p for p in school_coordinators(commitment.agreement)}
    messages = [
        _message(
            person,
            commitment=commitment,
            title=gettext_noop("Te laat: '%(what)s' van %(owner)s (afspraak '%(agreement)s')"),
            body=late,
            params=params,
            key=f"commitment-{commitment.pk}-escalated",
        )
        for person in people.values()
        if person.pk != commitment.owner_id
    ]
    messages.append(
        _message(
            commitment.owner,
            commitment=commitment,
            title=gettext_noop("Te laat: '%(what)s' (afspraak '%(agreement)s')"),
            body=late,
            params=params,
            key=f"commitment-{commitment.pk}-overdue",
        )
    )
    return messages
