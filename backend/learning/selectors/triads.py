"""Reads about driehoekgesprekken. A series is visible to its three participants only (student,
coach, mentor): not to other staff of the school, not to other contacts of the company."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import Membership, Role, User
from backend.accounts.selectors import staff_school_ids
from backend.core.errors import NotFound
from backend.learning.access import is_triad_participant
from backend.learning.models import TriadConversation, TriadSeries
from backend.learning.selectors.placements import published_assignments
from backend.offers.models import Offer

# Days after its date before a conversation that was not recorded counts as missed (and its
# coach is alerted): it may be recorded a little late.
MISSED_GRACE_DAYS = 2


def _participant(user: User) -> Q:
    return Q(student_id=user.pk) | Q(coach_id=user.pk) | Q(mentor_id=user.pk)


def triads_for(user: User, *, today: dt.date | None = None) -> QuerySet[TriadSeries]:
    """The series the user takes part in (as student, coach or mentor): running ones first, by
    first date. Each row carries `total`, `held`, `missed` (not recorded, more than two days
    after its date) and `next_on` (the first date today or later that is not yet held).
    One query."""
    if not user.is_authenticated:
        return TriadSeries.objects.none()
    today = today or timezone.localdate()
    missed_before = today - dt.timedelta(days=MISSED_GRACE_DAYS)
    not_held = Q(conversations__held_on__isnull=True)
    return (
        TriadSeries.objects.filter(_participant(user))
        .select_related("student", "offer__owner", "coach", "mentor")
        .annotate(
            total=Count("conversations"),
            held=Count("conversations", filter=Q(conversations__held_on__isnull=False)),
            missed=Count(
                "conversations", filter=not_held & Q(conversations__planned_on__lt=missed_before)
            ),
            next_on=Min(
                "conversations__planned_on",
                filter=not_held & Q(conversations__planned_on__gte=today),
            ),
        )
        .order_by(F("cancelled_at").asc(nulls_first=True), "first_on", "pk")
    )


def triad_detail_for(pk: int, user: User) -> TriadSeries:
    """The series with its conversations (and who recorded them), for a participant only.
    Raises NotFound for everyone else, so a stranger cannot tell whether it exists."""
    series = (
        TriadSeries.objects.select_related("student", "offer__owner", "coach", "mentor")
        .prefetch_related(
            Prefetch(
                "conversations",
                queryset=TriadConversation.objects.select_related("recorded_by").order_by(
                    "planned_on"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if series is None or not user.is_authenticated or not is_triad_participant(user, series):
        raise NotFound(_("Driehoekgesprekken niet gevonden."))
    return series


def triad_conversation_for(pk: int, user: User) -> TriadConversation:
    """One conversation with its series, for a participant only (NotFound otherwise)."""
    conversation = (
        TriadConversation.objects.select_related(
            "series__student", "series__offer__owner", "series__coach", "series__mentor"
        )
        .filter(pk=pk)
        .first()
    )
    if (
        conversation is None
        or not user.is_authenticated
        or not is_triad_participant(user, conversation.series)
    ):
        raise NotFound(_("Driehoekgesprek niet gevonden."))
    return conversation


def is_missed(conversation: TriadConversation, *, today: dt.date) -> bool:
    """Not recorded as held, more than two days after its date."""
    return conversation.held_on is None and conversation.planned_on < today - dt.timedelta(
        days=MISSED_GRACE_DAYS
    )


@dataclass
class PlacementChoice:
    """A placement a series may be planned for, with the company's contacts as mentors."""

    student: User
    offer: Offer
    coach: User | None
    mentors: list[User] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.student.pk}-{self.offer.pk}"


def placements_for_triads(user: User, *, today: dt.date | None = None) -> list[PlacementChoice]:
    """Placements (published) of students of the user's schools on activities that have not
    ended, without a series yet, by student and activity. Two queries (after the user's
    roles, read once per request)."""
    schools = staff_school_ids(user) if user.is_authenticated else set()
    if not schools:
        return []
    today = today or timezone.localdate()
    has_series = TriadSeries.objects.filter(
        student_id=OuterRef("student_id"), offer_id=OuterRef("offer_id")
    )
    assignments = (
        published_assignments()
        .filter(student__enrolment__school_id__in=schools)
        .filter(Q(offer__ends_on__isnull=True) | Q(offer__ends_on__gte=today))
        .exclude(Exists(has_series))
        .select_related("student__enrolment__coach", "offer__owner")
        .order_by("student__first_name", "student__last_name", "offer__title", "pk")
    )
    choices: dict[tuple[int, int], PlacementChoice] = {}
    for assignment in assignments:
        key = (assignment.student_id, assignment.offer_id)
        if key not in choices:
            student = assignment.student
            choices[key] = PlacementChoice(
                student=student, offer=assignment.offer, coach=student.enrolment.coach
            )
    if not choices:
        return []
    mentors: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.active()
        .filter(
            organisation_id__in={c.offer.owner_id for c in choices.values()},
            role=Role.COMPANY_CONTACT,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    )
    for membership in memberships:
        mentors.setdefault(membership.organisation_id, []).append(membership.user)
    for choice in choices.values():
        choice.mentors = mentors.get(choice.offer.owner_id, [])
    return list(choices.values())
