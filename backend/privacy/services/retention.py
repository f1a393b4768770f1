"""Applying a school's retention periods: the daily beat task, the management command and the
officer's dry run all come here.

`apply_retention` builds the plan once (`backend.privacy.selectors.retention.retention_plan`: per
rule and model the ids that are due), stores its counts in a `RetentionRun` and, unless it is a
dry run, executes exactly that plan in one transaction. A second run finds nothing: every rule
selects only rows that still hold what it removes (a deleted row is gone, an emptied field is
empty, an erased person has the erased e-mail address). A dry run and a real run at the same
`as_of` count the same.

What "removed" means per rule (docs/privacy.md, "Retention"):
- care_notes: the enrolment's care notes are emptied;
- choices: choice lists and their choices are deleted; the explanation and reason of the student's
  placement in every run, the free text of their objections and the stored documents of the
  school's own runs are emptied. The assignment itself stays: it is the school's record of where
  the student went;
- student_account: the person is erased (`backend.privacy.services.erasure.erase_person`);
- evidence, notifications, access_log: the rows are deleted; with the evidence go the learning
  records behind it (self-assessments, their attachments and the files in storage, steps, the
  company's feedback, driehoekgesprekken, activity feedback, badges);
- activities: bookings at the school's events and participations in its meetings are deleted;
  the free text of its guest lessons (the teacher's message, the answer, the feedback's text) is
  emptied, the lesson with its status and rating stays;
- agreements: the agreement, its versions and its hash-chained log stay (the school's archive; the
  log names people by id only, so it keeps verifying); the school's students are taken off it as
  participants and the IP address and browser of each acceptance are emptied."""

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import PersonalDataRead, StudentEnrolment, User
from backend.accounts.services.sensitive_reads import access_log_maintenance
from backend.agreements.models import Acceptance, Agreement
from backend.allocations.models import (
    AllocationRun,
    Choice,
    ChoiceList,
    Objection,
    ObjectionStatus,
    RunPlacement,
)
from backend.core.errors import ApplicationError
from backend.curriculum.models import WerkprocesEvidence
from backend.engagement.models import (
    BookingFeedback,
    EventBooking,
    GuestLessonBooking,
    MeetingParticipant,
)
from backend.learning.models import (
    ActivityFeedback,
    Badge,
    CompanyFeedback,
    CompanyRating,
    EvidenceAttachment,
    EvidenceStep,
    SelfAssessment,
    TriadConversation,
    TriadSeries,
)
from backend.notifications.models import Notification
from backend.organisations.models import Organisation
from backend.privacy.models import RetentionPolicy, RetentionRule, RetentionRun
from backend.privacy.retention import DEFAULT_MONTHS, MAX_MONTHS
from backend.privacy.selectors.retention import (
    AGREEMENT_PARTICIPANTS,
    REMOVED_TEXT,
    RetentionPlan,
    retention_plan,
)
from backend.privacy.services.erasure import erase_person
from backend.privacy.services.stored_files import delete_after_commit, files_of

__all__ = [
    "RetentionPlan",
    "apply_retention",
    "apply_retention_everywhere",
    "retention_periods_set",
    "retention_plan",
]

logger = logging.getLogger(__name__)

# Rows per statement: well under SQLite's limit of bound parameters.
CHUNK = 500

Executor = Callable[[Sequence[int], "User | None", dt.datetime], None]


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _deleter(model: type) -> Executor:
    def delete(ids: Sequence[int], by: User | None, now: dt.datetime) -> None:
        for chunk in _chunks(ids):
            model._default_manager.filter(pk__in=chunk).delete()  # type: ignore[attr-defined]

    return delete


def _updater(model: type, **values: object) -> Executor:
    def update(ids: Sequence[int], by: User | None, now: dt.datetime) -> None:
        for chunk in _chunks(ids):
            model._default_manager.filter(pk__in=chunk).update(**values)  # type: ignore[attr-defined]

    return update


def _delete_attachments(ids: Sequence[int], by: User | None, now: dt.datetime) -> None:
    # The files go too, once the run has committed (a rollback keeps rows and files).
    files = files_of(EvidenceAttachment, ids)
    _deleter(EvidenceAttachment)(ids, by, now)
    delete_after_commit(files)


def _erase(ids: Sequence[int], by: User | None, now: dt.datetime) -> None:
    for person in User.objects.filter(pk__in=ids).order_by("pk"):
        # `by` None: the beat task, no person behind it.
        erase_person(person=person, by=by, now=now)


def _delete_reads(ids: Sequence[int], by: User | None, now: dt.datetime) -> None:
    # The access log is append-only (accounts migration 0011): retention is the one documented
    # way rows leave it, inside the maintenance switch, one DELETE per chunk past the queryset's
    # own refusal.
    with access_log_maintenance():
        for chunk in _chunks(ids):
            reads = PersonalDataRead.objects.filter(pk__in=chunk)
            reads._raw_delete(reads.db)


EXECUTORS: dict[str, Executor] = {
    StudentEnrolment._meta.label: _updater(StudentEnrolment, care_notes=""),
    ChoiceList._meta.label: _deleter(ChoiceList),
    Choice._meta.label: _deleter(Choice),
    RunPlacement._meta.label: _updater(RunPlacement, explanation={}, reason=""),
    Objection._meta.label: _updater(
        Objection,
        reason="",
        # A declined objection keeps an answer (a database constraint): it says what happened.
        answer=Case(
            When(status=ObjectionStatus.DECLINED, then=Value(REMOVED_TEXT)), default=Value("")
        ),
    ),
    AllocationRun._meta.label: _updater(AllocationRun, problem=None, result=None),
    User._meta.label: _erase,
    WerkprocesEvidence._meta.label: _deleter(WerkprocesEvidence),
    EvidenceAttachment._meta.label: _delete_attachments,
    EvidenceStep._meta.label: _deleter(EvidenceStep),
    SelfAssessment._meta.label: _deleter(SelfAssessment),
    CompanyRating._meta.label: _deleter(CompanyRating),
    CompanyFeedback._meta.label: _deleter(CompanyFeedback),
    TriadConversation._meta.label: _deleter(TriadConversation),
    TriadSeries._meta.label: _deleter(TriadSeries),
    ActivityFeedback._meta.label: _deleter(ActivityFeedback),
    Badge._meta.label: _deleter(Badge),
    EventBooking._meta.label: _deleter(EventBooking),
    MeetingParticipant._meta.label: _deleter(MeetingParticipant),
    GuestLessonBooking._meta.label: _updater(GuestLessonBooking, message="", answer_note=""),
    BookingFeedback._meta.label: _updater(BookingFeedback, text=""),
    Notification._meta.label: _deleter(Notification),
    AGREEMENT_PARTICIPANTS: _deleter(Agreement.participants.through),
    Acceptance._meta.label: _updater(Acceptance, ip_address=None, user_agent=""),
    PersonalDataRead._meta.label: _delete_reads,
}


def _execute(plan: RetentionPlan, *, by: User | None, now: dt.datetime) -> None:
    for rule_plan in plan.rules:
        for removal in rule_plan.removals:
            if removal.ids:
                EXECUTORS[removal.label](removal.ids, by, now)


def apply_retention(
    school: Organisation, *, as_of: dt.datetime, dry_run: bool, by: User | None = None
) -> RetentionRun:
    """Apply the school's retention periods counted back from `as_of` (a dry run: count what
    would be removed, remove nothing) and record the run. `by` None: the daily beat task.

    A real run holds a lock on the school's row for its transaction, so two runs of one school
    (the beat task and a command) take turns: the second plans after the first committed and
    finds nothing."""
    started_at = timezone.now()
    if dry_run:
        return _record(retention_plan(school, as_of=as_of), dry_run=True, by=by, at=started_at)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=school.pk).values_list("pk").first()
        plan = retention_plan(school, as_of=as_of)
        _execute(plan, by=by, now=started_at)
        return _record(plan, dry_run=False, by=by, at=started_at)


def _record(
    plan: RetentionPlan, *, dry_run: bool, by: User | None, at: dt.datetime
) -> RetentionRun:
    return RetentionRun.objects.create(
        school=plan.school,
        dry_run=dry_run,
        started_by=by,
        started_at=at,
        finished_at=max(at, timezone.now()),
        as_of=plan.as_of,
        counts=plan.counts(),
        total=plan.total,
    )


def apply_retention_everywhere(*, as_of: dt.datetime) -> list[RetentionRun]:
    """The daily task: a real run for every school, each in its own transaction. One school's
    failure (logged) does not keep the others from their run; tomorrow's run tries it again."""
    runs = []
    for school in Organisation.objects.schools().order_by("pk"):
        try:
            runs.append(apply_retention(school, as_of=as_of, dry_run=False))
        except Exception:
            logger.exception("Retention run failed for school %s", school.pk)
    return runs


@transaction.atomic
def retention_periods_set(
    *, school: Organisation, months: dict[str, int], by: User, now: dt.datetime
) -> list[RetentionPolicy]:
    """Set the school's periods (months per rule value). A period equal to the default removes
    the school's own row (the default applies again, also when it changes later). Raises
    ApplicationError naming each rule whose period is not a whole number from 0 to 240."""
    errors = {
        rule: [_("Kies een termijn van 0 tot en met %(max)d maanden.") % {"max": MAX_MONTHS}]
        for rule, value in months.items()
        if rule not in RetentionRule.values or not 0 <= value <= MAX_MONTHS
    }
    if errors:
        raise ApplicationError(_("Niet elke bewaartermijn is geldig."), extra={"fields": errors})
    kept = []
    for rule, value in months.items():
        if value == DEFAULT_MONTHS[RetentionRule(rule)]:
            RetentionPolicy.objects.filter(school=school, rule=rule).delete()
            continue
        policy = RetentionPolicy.objects.filter(school=school, rule=rule).first()
        if policy is None:
            policy = RetentionPolicy(school=school, rule=rule)
        elif policy.months == value:
            kept.append(policy)
            continue
        policy.months, policy.changed_by, policy.changed_at = value, by, now
        policy.save()
        kept.append(policy)
    return kept
