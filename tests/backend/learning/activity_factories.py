"""Builders for the activity-feedback tests: an ended activity with a team of Vista students, and
their answers."""

import datetime as dt

from django.utils import timezone

from backend.learning.models import ActivityFeedback
from tests.backend.learning.factories import Placement, placement
from tests.factories import student

NAMES = ("Lotte", "Daan", "Noor", "Milan", "Fleur", "Sem", "Julia", "Bram", "Tess", "Luuk")


def classmates(cast, count: int) -> list:
    """`count` Vista students in Sanne's kwalificatie (Sanne not among them), with names a page
    test can look for."""
    return [
        student(
            school=cast.vista,
            kwalificatie=cast.ict_niveau2,
            first_name=NAMES[i % len(NAMES)] + (str(i) if i >= len(NAMES) else ""),
        )
        for i in range(count)
    ]


def ended_placement(cast, *, students=None, days_ago: int = 3, **kwargs) -> Placement:
    """`placement()` of an activity whose last day was `days_ago` days ago."""
    today = timezone.localdate()
    return placement(
        cast,
        students=students,
        starts_on=today - dt.timedelta(days=days_ago + 60),
        ends_on=today - dt.timedelta(days=days_ago),
        **kwargs,
    )


def answer(offer, person, *, learned=4, supported=4, comment="") -> ActivityFeedback:
    """A stored answer, as if given through the service (tests of what others read)."""
    return ActivityFeedback.objects.create(
        student=person, offer=offer, learned=learned, supported=supported, comment=comment
    )
