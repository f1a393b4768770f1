"""A coach's or teacher's decision on a submitted self-assessment: validate it at a level, or
ask for more evidence with a reason. Only validated evidence counts as demonstrated: validation
writes `curriculum.WerkprocesEvidence` with `validated_by`/`validated_at`, which the portfolio and
the matcher's open werkprocessen read. Every decision is an `EvidenceStep` and a notification."""

import datetime as dt

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import User
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.core.links import PageLink
from backend.curriculum.models import ProgressLevel, WerkprocesEvidence
from backend.learning.access import is_school_staff_of
from backend.learning.models import EvidenceStep, ReviewStatus, SelfAssessment, StepKind
from backend.notifications.services import Text, notify

MAX_NOTE_CHARS = 2000


def _field(name: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"fields": {name: [message]}})


def _locked_for_decision(self_assessment: SelfAssessment, actor: User) -> SelfAssessment:
    """The assessment locked for a decision by school staff of the student; refuses other
    people and anything that is not waiting for a decision (a second validation, too)."""
    if not is_school_staff_of(actor, self_assessment.student_id):
        raise PermissionDenied(
            _("Alleen docenten en coaches van de school van de student kunnen dit beoordelen.")
        )
    locked = (
        SelfAssessment.objects.select_for_update()
        .select_related("student", "werkproces")
        .get(pk=self_assessment.pk)
    )
    if locked.status == ReviewStatus.VALIDATED:
        day = formats.date_format(locked.reviewed_at, "j F Y") if locked.reviewed_at else ""
        raise Conflict(_("Deze zelfbeoordeling is al gevalideerd op %(day)s.") % {"day": day})
    if locked.status != ReviewStatus.SUBMITTED:
        raise Conflict(
            _(
                "Deze zelfbeoordeling is niet ingediend (status: %(status)s); er valt niets te beoordelen."
            )
            % {"status": locked.get_status_display()}
        )
    return locked


def _decide(
    self_assessment: SelfAssessment,
    actor: User,
    status: str,
    reason: str,
    *,
    now: dt.datetime,
) -> SelfAssessment:
    """The coach's decision on a submitted self-assessment, under its row lock."""
    assessment = _locked_for_decision(self_assessment, actor)
    assessment.status = status
    assessment.reviewed_by = actor
    assessment.reviewed_at = now
    assessment.review_reason = reason
    assessment.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "updated_at"]
    )
    return assessment


def _notify_student(
    assessment: SelfAssessment, step: EvidenceStep, title: Text, body: Text
) -> None:
    """Title and body render in the student's language (`body` is a function for that)."""
    notify(
        recipient=assessment.student,
        category=f"learning_evidence_{step.kind}",
        title=title,
        body=body,
        link=PageLink("self-assessment", assessment.offer_id, assessment.werkproces_id),
        dedupe_key=f"learning-evidence-{step.kind}:{step.pk}",
        now=step.at,
    )


@transaction.atomic
def evidence_validate(
    *, self_assessment: SelfAssessment, actor: User, level: str, note: str, now: dt.datetime
) -> SelfAssessment:
    """Accept a submitted assessment at `level` (the coach's judgement, not necessarily the
    student's claim). Raises PermissionDenied for anyone but staff of the student's school,
    Conflict when it is not submitted (validated already, a draft, sent back), and an error on
    `level` or `note` for an unknown level or a note over MAX_NOTE_CHARS."""
    if level not in ProgressLevel.values:
        raise _field("level", _("Kies een niveau: nooit, oefenen, voldoende of goed."))
    note = note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise _field(
            "note",
            _("De toelichting is te lang: %(n)s tekens, hooguit %(max)s.")
            % {"n": len(note), "max": MAX_NOTE_CHARS},
        )
    assessment = _decide(self_assessment, actor, ReviewStatus.VALIDATED, note, now=now)
    WerkprocesEvidence.objects.update_or_create(
        student_id=assessment.student_id,
        werkproces_id=assessment.werkproces_id,
        offer_id=assessment.offer_id,
        defaults={
            "level": level,
            "recorded_by": actor,
            "validated_by": actor,
            "validated_at": now,
            "note": note,
        },
    )
    step = EvidenceStep.objects.create(
        self_assessment=assessment,
        kind=StepKind.VALIDATED,
        actor=actor,
        at=now,
        level=level,
        reason=note,
    )
    werkproces = assessment.werkproces
    _notify_student(
        assessment,
        step,
        gettext_lazy("Je zelfbeoordeling is gevalideerd"),
        body=lambda: (
            _("Werkproces %(code)s (%(title)s) is gevalideerd op niveau %(level)s.")
            % {
                "code": werkproces.code,
                "title": werkproces.title,
                "level": ProgressLevel(level).label,
            }
        ),
    )
    return assessment


@transaction.atomic
def evidence_request_more(
    *, self_assessment: SelfAssessment, actor: User, reason: str, now: dt.datetime
) -> SelfAssessment:
    """Send a submitted assessment back to the student with the reason (required): the student
    can change it and submit again. Same refusals as `evidence_validate`."""
    reason = reason.strip()
    if not reason:
        raise _field("reason", _("Schrijf op welk bewijs nog ontbreekt; de student leest dit."))
    if len(reason) > MAX_NOTE_CHARS:
        raise _field(
            "reason",
            _("De reden is te lang: %(n)s tekens, hooguit %(max)s.")
            % {"n": len(reason), "max": MAX_NOTE_CHARS},
        )
    assessment = _decide(self_assessment, actor, ReviewStatus.MORE_REQUESTED, reason, now=now)
    step = EvidenceStep.objects.create(
        self_assessment=assessment, kind=StepKind.MORE_REQUESTED, actor=actor, at=now, reason=reason
    )
    code = assessment.werkproces.code
    _notify_student(
        assessment,
        step,
        gettext_lazy("Je coach vraagt meer bewijs"),
        body=lambda: (
            _("Voor %(code)s is meer bewijs nodig: %(reason)s") % {"code": code, "reason": reason}
        ),
    )
    return assessment
