"""The students' feedback on an activity, as the student, the company and the school read it.

A company (and the staff of the schools its offer went to) sees the answers only as an
aggregate, and only in whole batches of `MIN_ANSWERS_FOR_COMPANY`: the summary covers the first
5, 10, 15… answers and stays the same until the next five are in. Below five it holds the count
and nothing else. So no change on the page ever follows one student's answer: comparing the page
before and after can only reveal an aggregate of at least five answers.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from backend.accounts.models import User
from backend.allocations.models import Assignment
from backend.learning.models import MIN_ANSWERS_FOR_COMPANY, ActivityFeedback
from backend.learning.selectors.placements import placements_of, published_assignments
from backend.offers.models import Offer, OfferStatus

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class FeedbackSummary:
    """What a company or school may read of the students' feedback on one offer.

    `count`: answers given so far. `shown`: how many answers the content is based on, 0 below
    the threshold, else the largest multiple of `needed` not above `count`. The averages (1-5,
    one decimal) and the comments (without names, sorted by their text: stable, never in the
    order they were given) exist only when `shown` > 0."""

    count: int
    needed: int
    shown: int
    learned_average: Decimal | None = None
    supported_average: Decimal | None = None
    comments: tuple[str, ...] = ()

    @property
    def is_shown(self) -> bool:
        return self.shown > 0

    @property
    def waiting(self) -> int:
        """Answers given after the last batch: they join the summary with the next batch."""
        return self.count - self.shown


def _average(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def offer_feedback_summary(offer: Offer) -> FeedbackSummary:
    """The aggregate of the students' answers on `offer` (see the module doc). Two queries at
    most, whatever the number of answers."""
    answers = ActivityFeedback.objects.filter(offer_id=offer.pk)
    count = answers.count()
    shown = count - count % MIN_ANSWERS_FOR_COMPANY
    if shown == 0:
        return FeedbackSummary(count=count, needed=MIN_ANSWERS_FOR_COMPANY, shown=0)
    # The first `shown` answers: a released batch never changes when later answers come in.
    rows = list(answers.order_by("pk").values_list("learned", "supported", "comment")[:shown])
    comments = sorted((c.strip() for _, _, c in rows if c.strip()), key=lambda c: (c.casefold(), c))
    return FeedbackSummary(
        count=count,
        needed=MIN_ANSWERS_FOR_COMPANY,
        shown=shown,
        learned_average=_average([learned for learned, _, _ in rows]),
        supported_average=_average([supported for _, supported, _ in rows]),
        comments=tuple(comments),
    )


def placement_for_feedback(student: User, offer_id: int) -> Assignment | None:
    """The student's published placement on the offer (with the offer and its company), or
    None: a student gives feedback only on an activity they were placed on."""
    return placements_of(student).filter(offer_id=offer_id).first()


def activity_feedback_of(student_id: int, offer_id: int) -> ActivityFeedback | None:
    """The student's own answer on the offer, if they gave one."""
    return ActivityFeedback.objects.filter(student_id=student_id, offer_id=offer_id).first()


def activity_feedback_given(student_id: int) -> set[int]:
    """The offers the student gave feedback on (for the hub: one query for all activities)."""
    return set(
        ActivityFeedback.objects.filter(student_id=student_id).values_list("offer_id", flat=True)
    )


def feedback_invitations_due(*, today: dt.date, since: dt.datetime) -> QuerySet[Assignment]:
    """Published placements whose activity ended since `since` (its last day in
    [since's date, today), or completed since then while it was still running) and whose
    student gave no feedback on it yet. With the student and the offer."""
    first_day = timezone.localdate(since)
    ended_by_date = Q(offer__ends_on__gte=first_day, offer__ends_on__lt=today)
    completed_early = Q(
        offer__status=OfferStatus.COMPLETED, offer__status_changed_at__gte=since
    ) & (Q(offer__ends_on__isnull=True) | Q(offer__ends_on__gte=today))
    answered = ActivityFeedback.objects.filter(
        student_id=OuterRef("student_id"), offer_id=OuterRef("offer_id")
    )
    return (
        published_assignments()
        .filter(ended_by_date | completed_early)
        .filter(~Exists(answered))
        .select_related("student", "offer")
        .order_by("offer_id", "student_id")
    )


def offer_for_feedback_summary(offer_id: int) -> Offer | None:
    """The offer with its company, for the summary page (who may read it: the services'
    `may_see_offer_feedback`)."""
    return Offer.objects.select_related("owner").filter(pk=offer_id).first()
