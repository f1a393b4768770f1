"""The student's side of the learning loop: their activities (the hub), one self-assessment with
its attachments and history, and the attachments they or their school may download.

A student only ever sees their own rows; school staff of the student's school may download the
student's attachments (they validate them). Anything else looks like it does not exist
(`NotFound`), so an id says nothing about whether someone else's row is behind it."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import NotFound
from backend.core.ids import MAX_ID
from backend.curriculum.models import ProgressLevel, Werkproces
from backend.learning.access import is_school_staff_of
from backend.learning.models import (
    ActivityFeedback,
    CompanyRating,
    EvidenceAttachment,
    EvidenceStep,
    ReviewStatus,
    SelfAssessment,
)
from backend.learning.selectors.placements import (
    activity_has_ended,
    in_kwalificatie_of,
    is_placed_on,
    offer_werkprocessen,
    placements_of,
)
from backend.offers.models import Offer, WerkprocesMapping

# The student may change the assessment (and its attachments) only in these states.
EDITABLE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.MORE_REQUESTED)


def is_editable(assessment: SelfAssessment | None) -> bool:
    return assessment is None or assessment.status in EDITABLE_STATUSES


@dataclass(frozen=True)
class WerkprocesRow:
    werkproces: Werkproces
    assessment_id: int | None
    status: ReviewStatus | None
    # The company submitted a rating of this werkproces for this student (any moment).
    company_rated: bool

    @property
    def status_label(self) -> str:
        return str(self.status.label) if self.status else ""

    @property
    def is_validated(self) -> bool:
        return self.status == ReviewStatus.VALIDATED

    @property
    def needs_more(self) -> bool:
        return self.status == ReviewStatus.MORE_REQUESTED

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


@dataclass(frozen=True)
class ActivityRow:
    offer: Offer
    ended: bool
    werkprocessen: list[WerkprocesRow]
    activity_feedback_given: bool

    @property
    def activity_feedback_open(self) -> bool:
        return self.ended and not self.activity_feedback_given


def activities_of(student: User, *, today: dt.date) -> list[ActivityRow]:
    """The student's placements (published rounds), newest first, each with the werkprocessen
    the offer is mapped to: the self-assessment status and whether the company's rating arrived;
    and whether the student gave (or may give) feedback on the activity. Five queries, whatever
    the number of activities."""
    offers: dict[int, Offer] = {}
    for assignment in placements_of(student):
        offers.setdefault(assignment.offer_id, assignment.offer)
    if not offers:
        return []
    mappings: defaultdict[int, list[Werkproces]] = defaultdict(list)
    for mapping in (
        WerkprocesMapping.objects.filter(offer_id__in=offers)
        .filter(werkproces__in=Werkproces.objects.filter(in_kwalificatie_of(student.pk)))
        .select_related("werkproces")
        .order_by("werkproces__code", "werkproces_id")
    ):
        mappings[mapping.offer_id].append(mapping.werkproces)
    assessments = {
        (offer_id, werkproces_id): (pk, status)
        for pk, offer_id, werkproces_id, status in SelfAssessment.objects.filter(
            student=student, offer_id__in=offers
        ).values_list("pk", "offer_id", "werkproces_id", "status")
    }
    rated = set(
        CompanyRating.objects.filter(
            feedback__student=student,
            feedback__offer_id__in=offers,
            feedback__submitted_at__isnull=False,
        ).values_list("feedback__offer_id", "werkproces_id")
    )
    feedback_given = set(
        ActivityFeedback.objects.filter(student=student, offer_id__in=offers).values_list(
            "offer_id", flat=True
        )
    )
    rows = []
    for offer_id, offer in offers.items():
        werkprocessen = []
        for werkproces in mappings[offer_id]:
            pk, status = assessments.get((offer_id, werkproces.pk), (None, None))
            werkprocessen.append(
                WerkprocesRow(
                    werkproces=werkproces,
                    assessment_id=pk,
                    status=ReviewStatus(status) if status else None,
                    company_rated=(offer_id, werkproces.pk) in rated,
                )
            )
        rows.append(
            ActivityRow(
                offer=offer,
                ended=activity_has_ended(offer, today=today),
                werkprocessen=werkprocessen,
                activity_feedback_given=offer_id in feedback_given,
            )
        )
    return rows


@dataclass(frozen=True)
class CompanyRatingView:
    moment_label: str
    level_label: str
    submitted_at: dt.datetime | None


@dataclass
class SelfAssessmentPage:
    offer: Offer
    werkproces: Werkproces
    assessment: SelfAssessment | None
    attachments: list[EvidenceAttachment] = field(default_factory=list)
    steps: list[EvidenceStep] = field(default_factory=list)
    company_ratings: list[CompanyRatingView] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return is_editable(self.assessment)

    @property
    def status_label(self) -> str:
        return self.assessment.get_status_display() if self.assessment else ""


def _valid_id(value: int) -> bool:
    return 1 <= value <= MAX_ID


def placed_offer_and_werkproces(
    student: User, offer_id: int, werkproces_id: int
) -> tuple[Offer, Werkproces]:
    """The offer the student is placed on (published) and one of the werkprocessen it is mapped
    to; NotFound for anything else (someone else's activity, a werkproces not on the offer)."""
    if not (_valid_id(offer_id) and _valid_id(werkproces_id)):
        raise NotFound(_("Deze activiteit of dit werkproces bestaat niet."))
    if not is_placed_on(student.pk, offer_id):
        raise NotFound(_("Je bent niet ingedeeld op deze activiteit."))
    werkproces = (
        offer_werkprocessen(offer_id, student_id=student.pk).filter(pk=werkproces_id).first()
    )
    if werkproces is None:
        raise NotFound(_("Deze activiteit is niet gekoppeld aan dit werkproces."))
    offer = Offer.objects.select_related("owner").get(pk=offer_id)
    return offer, werkproces


def self_assessment_page(student: User, offer_id: int, werkproces_id: int) -> SelfAssessmentPage:
    """Everything the student's self-assessment page shows, with the company's ratings of this
    werkproces for this student (submitted feedback only)."""
    offer, werkproces = placed_offer_and_werkproces(student, offer_id, werkproces_id)
    assessment = (
        SelfAssessment.objects.filter(student=student, offer=offer, werkproces=werkproces)
        .prefetch_related(
            Prefetch("attachments", queryset=EvidenceAttachment.objects.order_by("pk")),
            Prefetch("steps", queryset=EvidenceStep.objects.select_related("actor")),
        )
        .first()
    )
    ratings = [
        CompanyRatingView(
            moment_label=rating.feedback.get_moment_display(),
            level_label=str(ProgressLevel(rating.level).label),
            submitted_at=rating.feedback.submitted_at,
        )
        for rating in CompanyRating.objects.filter(
            feedback__student=student,
            feedback__offer=offer,
            feedback__submitted_at__isnull=False,
            werkproces=werkproces,
        )
        .select_related("feedback")
        .order_by("feedback__submitted_at", "pk")
    ]
    return SelfAssessmentPage(
        offer=offer,
        werkproces=werkproces,
        assessment=assessment,
        attachments=list(assessment.attachments.all()) if assessment else [],
        steps=list(assessment.steps.all()) if assessment else [],
        company_ratings=ratings,
    )


def own_self_assessment(student: User, offer_id: int, werkproces_id: int) -> SelfAssessment | None:
    """The student's assessment of this werkproces on this offer (None when not started)."""
    return SelfAssessment.objects.filter(
        student=student, offer_id=offer_id, werkproces_id=werkproces_id
    ).first()


def own_attachment(user: User, pk: int) -> EvidenceAttachment:
    """One of the student's own attachments (to delete it); NotFound for anyone else's."""
    attachment = (
        EvidenceAttachment.objects.select_related("self_assessment").filter(pk=pk).first()
        if _valid_id(pk)
        else None
    )
    if attachment is None or attachment.self_assessment.student_id != user.pk:
        raise NotFound(_("Deze bijlage bestaat niet."))
    return attachment


def attachment_for_download(user: User, pk: int) -> EvidenceAttachment:
    """An attachment the user may download: their own, or one of a student of a school where
    they work. NotFound for anything else."""
    attachment = (
        EvidenceAttachment.objects.select_related("self_assessment").filter(pk=pk).first()
        if _valid_id(pk)
        else None
    )
    if attachment is None:
        raise NotFound(_("Deze bijlage bestaat niet."))
    student_id = attachment.self_assessment.student_id
    if student_id != user.pk and not is_school_staff_of(user, student_id):
        raise NotFound(_("Deze bijlage bestaat niet."))
    return attachment
