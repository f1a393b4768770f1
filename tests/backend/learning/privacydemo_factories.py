"""A student's whole learning record written straight to the database, for the privacy tests
(export, erasure, retention): company feedback with ratings, self-assessments with an attachment
(a real file in storage) and steps, a driehoekgesprek with notes, activity feedback and badges."""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from backend.curriculum.models import ProgressLevel
from backend.learning.models import (
    ActivityFeedback,
    Badge,
    CompanyFeedback,
    CompanyRating,
    EvidenceAttachment,
    EvidenceStep,
    Moment,
    ReviewStatus,
    SelfAssessment,
    StepKind,
    TriadConversation,
    TriadSeries,
)
from backend.offers.models import Coverage, WerkprocesMapping
from tests.backend.learning.factories import placement

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class LearningRecord:
    feedback: CompanyFeedback
    assessment: SelfAssessment
    attachment: EvidenceAttachment
    series: TriadSeries
    activity_feedback: ActivityFeedback
    badge: Badge


def learning_record(cast, student, *, contact=None, coach=None, tag="") -> LearningRecord:
    """`student` on a challenge of Bakkerij Jansen (or of `contact`'s company) with one of
    everything; `tag` makes the texts of two students tell apart."""
    contact = contact or cast.jan
    coach = coach or cast.devries
    enrolment = student.enrolment
    own = list(enrolment.kwalificatie.werkprocessen().order_by("code")[:2])
    placed = placement(
        cast,
        students=[student],
        owner=contact.memberships.get().organisation,
        contact=contact,
        codes=[w.code for w in own] if enrolment.kwalificatie_id == cast.ict_niveau2.pk else (),
    )
    placed.offer.schools.add(enrolment.school)
    if not placed.werkprocessen:  # another dossier than the placement's default
        WerkprocesMapping.objects.bulk_create(
            [
                WerkprocesMapping(
                    offer=placed.offer, werkproces=w, coverage=Coverage.FULL, mapped_by=coach
                )
                for w in own
            ]
        )
    now = timezone.now()
    werkproces, other = own
    feedback = CompanyFeedback.objects.create(
        student=student,
        offer=placed.offer,
        moment=Moment.MIDPOINT,
        due_on=timezone.localdate() - dt.timedelta(days=3),
        comment=f"Werkt zelfstandig en vraagt op tijd om hulp.{tag}",
        submitted_by=contact,
        submitted_at=now - dt.timedelta(days=4),
    )
    CompanyRating.objects.bulk_create(
        [
            CompanyRating(feedback=feedback, werkproces=werkproces, level=ProgressLevel.GOOD),
            CompanyRating(feedback=feedback, werkproces=other, level=ProgressLevel.PRACTISING),
        ]
    )
    assessment = SelfAssessment.objects.create(
        student=student,
        offer=placed.offer,
        werkproces=werkproces,
        level=ProgressLevel.SUFFICIENT,
        situation=f"We bouwden een webshop voor de bakkerij.{tag}",
        task="Ik moest de planning maken.",
        action="Ik heb elke week met de eigenaar gebeld.",
        result="De planning klopte tot de laatste week.",
        reflection="Volgende keer plan ik meer tijd voor het testen.",
        status=ReviewStatus.MORE_REQUESTED,
        submitted_at=now - dt.timedelta(days=2),
        reviewed_by=coach,
        reviewed_at=now - dt.timedelta(days=1),
        review_reason="Voeg de planning zelf toe als bijlage.",
    )
    EvidenceStep.objects.bulk_create(
        [
            EvidenceStep(
                self_assessment=assessment,
                kind=StepKind.SUBMITTED,
                actor=student,
                at=now - dt.timedelta(days=2),
                level=ProgressLevel.SUFFICIENT,
            ),
            EvidenceStep(
                self_assessment=assessment,
                kind=StepKind.MORE_REQUESTED,
                actor=coach,
                at=now - dt.timedelta(days=1),
                reason="Voeg de planning zelf toe als bijlage.",
            ),
        ]
    )
    attachment = EvidenceAttachment(
        self_assessment=assessment,
        name=f"planning-week-3{tag}.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save("planning.pdf", ContentFile(PDF), save=False)
    attachment.save()
    series = TriadSeries.objects.create(
        student=student,
        offer=placed.offer,
        coach=coach,
        mentor=contact,
        interval_days=14,
        first_on=timezone.localdate() - dt.timedelta(days=28),
        last_on=timezone.localdate() + dt.timedelta(days=14),
        created_by=coach,
    )
    TriadConversation.objects.create(
        series=series,
        planned_on=series.first_on,
        held_on=series.first_on,
        notes=f"Loopt goed; planning bijhouden in Trello.{tag}",
        recorded_by=coach,
    )
    activity_feedback = ActivityFeedback.objects.create(
        student=student,
        offer=placed.offer,
        learned=4,
        supported=5,
        comment=f"Leuke opdracht, de eigenaar had altijd tijd.{tag}",
    )
    salt = "a1b2c3"
    badge = Badge.objects.create(
        student=student,
        school=enrolment.school,
        kwalificatie=enrolment.kwalificatie,
        werkproces=werkproces,
        issued_by=coach,
        issued_at=now,
        recipient_salt=salt,
        recipient_hash="sha256$" + hashlib.sha256((student.email + salt).encode()).hexdigest(),
        published_at=now,
    )
    return LearningRecord(feedback, assessment, attachment, series, activity_feedback, badge)
