"""Shared builders for the learning-loop tests (issue 15).

`placement(cast, ...)` puts students on a Bakkerij Jansen challenge in a published Vista round,
mapped to werkprocessen of Sanne's kwalificatie: the world every learning test starts from.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from backend.accounts.models import User
from backend.allocations.models import AllocationRound, Assignment, AssignmentSource, Phase
from backend.curriculum.models import Werkproces
from backend.offers.models import Coverage, Offer, OfferKind, OfferStatus, WerkprocesMapping
from tests.factories import OfferFactory


@dataclass
class Placement:
    offer: Offer
    round: AllocationRound
    students: list[User]
    werkprocessen: list[Werkproces]  # what the offer is mapped to, by code


def placement(
    cast,
    *,
    students=None,
    owner=None,
    contact=None,
    codes=("B1-K1-W1", "P1-K1-W1"),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    phase=Phase.PUBLISHED,
    title="Webshop voor de bakkerij",
) -> Placement:
    """Students (default: Sanne) placed on a running challenge of `owner` (default: Bakkerij
    Jansen, contact Jan), mapped to the werkprocessen `codes` of Sanne's kwalificatie."""
    today = timezone.localdate()
    starts_on = starts_on or today - dt.timedelta(days=50)
    ends_on = ends_on or today + dt.timedelta(days=10)
    students = students if students is not None else [cast.sanne]
    offer = OfferFactory(
        kind=OfferKind.CHALLENGE,
        owner=owner or cast.bakkerij,
        contact=contact or cast.jan,
        title=title,
        status=OfferStatus.RUNNING,
        starts_on=starts_on,
        ends_on=ends_on,
        max_students=max(4, len(students)),
    )
    offer.schools.add(cast.vista)
    werkprocessen = list(
        Werkproces.objects.filter(
            kerntaak__dossier_id=cast.ict_niveau2.dossier_id, code__in=codes
        ).order_by("code")
    )
    for werkproces in werkprocessen:
        WerkprocesMapping.objects.create(
            offer=offer, werkproces=werkproces, coverage=Coverage.FULL, mapped_by=cast.devries
        )
    now = timezone.now()
    round_ = AllocationRound.objects.create(
        name="Periode 2",
        school=cast.vista,
        choices_close_at=now - dt.timedelta(days=60),
        objections_close_at=now - dt.timedelta(days=53),
        phase=phase,
        created_by=cast.bos,
    )
    for student in students:
        Assignment.objects.create(
            round=round_,
            student=student,
            offer=offer,
            rank=1,
            source=AssignmentSource.ENGINE,
            changed_by=cast.bos,
            changed_at=now,
        )
    return Placement(offer=offer, round=round_, students=students, werkprocessen=werkprocessen)
