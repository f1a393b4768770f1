"""Objections: a student objects within the window; the coordinator accepts (reassigns) or declines."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from backend.accounts.models import User
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    AssignmentSource,
    Objection,
    ObjectionStatus,
    Phase,
)
from backend.allocations.selectors.access import get_round_for_student
from backend.allocations.services.common import (
    lock_round,
    record_event,
    require_manager,
    require_phase,
)
from backend.allocations.services.review import place_student
from backend.core.errors import Conflict, field_error
from backend.notifications.services import notify
from backend.offers.models import Offer


@transaction.atomic
def objection_submit(
    *, round: AllocationRound, student: User, reason: str, now: dt.datetime | None = None
) -> Objection:
    now = now or timezone.now()
    round, _enrolment = get_round_for_student(student, round.pk)
    if round.phase != Phase.PUBLISHED or now >= round.objections_close_at:
        raise Conflict(_("Je kunt nu geen bezwaar maken: de bezwaartermijn is niet open."))
    if not reason.strip():
        raise field_error("reason", _("Schrijf waarom je het niet eens bent met je indeling."))
    assignment = Assignment.objects.filter(round=round, student=student).first()
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                round=round,
                student=student,
                offer=assignment.offer if assignment else None,
                reason=reason.strip(),
                created_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(_("Je hebt al een bezwaar ingediend dat nog niet is afgehandeld.")) from exc
    record_event(
        round=round, actor=student, kind="objection_submitted", now=now, objection=objection.pk
    )
    return objection


def _decide(objection: Objection, actor: User) -> Objection:
    require_manager(objection.round, actor)
    round = lock_round(objection.round)
    require_phase(round, Phase.PUBLISHED, Phase.OBJECTIONS)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(_("Over dit bezwaar is al besloten."))
    objection.round = round
    return objection


def _tell(objection: Objection, title: str, body: str, now: dt.datetime) -> None:
    notify(
        recipient=objection.student,
        category="allocation_objection",
        title=title,
        body=body,
        url=reverse("frontend:round-student", args=[objection.round_id]),
        dedupe_key=f"objection-{objection.pk}-decided",
        now=now,
    )


@transaction.atomic
def objection_accept(
    *,
    objection: Objection,
    actor: User,
    offer: Offer,
    answer: str = "",
    now: dt.datetime | None = None,
) -> Objection:
    """Accept: place the student on `offer` (capacity and eligibility checked again)."""
    now = now or timezone.now()
    objection = _decide(objection, actor)
    place_student(
        round=objection.round,
        student=objection.student,
        offer=offer,
        source=AssignmentSource.OBJECTION,
        actor=actor,
        now=now,
    )
    objection.status = ObjectionStatus.ACCEPTED
    objection.new_offer, objection.answer = offer, answer.strip()
    objection.decided_by, objection.decided_at = actor, now
    objection.save()
    record_event(
        round=objection.round,
        actor=actor,
        kind="objection_accepted",
        now=now,
        objection=objection.pk,
        offer=offer.pk,
    )
    with override(objection.student.preferred_language or "nl"):
        _tell(
            objection,
            _("Je bezwaar is toegekend"),
            _("Je bent nu ingedeeld bij '%(title)s'.") % {"title": offer.title}
            + (f" {objection.answer}" if objection.answer else ""),
            now,
        )
    return objection


@transaction.atomic
def objection_decline(
    *, objection: Objection, actor: User, answer: str, now: dt.datetime | None = None
) -> Objection:
    now = now or timezone.now()
    if not answer.strip():
        raise field_error("answer", _("Leg de student uit waarom het bezwaar is afgewezen."))
    objection = _decide(objection, actor)
    objection.status = ObjectionStatus.DECLINED
    objection.answer = answer.strip()
    objection.decided_by, objection.decided_at = actor, now
    objection.save()
    record_event(
        round=objection.round,
        actor=actor,
        kind="objection_declined",
        now=now,
        objection=objection.pk,
    )
    with override(objection.student.preferred_language or "nl"):
        _tell(objection, _("Je bezwaar is afgewezen"), objection.answer, now)
    return objection
