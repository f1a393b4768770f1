"""Reads of the allocations area (see access, attention, notices, snapshot, student, review)."""

from typing import Any

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.allocations.models import PUBLISHED_PHASES, Assignment


def offer_ids_for_student(user: User) -> QuerySet[Assignment, Any]:
    """Offers the student is placed on in published rounds (a subquery, for other apps)."""
    return Assignment.objects.filter(student_id=user.pk, round__phase__in=PUBLISHED_PHASES).values(
        "offer_id"
    )
