"""Reads of the company mentor's feedback (`CompanyFeedback` + `CompanyRating`).

A company sees a student of its team as first name, niveau and team (the activity) only: never
the student's e-mail, other grades, evidence or care notes. Feedback is only ever listed while
the student is still placed on the offer in a published round (`placements.published_assignments`),
so a student moved to another activity drops out of the company's list and the coach's list.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.selectors import company_ids
from backend.core.errors import NotFound
from backend.curriculum.models import Werkproces
from backend.learning.models import CompanyFeedback, CompanyRating, Moment
from backend.learning.selectors.placements import offer_werkprocessen, published_assignments

# The company's list shows every open request and the most recent submitted ones.
SUBMITTED_SHOWN = 50


@dataclass(frozen=True)
class CompanyFeedbackRow:
    """One student of the company's team at one moment, as the company may see it."""

    pk: int
    first_name: str
    niveau: int | None
    team: str  # the activity (offer) the student works on with their team
    moment: str
    moment_label: str
    due_on: dt.date
    submitted_at: dt.datetime | None
    overdue: bool

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


@dataclass(frozen=True)
class CompanyFeedbackForm:
    """What the company's form needs: the feedback (its ratings prefetched, once submitted), who
    it is about (first name, niveau, team) and the werkprocessen it is rated on (the offer's
    mapping, by code)."""

    feedback: CompanyFeedback
    first_name: str
    niveau: int | None
    team: str
    werkprocessen: list[Werkproces]


def _still_placed() -> Exists:
    """The feedback's student is (still) placed on the feedback's offer in a published round."""
    return Exists(
        published_assignments().filter(
            student_id=OuterRef("student_id"), offer_id=OuterRef("offer_id")
        )
    )


def _for_companies(companies: Iterable[int]) -> QuerySet[CompanyFeedback]:
    return CompanyFeedback.objects.filter(offer__owner_id__in=list(companies)).filter(
        _still_placed()
    )


_ROW_FIELDS = (
    "pk",
    "student__first_name",
    "student__enrolment__kwalificatie__niveau",
    "offer__title",
    "moment",
    "due_on",
    "submitted_at",
)


def feedback_for_company(user: User, *, today: dt.date | None = None) -> list[CompanyFeedbackRow]:
    """The user's companies' feedback requests: every open one (soonest due first), then the
    latest SUBMITTED_SHOWN submitted ones (newest first). Two queries (plus the user's
    memberships, once per request)."""
    companies = company_ids(user)
    if not companies:
        return []
    today = today or timezone.localdate()
    feedback = _for_companies(companies)
    open_rows = feedback.filter(submitted_at__isnull=True).order_by("due_on", "offer__title", "pk")
    done_rows = feedback.filter(submitted_at__isnull=False).order_by("-submitted_at", "-pk")
    rows = [
        *open_rows.values_list(*_ROW_FIELDS),
        *done_rows.values_list(*_ROW_FIELDS)[:SUBMITTED_SHOWN],
    ]
    labels = dict(Moment.choices)
    return [
        CompanyFeedbackRow(
            pk=pk,
            first_name=first_name,
            niveau=niveau,
            team=team,
            moment=moment,
            moment_label=str(labels.get(moment, moment)),
            due_on=due_on,
            submitted_at=submitted_at,
            overdue=submitted_at is None and due_on < today,
        )
        for pk, first_name, niveau, team, moment, due_on, submitted_at in rows
    ]


def _ratings() -> "Prefetch[str, QuerySet[CompanyRating], str]":
    """The ratings with their werkproces (and kerntaak), by werkproces code."""
    return Prefetch(
        "ratings",
        queryset=CompanyRating.objects.select_related("werkproces__kerntaak").order_by(
            "werkproces__code", "pk"
        ),
    )


def company_feedback_for_contact(user: User, pk: int) -> CompanyFeedbackForm:
    """One feedback request of the user's companies for the form. NotFound when it does not
    exist, belongs to another company or its student is no longer placed on the offer."""
    feedback = (
        _for_companies(company_ids(user))
        .select_related("offer__owner", "student__enrolment__kwalificatie")
        .prefetch_related(_ratings())
        .filter(pk=pk)
        .first()
    )
    if feedback is None:
        raise NotFound(_("Deze feedback bestaat niet of hoort niet bij uw bedrijf."))
    enrolment = getattr(feedback.student, "enrolment", None)
    return CompanyFeedbackForm(
        feedback=feedback,
        first_name=feedback.student.first_name,
        niveau=enrolment.kwalificatie.niveau if enrolment else None,
        team=feedback.offer.title,
        werkprocessen=list(offer_werkprocessen(feedback.offer_id, student_id=feedback.student_id)),
    )


def company_feedback_of(student_id: int, offer_id: int | None = None) -> QuerySet[CompanyFeedback]:
    """The student's submitted company feedback (optionally for one offer), oldest first, with
    the offer, its company and the ratings with their werkproces prefetched: for the student's
    own pages, the coach's review and the portfolio. Not for companies."""
    feedback = CompanyFeedback.objects.filter(student_id=student_id, submitted_at__isnull=False)
    if offer_id is not None:
        feedback = feedback.filter(offer_id=offer_id)
    return (
        feedback.select_related("offer__owner")
        .prefetch_related(_ratings())
        .order_by("submitted_at", "pk")
    )


def open_company_feedback_for_schools(school_ids: Iterable[int]) -> QuerySet[CompanyFeedback]:
    """Feedback still to come for students enrolled at `school_ids` (still placed on the
    offer), most overdue first, with the student, their enrolment, the offer and its company."""
    return (
        CompanyFeedback.objects.filter(
            submitted_at__isnull=True, student__enrolment__school_id__in=list(school_ids)
        )
        .filter(_still_placed())
        .select_related("student__enrolment", "offer__owner", "offer__contact")
        .order_by("due_on", "pk")
    )


def open_company_feedback_due_by(last_due_on: dt.date) -> QuerySet[CompanyFeedback]:
    """Unsubmitted feedback due on or before `last_due_on` whose student is still placed on
    the offer, with the student and the offer's contact: what the reminders are about."""
    return (
        CompanyFeedback.objects.filter(submitted_at__isnull=True, due_on__lte=last_due_on)
        .filter(_still_placed())
        .select_related("student", "offer__contact")
        .order_by("due_on", "pk")
    )
