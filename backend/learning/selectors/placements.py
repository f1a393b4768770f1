"""Placements as the learning loop sees them: a student on an offer, in a published round.

A student's team at a company is every student whose current assignment in a published round is
that offer. These few queries are shared by the feedback, self-assessment, driehoekgesprek and
portfolio selectors so they all agree on who belongs to which activity.
"""

import datetime as dt

from django.db.models import Q, QuerySet, Subquery

from backend.accounts.models import StudentEnrolment, User
from backend.allocations.models import PUBLISHED_PHASES, Assignment
from backend.curriculum.models import KerntaakKind, Werkproces
from backend.offers.models import Offer, OfferStatus


def published_assignments() -> QuerySet[Assignment]:
    """Assignments the students and companies have been told about."""
    return Assignment.objects.filter(round__phase__in=PUBLISHED_PHASES)


def placements_of(student: User) -> QuerySet[Assignment]:
    """The student's published assignments with their offer and its company, newest first."""
    return (
        published_assignments()
        .filter(student=student)
        .select_related("offer__owner", "round")
        .order_by("-offer__starts_on", "-pk")
    )


def activity_has_ended(offer: Offer, *, today: dt.date) -> bool:
    """The activity is over: its last day has passed, or it was marked completed."""
    return offer.status == OfferStatus.COMPLETED or (
        offer.ends_on is not None and offer.ends_on < today
    )


def is_placed_on(student_id: int, offer_id: int) -> bool:
    return published_assignments().filter(student_id=student_id, offer_id=offer_id).exists()


def team_of(offer: Offer) -> QuerySet[User]:
    """The students placed on `offer` (published), by first name."""
    student_ids = published_assignments().filter(offer=offer).values("student_id")
    return User.objects.filter(pk__in=student_ids).order_by("first_name", "pk")


def offer_werkprocessen(offer_id: int, *, student_id: int | None = None) -> QuerySet[Werkproces]:
    """The werkprocessen a teacher mapped the offer to: the only ones it is rated on. With
    `student_id`, only those of the student's own kwalificatie (its dossier's basisdeel and its
    own profieldeel): in a mixed team a media student is not rated on a software werkproces."""
    werkprocessen = Werkproces.objects.filter(offer_mappings__offer_id=offer_id)
    if student_id is not None:
        werkprocessen = werkprocessen.filter(in_kwalificatie_of(student_id)).distinct()
    return werkprocessen.select_related("kerntaak").order_by("code", "pk")


def in_kwalificatie_of(student_id: int) -> Q:
    """Werkprocessen of the student's kwalificatie, as a filter (no extra query)."""
    enrolment = StudentEnrolment.objects.filter(student_id=student_id)
    dossier = Subquery(enrolment.values("kwalificatie__dossier_id")[:1])
    kwalificatie = Subquery(enrolment.values("kwalificatie_id")[:1])
    return Q(kerntaak__dossier_id=dossier) & (
        Q(kerntaak__kind=KerntaakKind.BASIS) | Q(kerntaak__kwalificaties=kwalificatie)
    )
