"""Helpers shared by the agreement services: versions, transitions, notifications."""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.agreements.models import Agreement, AgreementStatus, AgreementVersion, EventKind
from backend.agreements.services.log import log_event
from backend.agreements.services.rendering import content_hash, render_clauses, terms_for
from backend.agreements.services.sending import require_sendable
from backend.core.errors import Conflict
from backend.core.links import PageLink
from backend.notifications.services import message_for, notify_many

CATEGORY = "agreements"


def agreement_link(agreement_id: int) -> PageLink:
    """The page a message about an agreement points at."""
    return PageLink("agreement-detail", agreement_id)


def translated(msgid: str, params: Mapping[str, object]) -> Callable[[], str]:
    """`msgid` (marked with gettext_noop) filled with `params`, rendered later in the
    recipient's language (see notifications.message_for)."""
    return lambda: _(msgid) % params


def build_version(
    *, agreement: Agreement, actor: User, now: dt.datetime, note: str = ""
) -> AgreementVersion:
    """Create the next version from the agreement's current terms and template."""
    terms = terms_for(agreement)
    clauses = render_clauses(agreement.template, terms)
    last = agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=last + 1,
        terms=terms,
        clauses=clauses,
        content_hash=content_hash(terms, clauses),
        change_note=note,
        created_by=actor,
        created_at=now,
    )


def refresh_version(*, version: AgreementVersion, note: str) -> AgreementVersion:
    """Re-render a version that nobody accepted yet (save() refuses accepted ones)."""
    agreement = version.agreement
    version.terms = terms_for(agreement)
    version.clauses = render_clauses(agreement.template, version.terms)
    version.content_hash = content_hash(version.terms, version.clauses)
    version.change_note = note
    version.save()
    return version


def transition(
    *,
    agreement: Agreement,
    allowed_from: tuple[str, ...],
    to: str,
    actor: User | None,
    now: dt.datetime,
    event_kind: str,
    reason: str = "",
    payload: dict[str, Any] | None = None,
) -> Agreement:
    """Move the status with a conditional update (another request may have moved it already),
    then log it. Raises Conflict naming the current status when the move is not allowed."""
    moved = Agreement.objects.filter(pk=agreement.pk, status__in=allowed_from).update(
        status=to, status_reason=reason, status_changed_at=now, updated_at=now
    )
    agreement.refresh_from_db()
    if moved != 1:
        raise Conflict(
            _("Dit kan niet: de afspraak is nu '%(status)s'.")
            % {"status": agreement.get_status_display()}
        )
    log_event(
        agreement=agreement,
        kind=event_kind,
        actor=actor,
        at=now,
        payload={"from": list(allowed_from), "to": to, "reason": reason, **(payload or {})},
    )
    return agreement


def transition_to_proposed(
    *, agreement: Agreement, version: AgreementVersion, actor: User, now: dt.datetime
) -> Agreement:
    """Send a draft to its parties; the log names the version they are asked to accept. Refused
    (400, naming the fields) while the text has empty terms or its term is over."""
    require_sendable(
        template=agreement.template,
        terms=version.terms,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        today=timezone.localdate(now),
    )
    return transition(
        agreement=agreement,
        allowed_from=(AgreementStatus.DRAFT,),
        to=AgreementStatus.PROPOSED,
        actor=actor,
        now=now,
        event_kind=EventKind.PROPOSED,
        payload={"version": version.number},
    )


def notify_people(
    *,
    people: Iterable[User | None],
    agreement: Agreement,
    title: str,
    body: str = "",
    key: str,
    now: dt.datetime,
) -> None:
    """One message per person in their own language, linking to the agreement. `title`/`body`
    are gettext_noop msgids with %(title)s for the agreement title; `key` makes it idempotent."""
    params = {"title": agreement.title}
    recipients = {p.pk: p for p in people if p is not None}
    messages = [
        message_for(
            person,
            category=CATEGORY,
            title=translated(title, params),
            body=translated(body, params) if body else "",
            link=agreement_link(agreement.pk),
            dedupe_key=key,
        )
        for person in recipients.values()
    ]
    notify_many(messages=messages, now=now)


def party_contacts(agreement: Agreement, *, exclude: User | None = None) -> list[User]:
    return [
        party.contact
        for party in agreement.parties.select_related("contact")
        if party.contact is not None and (exclude is None or party.contact.pk != exclude.pk)
    ]
