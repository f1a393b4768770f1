"""Objections: a student objects within the window; the coordinator accepts (reassigns) or declines."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import User
from backend.allocations.models import (
    OBJECTION_PHASES,
    AllocationRound,
    Assignment,
    AssignmentSource,
    Objection,
    ObjectionStatus,
)
from backend.allocations.selectors.access import get_round_for_student, require_round_manager
from backend.allocations.services.common import lock_round, record_event, require_phase
from backend.allocations.services.review import place_student
from backend.core.errors import Conflict, field_error
from backend.core.links import PageLink
from backend.notifications.services import Text, notify
from backend.offers.models import Offer


@transaction.atomic
def objection_submit(
    *,
    allocation_round: AllocationRound,
    student: User,
    reason: str,
    now: dt.datetime | None = None,
) -> Objection:
    now = now or timezone.now()
    allocation_round, _enrolment = get_round_for_student(student, allocation_round.pk)
    if not allocation_round.objecting_is_open(now):
        raise Conflict(_("Je kunt nu geen bezwaar maken: de bezwaartermijn is niet open."))
    if not reason.strip():
        raise field_error("reason", _("Schrijf waarom je het niet eens bent met je indeling."))
    assignment = Assignment.objects.filter(round=allocation_round, student=student).first()
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                round=allocation_round,
                student=student,
                offer=assignment.offer if assignment else None,
                reason=reason.strip(),
                created_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(_("Je hebt al een bezwaar ingediend dat nog niet is afgehandeld.")) from exc
    record_event(
        allocation_round=allocation_round,
        actor=student,
        kind="objection_submitted",
        now=now,
        objection=objection.pk,
    )
    return objection


def _decide(objection: Objection, actor: User) -> Objection:
    require_round_manager(actor, objection.round)
    allocation_round = lock_round(objection.round)
    require_phase(allocation_round, *OBJECTION_PHASES)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if not objection.is_open:
        raise Conflict(_("Over dit bezwaar is al besloten."))
    objection.round = allocation_round
    return objection


def _tell(objection: Objection, *, title: Text, body: Text, now: dt.datetime) -> None:
    """Tell the student the decision, in their language, linking to their round."""
    notify(
        recipient=objection.student,
        category="allocation_objection",
        title=title,
        body=body,
        link=PageLink("round-student", objection.round_id),
        dedupe_key=f"objection-{objection.pk}-decided",
        now=now,
    )


def _accepted_body(objection: Objection, offer: Offer) -> str:
    sentence = _("Je bent nu ingedeeld bij '%(title)s'.") % {"title": offer.title}
    return sentence + (f" {objection.answer}" if objection.answer else "")


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
    current = (
        Assignment.objects.filter(round=objection.round, student_id=objection.student_id)
        .values_list("offer_id", flat=True)
        .first()
    )
    if current == offer.pk:
        raise field_error(
            "offer",
            _(
                "%(name)s is al ingedeeld bij '%(title)s'. Kies een andere uitdaging, of wijs "
                "het bezwaar af."
            )
            % {"name": objection.student.first_name, "title": offer.title},
        )
    place_student(
        allocation_round=objection.round,
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
        allocation_round=objection.round,
        actor=actor,
        kind="objection_accepted",
        now=now,
        objection=objection.pk,
        offer=offer.pk,
    )
    _tell(
        objection,
        title=gettext_lazy("Je bezwaar is toegekend"),
        body=lambda: _accepted_body(objection, offer),
        now=now,
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
        allocation_round=objection.round,
        actor=actor,
        kind="objection_declined",
        now=now,
        objection=objection.pk,
    )
    _tell(objection, title=gettext_lazy("Je bezwaar is afgewezen"), body=objection.answer, now=now)
    return objection
