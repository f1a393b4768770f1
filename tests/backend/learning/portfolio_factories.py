"""Builders for the portfolio and coach tests: evidence at its different stages (a company's
rating, a self-assessment in each status, validated or unvalidated evidence) and badges."""

import datetime as dt

from django.utils import timezone

from backend.curriculum.models import ProgressLevel, Werkproces, WerkprocesEvidence
from backend.learning.models import (
    Badge,
    CompanyFeedback,
    CompanyRating,
    Moment,
    ReviewStatus,
    SelfAssessment,
)


def werkproces(cast, code):
    return Werkproces.objects.get(kerntaak__dossier_id=cast.ict_niveau2.dossier_id, code=code)


def validated_evidence(student, werkproces, *, by, offer=None, level=ProgressLevel.SUFFICIENT):
    now = timezone.now()
    return WerkprocesEvidence.objects.create(
        student=student,
        werkproces=werkproces,
        level=level,
        recorded_by=by,
        offer=offer,
        validated_by=by,
        validated_at=now,
    )


def unvalidated_evidence(student, werkproces, *, by, level=ProgressLevel.GOOD):
    return WerkprocesEvidence.objects.create(
        student=student, werkproces=werkproces, level=level, recorded_by=by
    )


def company_feedback(
    student,
    offer,
    *,
    levels=None,
    submitted_by=None,
    moment=Moment.FINAL,
    due_on=None,
):
    """Company feedback; submitted (with one rating per werkproces in `levels`) when
    `submitted_by` is given, else still open."""
    feedback = CompanyFeedback.objects.create(
        student=student,
        offer=offer,
        moment=moment,
        due_on=due_on or timezone.localdate() + dt.timedelta(days=7),
        submitted_by=submitted_by,
        submitted_at=timezone.now() if submitted_by else None,
    )
    for werkproces_, level in (levels or {}).items():
        CompanyRating.objects.create(feedback=feedback, werkproces=werkproces_, level=level)
    return feedback


def self_assessment(
    student, offer, werkproces, *, status=ReviewStatus.SUBMITTED, level=ProgressLevel.GOOD
):
    return SelfAssessment.objects.create(
        student=student,
        offer=offer,
        werkproces=werkproces,
        level=level,
        situation="In de bakkerij",
        task="Webshop bouwen",
        action="Ik heb de productpagina gemaakt",
        result="De eigenaar kan producten toevoegen",
        reflection="Volgende keer test ik eerder",
        status=status,
        submitted_at=None if status == ReviewStatus.DRAFT else timezone.now(),
    )


def badge(cast, student, *, werkproces=None, kerntaak=None, revoked=False):
    now = timezone.now()
    return Badge.objects.create(
        student=student,
        school=cast.vista,
        kwalificatie=cast.ict_niveau2,
        werkproces=werkproces,
        kerntaak=kerntaak,
        issued_by=cast.devries,
        issued_at=now,
        recipient_salt="zout",
        recipient_hash="sha256$" + "0" * 64,
        revoked_at=now if revoked else None,
        revoked_by=cast.devries if revoked else None,
        revocation_reason="Per vergissing" if revoked else "",
    )
