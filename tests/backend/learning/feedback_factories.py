"""Builders for the company-feedback tests: an open request for a placed student."""

import datetime as dt

from django.utils import timezone

from backend.learning.models import CompanyFeedback, Moment
from tests.backend.learning.factories import Placement


def open_feedback(
    placed: Placement, *, student=None, moment=Moment.FINAL, due_on: dt.date | None = None
) -> CompanyFeedback:
    """An open (unsubmitted) request about `student` (default: the first placed student)."""
    return CompanyFeedback.objects.create(
        student=student or placed.students[0],
        offer=placed.offer,
        moment=moment,
        due_on=due_on or timezone.localdate() + dt.timedelta(days=14),
    )


def levels_for(placed: Placement, level: str = "voldoende") -> dict[int, str]:
    """A level for every werkproces the placement's offer is mapped to."""
    return {werkproces.pk: level for werkproces in placed.werkprocessen}
