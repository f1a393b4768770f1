"""The coach's and teacher's side: the queue of submitted self-assessments of their schools'
students, and one assessment to review with its attachments, history and the company's ratings
of that student on that activity. Staff of another school see nothing of these students."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.selectors import staff_school_ids
from backend.core.errors import NotFound
from backend.core.ids import MAX_ID
from backend.learning.access import is_school_staff_of
from backend.learning.models import (
    CompanyFeedback,
    EvidenceAttachment,
    EvidenceStep,
    ReviewStatus,
    SelfAssessment,
)
from backend.learning.selectors.company_feedback import company_feedback_of


def validation_queue_for(user: User, *, mine: bool = False) -> QuerySet[SelfAssessment]:
    """Submitted self-assessments of students enrolled at the schools where the user works,
    oldest submission first, with the student, their enrolment, the offer, its company and the
    werkproces; `mine`: only students the user coaches. One query per page (plus the count)."""
    schools = staff_school_ids(user) if user.is_authenticated else set()
    queue = SelfAssessment.objects.filter(
        status=ReviewStatus.SUBMITTED, student__enrolment__school_id__in=schools
    )
    if mine:
        queue = queue.filter(student__enrolment__coach=user)
    return queue.select_related(
        "student__enrolment__kwalificatie", "offer__owner", "werkproces"
    ).order_by("submitted_at", "pk")


@dataclass
class Review:
    assessment: SelfAssessment
    attachments: list[EvidenceAttachment]
    steps: list[EvidenceStep]
    # The company's submitted feedback on this student for this offer, with its ratings.
    company_feedback: list[CompanyFeedback]

    @property
    def may_decide(self) -> bool:
        """Waiting for a decision: validate or ask for more evidence."""
        return self.assessment.status == ReviewStatus.SUBMITTED

    @property
    def is_validated(self) -> bool:
        return self.assessment.status == ReviewStatus.VALIDATED


def self_assessment_for_review(pk: int, user: User) -> Review:
    """One self-assessment for school staff of the student's school; NotFound for anyone else
    (another school's student looks the same as a row that does not exist)."""
    assessment = (
        SelfAssessment.objects.select_related(
            "student__enrolment__kwalificatie",
            "offer__owner",
            "werkproces__kerntaak",
            "reviewed_by",
        )
        .prefetch_related(
            Prefetch("attachments", queryset=EvidenceAttachment.objects.order_by("pk")),
            Prefetch("steps", queryset=EvidenceStep.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
        if 1 <= pk <= MAX_ID
        else None
    )
    if assessment is None or not is_school_staff_of(user, assessment.student_id):
        raise NotFound(
            _("Deze zelfbeoordeling bestaat niet of hoort niet bij een student van uw school.")
        )
    return Review(
        assessment=assessment,
        attachments=list(assessment.attachments.all()),
        steps=list(assessment.steps.all()),
        company_feedback=list(company_feedback_of(assessment.student_id, assessment.offer_id)),
    )
