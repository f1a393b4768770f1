"""Builders for the badge tests: validated evidence and issued badges (on top of factories.py)."""

from django.utils import timezone

from backend.curriculum.models import ProgressLevel, Werkproces, WerkprocesEvidence
from backend.learning.services.badges import badge_issue, badge_publish


def werkproces(cast, code, kwalificatie=None):
    kwalificatie = kwalificatie or cast.ict_niveau2
    return Werkproces.objects.get(kerntaak__dossier_id=kwalificatie.dossier_id, code=code)


def validated(
    cast, *codes, student=None, level=ProgressLevel.GOOD, is_validated=True, kwalificatie=None
):
    """WerkprocesEvidence for `codes` of the student (default Sanne), validated by De Vries
    (or only recorded, when `is_validated` is False)."""
    student = student or cast.sanne
    return [
        WerkprocesEvidence.objects.create(
            student=student,
            werkproces=werkproces(cast, code, kwalificatie),
            level=level,
            recorded_by=cast.devries,
            validated_by=cast.devries if is_validated else None,
            validated_at=timezone.now() if is_validated else None,
        )
        for code in codes
    ]


def issued_badge(cast, code="B1-K1-W1", *, published=True, student=None, actor=None):
    """A badge for werkproces `code` (validated first), issued by De Vries, published by Sanne."""
    student = student or cast.sanne
    validated(cast, code, student=student)
    badge = badge_issue(
        actor=actor or cast.devries,
        student=student,
        werkproces=werkproces(cast, code),
        now=timezone.now(),
    )
    if published:
        badge_publish(badge=badge, actor=student, published=True, now=timezone.now())
    return badge
