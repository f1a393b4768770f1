"""Commitments: who does what by when, with one owner, each change with a note; reminders
before the due date and escalation to the school's coordinator when overdue."""

import datetime as dt

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.accounts.models import User
from backend.agreements.models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    EventKind,
)
from backend.agreements.models.commitments import PENDING_STATUSES
from backend.agreements.selectors.access import (
    acting_party,
    can_manage,
    is_school_coordinator_for,
    party_organisation_for_person,
    school_coordinators,
)
from backend.agreements.services.common import OPEN, agreement_url
from backend.agreements.services.log import log_event
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.notifications.services import Message, notify_many

REMINDER_DAYS = (3, 1)
CATEGORY = "agreements"


def commitment_create_unchecked(
    *,
    agreement: Agreement,
    owner: User,
    organisation,
    title: str,
    due_on: dt.date,
    actor: User | None,
    now,
    description: str = "",
) -> Commitment:
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
    log_event(
        agreement=agreement,
        kind=EventKind.COMMITMENT_ADDED,
        actor=actor,
        at=now,
        payload={
            "commitment": commitment.pk,
            "title": title,
            "owner": owner.pk,
            "organisation": organisation.pk,
            "due_on": due_on.isoformat(),
        },
    )
    return commitment


@transaction.atomic
def commitment_create(
    *,
    agreement: Agreement,
    actor: User,
    owner: User,
    title: str,
    due_on: dt.date,
    now,
    description: str = "",
) -> Commitment:
    """Add a commitment with exactly one owner: a person who works for one of the parties."""
    if not can_manage(actor, agreement):
        raise PermissionDenied(_("Je bent geen partij bij deze afspraak."))
    if agreement.status not in OPEN:
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


def _may_set(actor: User, commitment: Commitment, status: str) -> bool:
    agreement = commitment.agreement
    if is_school_coordinator_for(actor, agreement):
        return True
    if status == CommitmentStatus.DONE:
        party = acting_party(actor, agreement)
        return actor.pk == commitment.owner_id or (
            party is not None and party.organisation_id == commitment.organisation_id
        )
    return False


def may_update_commitment(actor: User, commitment: Commitment) -> bool:
    """Whether the actor may change this commitment's status at all (pages hide the form)."""
    return _may_set(actor, commitment, CommitmentStatus.DONE)


def _record(
    *,
    commitment: Commitment,
    from_status: str,
    to_status: str,
    note: str,
    actor,
    now,
    from_owner=None,
    to_owner=None,
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
    payload = {"commitment": commitment.pk, "from": from_status, "to": to_status, "note": note}
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
    *, commitment: Commitment, actor: User, status: str, note: str, now
) -> Commitment:
    """Mark an open or overdue commitment done (the owner, their organisation or the school
    coordinator), waived or broken (the school coordinator). A note is required."""
    note = (note or "").strip()
    if status not in (CommitmentStatus.DONE, CommitmentStatus.WAIVED, CommitmentStatus.BROKEN):
        raise field_error("status", _("Kies gedaan, vervallen of niet nagekomen."))
    if not note:
        raise field_error("note", _("Schrijf kort op wat er is gebeurd."))
    if not _may_set(actor, commitment, status):
        raise PermissionDenied(
            _("Alleen de eigenaar of de coördinator van de school mag deze toezegging bijwerken.")
            if status == CommitmentStatus.DONE
            else _(
                "Alleen de coördinator van de school mag een toezegging laten vervallen of als niet nagekomen markeren."
            )
        )
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
    *, commitment: Commitment, new_owner: User, actor: User | None, note: str, now
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


def _message(person: User, *, title: str, params: dict, body: str, url: str, key: str) -> Message:
    with translation.override(person.preferred_language):
        return Message(
            recipient_id=person.pk,
            category=CATEGORY,
            title=_(title) % params,
            body=_(body) % params if body else "",
            url=url,
            dedupe_key=key,
        )


def commitment_send_reminders(*, now) -> int:
    """Remind owners 3 days and 1 day before the due date. Idempotent through the notification
    dedupe key (commitment, due date, days before): a second run sends nothing."""
    today = now.date()
    due_dates = [today + dt.timedelta(days=days) for days in REMINDER_DAYS]
    commitments = Commitment.objects.filter(
        status=CommitmentStatus.OPEN, due_on__in=due_dates, agreement__status__in=OPEN
    ).select_related("owner", "agreement")
    messages = []
    for commitment in commitments:
        days = (commitment.due_on - today).days
        messages.append(
            _message(
                commitment.owner,
                title=gettext_noop("Herinnering: '%(what)s' moet over %(days)s dag(en) klaar zijn"),
                body=gettext_noop(
                    "Afspraak '%(agreement)s', uiterlijk %(due)s. Afspraak is afspraak."
                ),
                params={
                    "what": commitment.title,
                    "days": days,
                    "agreement": commitment.agreement.title,
                    "due": commitment.due_on.isoformat(),
                },
                url=agreement_url(commitment.agreement),
                key=f"commitment-{commitment.pk}-reminder-{commitment.due_on.isoformat()}-{days}d",
            )
        )
    return len(notify_many(messages=messages, now=now))


def commitment_escalate_overdue(*, now) -> int:
    """Mark open commitments past their due date overdue (with a note in the history and the
    log) and tell the owner and the coordinators of the school party. Idempotent: the status
    moves once (conditional update) and every message has a dedupe key."""
    today = now.date()
    escalated = 0
    candidates = Commitment.objects.filter(
        status=CommitmentStatus.OPEN, due_on__lt=today, agreement__status__in=OPEN
    ).select_related("owner", "agreement")
    for commitment in candidates:
        with transaction.atomic():
            moved = Commitment.objects.filter(
                pk=commitment.pk, status=CommitmentStatus.OPEN
            ).update(status=CommitmentStatus.OVERDUE, escalated_at=now, updated_at=now)
            if moved != 1:
                continue  # another run got there first
            _record(
                commitment=commitment,
                from_status=CommitmentStatus.OPEN,
                to_status=CommitmentStatus.OVERDUE,
                note=_("Automatisch: de deadline van %(due)s is verstreken.")
                % {"due": commitment.due_on.isoformat()},
                actor=None,
                now=now,
            )
            params = {
                "what": commitment.title,
                "owner": str(commitment.owner),
                "agreement": commitment.agreement.title,
                "due": commitment.due_on.isoformat(),
            }
            url = agreement_url(commitment.agreement)
            people = {p.pk: p for p in school_coordinators(commitment.agreement)}
            messages = [
                _message(
                    person,
                    title=gettext_noop(
                        "Te laat: '%(what)s' van %(owner)s (afspraak '%(agreement)s')"
                    ),
                    body=gettext_noop("Deze toezegging had uiterlijk %(due)s klaar moeten zijn."),
                    params=params,
                    url=url,
                    key=f"commitment-{commitment.pk}-escalated",
                )
                for person in people.values()
                if person.pk != commitment.owner_id
            ]
            messages.append(
                _message(
                    commitment.owner,
                    title=gettext_noop("Te laat: '%(what)s' (afspraak '%(agreement)s')"),
                    body=gettext_noop("Deze toezegging had uiterlijk %(due)s klaar moeten zijn."),
                    params=params,
                    url=url,
                    key=f"commitment-{commitment.pk}-overdue",
                )
            )
            notify_many(messages=messages, now=now)
            escalated += 1
    return escalated
