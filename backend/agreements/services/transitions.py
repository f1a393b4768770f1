"""The other transitions: accepted → active → fulfilled, or cancelled / expired / broken, with the
reason. One service per transition; each checks who and the current state, uses a conditional
update and appends to the log."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from backend.accounts.models import User
from backend.agreements.models import Agreement, AgreementStatus, EventKind
from backend.agreements.models.agreements import OPEN_STATUSES, RUNNING_STATUSES
from backend.agreements.selectors.access import require_manager, require_school_coordinator
from backend.agreements.services.common import notify_people, party_contacts, transition
from backend.agreements.services.log import log_event
from backend.core.errors import Conflict, field_error


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Geef een reden op."))
    return reason


@transaction.atomic
def agreement_activate(*, agreement: Agreement, actor: User | None, now: dt.datetime) -> Agreement:
    """accepted → active. `actor=None` is the daily task when the start date is reached."""
    require_school_coordinator(actor, agreement)
    return transition(
        agreement=agreement,
        allowed_from=(AgreementStatus.ACCEPTED,),
        to=AgreementStatus.ACTIVE,
        actor=actor,
        now=now,
        event_kind=EventKind.ACTIVATED,
    )


@transaction.atomic
def agreement_fulfil(*, agreement: Agreement, actor: User, now: dt.datetime) -> Agreement:
    """active → fulfilled, once no commitment is open or overdue."""
    require_school_coordinator(actor, agreement)
    pending = agreement.commitments.pending().count()
    if pending:
        raise Conflict(
            ngettext(
                "Nog %(n)s toezegging open of te laat: rond die eerst af of laat die vervallen.",
                "Nog %(n)s toezeggingen open of te laat: rond die eerst af of laat ze vervallen.",
                pending,
            )
            % {"n": pending}
        )
    return transition(
        agreement=agreement,
        allowed_from=(AgreementStatus.ACTIVE,),
        to=AgreementStatus.FULFILLED,
        actor=actor,
        now=now,
        event_kind=EventKind.FULFILLED,
    )


@transaction.atomic
def agreement_cancel(
    *, agreement: Agreement, actor: User, now: dt.datetime, reason: str
) -> Agreement:
    """Any party (school coordinator or company contact) cancels an open agreement, with a reason."""
    reason = _require_reason(reason)
    require_manager(actor, agreement)
    agreement = transition(
        agreement=agreement,
        allowed_from=OPEN_STATUSES,
        to=AgreementStatus.CANCELLED,
        actor=actor,
        now=now,
        event_kind=EventKind.CANCELLED,
        reason=reason,
    )
    notify_people(
        people=party_contacts(agreement, exclude=actor),
        agreement=agreement,
        title=gettext_noop("Afspraak '%(title)s' is geannuleerd"),
        key=f"agreement-{agreement.pk}-cancelled",
        now=now,
    )
    return agreement


@transaction.atomic
def agreement_break(
    *, agreement: Agreement, actor: User, now: dt.datetime, reason: str
) -> Agreement:
    """accepted/active → broken: a party did not keep the agreement. School coordinator only."""
    reason = _require_reason(reason)
    require_school_coordinator(actor, agreement)
    return transition(
        agreement=agreement,
        allowed_from=RUNNING_STATUSES,
        to=AgreementStatus.BROKEN,
        actor=actor,
        now=now,
        event_kind=EventKind.BROKEN,
        reason=reason,
    )


@transaction.atomic
def agreement_expire(*, agreement: Agreement, now: dt.datetime) -> Agreement:
    """draft/proposed → expired (the system): the end date passed before every party accepted."""
    return transition(
        agreement=agreement,
        allowed_from=(AgreementStatus.DRAFT, AgreementStatus.PROPOSED),
        to=AgreementStatus.EXPIRED,
        actor=None,
        now=now,
        event_kind=EventKind.EXPIRED,
        reason=_("Niet door alle partijen geaccepteerd vóór de einddatum."),
    )


def agreements_advance(*, now: dt.datetime) -> dict[str, int]:
    """The daily run: start accepted agreements whose start date is reached, expire unaccepted
    ones whose end date passed. Idempotent: a second run finds nothing to do."""
    today = now.date()
    counts = {"activated": 0, "expired": 0}
    for agreement in Agreement.objects.filter(
        status=AgreementStatus.ACCEPTED, starts_on__lte=today
    ):
        try:
            agreement_activate(agreement=agreement, actor=None, now=now)
            counts["activated"] += 1
        except Conflict:
            pass  # another run got there first
    for agreement in Agreement.objects.filter(
        status__in=(AgreementStatus.DRAFT, AgreementStatus.PROPOSED), ends_on__lt=today
    ):
        try:
            agreement_expire(agreement=agreement, now=now)
            counts["expired"] += 1
        except Conflict:
            pass
    return counts


@transaction.atomic
def agreement_set_participants(
    *, agreement: Agreement, students: list[User], actor: User, now: dt.datetime
) -> Agreement:
    """The school coordinator names the students who work under this agreement (they may read
    it). Students must be enrolled at a school party."""
    require_school_coordinator(actor, agreement)
    school_ids = {
        p.organisation_id
        for p in agreement.parties.select_related("organisation")
        if p.organisation.is_school
    }
    for student in students:
        enrolment = getattr(student, "enrolment", None)
        if enrolment is None or enrolment.school_id not in school_ids:
            # Named by the id the client sent: `student` may be anyone, even at another school.
            raise field_error(
                "students",
                _("Persoon %(id)s is geen student van een school bij deze afspraak.")
                % {"id": student.pk},
            )
    agreement.participants.set(students)
    log_event(
        agreement=agreement,
        kind=EventKind.PARTICIPANTS,
        actor=actor,
        at=now,
        payload={"students": sorted(s.pk for s in students)},
    )
    return agreement
