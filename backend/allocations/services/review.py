"""The coordinator's corrections: lock, unlock and override single assignments.

An override is checked again with the engine's own eligibility rules (through the adapter) and
against the challenge's and the company's capacity; the database itself rejects a second
assignment of one student in one round.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import StudentEnrolment, User
from backend.allocations import engine_adapter, texts
from backend.allocations.engine_adapter import ChallengeRecord
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    AssignmentSource,
    Phase,
)
from backend.allocations.selectors.access import require_round_manager, round_enrolments
from backend.allocations.selectors.snapshot import challenge_records
from backend.allocations.selectors.student import choice_rank, student_record
from backend.allocations.services.common import (
    lock_round,
    record_event,
    require_phase,
)
from backend.allocations.services.counts import assignment_moved
from backend.core.errors import Conflict, NotFound, field_error
from backend.offers.models import Offer
from backend.organisations.models import Organisation


def _enrolment_in_round(allocation_round: AllocationRound, student: User) -> StudentEnrolment:
    enrolment = round_enrolments(allocation_round).filter(student_id=student.pk).first()
    if enrolment is None:
        raise field_error(
            "student", _("%(name)s doet niet mee aan deze ronde.") % {"name": student.first_name}
        )
    return enrolment


def _check_eligible(
    allocation_round: AllocationRound,
    student: User,
    enrolment: StudentEnrolment,
    offer: Offer,
    record: ChallengeRecord,
    *,
    today: dt.date,
) -> None:
    why = engine_adapter.ineligibility(
        student_record(allocation_round, enrolment, today=today), record
    )
    if why is not None:
        raise field_error(
            "offer",
            _("%(name)s kan niet naar '%(title)s': %(reason)s.")
            % {
                "name": student.first_name,
                "title": offer.title,
                "reason": texts.rule_sentence(why),
            },
        )


def _check_room(
    allocation_round: AllocationRound,
    student: User,
    record: ChallengeRecord,
    records: list[ChallengeRecord],
) -> None:
    """The challenge and its company still have a place (the student's own does not count)."""
    others = Assignment.objects.filter(round=allocation_round).exclude(student=student)
    taken = others.filter(offer_id=record.offer_id).count()
    if taken >= record.max:
        raise field_error(
            "offer",
            _("Deze uitdaging is vol: %(taken)d van %(max)d plaatsen bezet.")
            % {"taken": taken, "max": record.max},
        )
    capacity = dict(allocation_round.hosts.values_list("organisation_id", "capacity")).get(
        record.host_id
    )
    if capacity is None:
        return
    in_round = [c.offer_id for c in records if c.host_id == record.host_id]
    used = others.filter(offer_id__in=in_round).aggregate(n=Count("pk"))["n"]
    if used >= capacity:
        name = Organisation.objects.filter(pk=record.host_id).values_list("name", flat=True).first()
        raise field_error(
            "offer",
            _("%(host)s is vol: %(used)d van %(capacity)d plaatsen bezet.")
            % {"host": name, "used": used, "capacity": capacity},
        )


def check_placement(
    allocation_round: AllocationRound, student: User, offer: Offer, *, today: dt.date
) -> None:
    """Raise a clear error when `student` cannot be placed on `offer` in this round."""
    enrolment = _enrolment_in_round(allocation_round, student)
    records = challenge_records(allocation_round)
    record = next((c for c in records if c.offer_id == offer.pk), None)
    if record is None:
        # Named like an unknown id: the offer may be another school's (even a draft).
        raise field_error(
            "offer", _("Deze uitdaging bestaat niet of doet niet mee aan deze ronde.")
        )
    _check_eligible(allocation_round, student, enrolment, offer, record, today=today)
    _check_room(allocation_round, student, record, records)


def place_student(
    *,
    allocation_round: AllocationRound,
    student: User,
    offer: Offer,
    source: str,
    actor: User,
    now: dt.datetime,
) -> Assignment:
    """Put a student on a challenge (checked), locked so a re-run keeps it."""
    check_placement(allocation_round, student, offer, today=timezone.localdate(now))
    rank = choice_rank(allocation_round, student, offer)
    previous = Assignment.objects.filter(round=allocation_round, student=student).first()
    assignment, _created = Assignment.objects.update_or_create(
        round=allocation_round,
        student=student,
        defaults={
            "offer": offer,
            "rank": rank,
            "source": source,
            "locked": True,
            "run": None,
            "changed_by": actor,
            "changed_at": now,
        },
    )
    assignment_moved(allocation_round.pk, previous.offer_id if previous else None, offer.pk)
    record_event(
        allocation_round=allocation_round,
        actor=actor,
        kind=source,
        now=now,
        student=student.pk,
        offer=offer.pk,
        previous_offer=previous.offer_id if previous else None,
    )
    return assignment


@transaction.atomic
def assignment_override(
    *,
    allocation_round: AllocationRound,
    student: User,
    offer: Offer,
    actor: User,
    now: dt.datetime | None = None,
) -> Assignment:
    now = now or timezone.now()
    require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    require_phase(allocation_round, Phase.REVIEW)
    return place_student(
        allocation_round=allocation_round,
        student=student,
        offer=offer,
        source=AssignmentSource.OVERRIDE,
        actor=actor,
        now=now,
    )


def _assignment(allocation_round: AllocationRound, student: User) -> Assignment:
    assignment = Assignment.objects.filter(round=allocation_round, student=student).first()
    if assignment is None:
        raise NotFound(_("%(name)s is nog niet ingedeeld.") % {"name": student.first_name})
    return assignment


@transaction.atomic
def assignment_lock(
    *, allocation_round: AllocationRound, student: User, actor: User, now: dt.datetime | None = None
) -> Assignment:
    """Keep this assignment when the matcher runs again."""
    now = now or timezone.now()
    allocation_round, assignment = _assignment_under_review(allocation_round, student, actor)
    if assignment.locked:
        return assignment
    _set_locked(assignment, locked=True, allocation_round=allocation_round, actor=actor, now=now)
    return assignment


@transaction.atomic
def assignment_unlock(
    *, allocation_round: AllocationRound, student: User, actor: User, now: dt.datetime | None = None
) -> Assignment:
    now = now or timezone.now()
    allocation_round, assignment = _assignment_under_review(allocation_round, student, actor)
    if not assignment.locked:
        raise Conflict(_("Deze indeling staat niet vast."))
    _set_locked(assignment, locked=False, allocation_round=allocation_round, actor=actor, now=now)
    return assignment


def _assignment_under_review(
    allocation_round: AllocationRound, student: User, actor: User
) -> tuple[AllocationRound, Assignment]:
    """The locked round and the student's assignment, once the actor may correct it now."""
    require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    require_phase(allocation_round, Phase.REVIEW)
    return allocation_round, _assignment(allocation_round, student)


# Only the engine's own picks change source: an override or a manual placement stays what it was,
# so the review page keeps showing who chose it.
_SOURCE_AFTER = {
    True: (AssignmentSource.ENGINE, AssignmentSource.LOCKED),
    False: (AssignmentSource.LOCKED, AssignmentSource.ENGINE),
}


def _set_locked(
    assignment: Assignment,
    *,
    locked: bool,
    allocation_round: AllocationRound,
    actor: User,
    now: dt.datetime,
) -> None:
    assignment.locked = locked
    was, becomes = _SOURCE_AFTER[locked]
    if assignment.source == was:
        assignment.source = becomes
    assignment.changed_by, assignment.changed_at = actor, now
    assignment.save(update_fields=["locked", "source", "changed_by", "changed_at"])
    record_event(
        allocation_round=allocation_round,
        actor=actor,
        kind="locked" if locked else "unlocked",
        now=now,
        student=assignment.student_id,
        offer=assignment.offer_id,
    )
