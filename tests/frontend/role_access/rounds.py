"""Access table for the allocation round pages (frontend/urls_rounds.py): coordinators run
rounds, teachers read them, students see their own round, companies see their teams."""

import datetime as dt

from django.utils import timezone

from backend.allocations.models import AllocationRound, AllocationRun, Objection, Phase
from backend.offers.models import OfferStatus
from tests.factories import OfferFactory
from tests.frontend.role_access import COMPANY, COORDINATOR, STAFF, STUDENT, Page


def _round(cast) -> AllocationRound:
    """A Vista round in which Sanne chooses, with one published challenge of Bakkerij Jansen."""
    now = timezone.now()
    offer = OfferFactory(owner=cast.bakkerij, contact=cast.jan, status=OfferStatus.PUBLISHED)
    offer.schools.set([cast.vista])
    round_ = AllocationRound.objects.create(
        name="Periode 3",
        school=cast.vista,
        choices_close_at=now + dt.timedelta(days=7),
        objections_close_at=now + dt.timedelta(days=14),
        phase=Phase.CHOOSING,
        created_by=cast.bos,
    )
    round_.challenges.add(offer)
    return round_


def _round_id(cast):
    return {"round_id": _round(cast).pk}


def _run(cast):
    round_ = _round(cast)
    run = AllocationRun.objects.create(round=round_, started_by=cast.bos, created_at=timezone.now())
    return {"round_id": round_.pk, "run_id": run.pk}


def _run_action(cast):
    return {**_run(cast), "action": "retry"}


def _objection(cast):
    round_ = _round(cast)
    objection = Objection.objects.create(
        round=round_, student=cast.sanne, reason="Liever iets anders", created_at=timezone.now()
    )
    return {"round_id": round_.pk, "objection_id": objection.pk}


PAGES = {
    "frontend:round-list": Page(STAFF),
    "frontend:round-create": Page(COORDINATOR),
    "frontend:round-teams": Page(COMPANY),
    "frontend:student-choices": Page(STUDENT),
    "frontend:student-assignment": Page(STUDENT),
    "frontend:round-detail": Page(STAFF, kwargs=_round_id),
    "frontend:round-action": Page(
        COORDINATOR, kwargs=lambda cast: {**_round_id(cast), "action": "publish"}
    ),
    "frontend:round-run-start": Page(COORDINATOR, kwargs=_round_id),
    # The round's team settings (wishes, rotation, composition rules): its managers only.
    "frontend:round-team-settings": Page(COORDINATOR, kwargs=_round_id),
    "frontend:round-run-progress": Page(STAFF, kwargs=_run),
    "frontend:round-run-action": Page(COORDINATOR, kwargs=_run_action),
    "frontend:round-assignment": Page(
        COORDINATOR, kwargs=lambda cast: {**_round_id(cast), "student_id": cast.sanne.pk}
    ),
    "frontend:round-assignment-action": Page(
        COORDINATOR,
        kwargs=lambda cast: {**_round_id(cast), "student_id": cast.sanne.pk, "action": "lock"},
    ),
    "frontend:round-compare": Page(STAFF, kwargs=_round_id),
    "frontend:round-unassigned": Page(STAFF, kwargs=_round_id),
    "frontend:round-export": Page(
        STAFF, kwargs=lambda cast: {**_round_id(cast), "by": "challenge"}
    ),
    "frontend:round-objections": Page(STAFF, kwargs=_round_id),
    "frontend:round-objection-decide": Page(COORDINATOR, kwargs=_objection),
    "frontend:round-student": Page(STUDENT, kwargs=_round_id),
}
