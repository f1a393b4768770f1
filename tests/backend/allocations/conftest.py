"""A round for the cast: Vista's challenge round with four published challenges.

- webshop: 'Webshop voor Bakkerij Jansen', room for one, contact Jan
- app: 'App voor Pixelfabriek', room for two, contact Eva
- vog: 'Zorgrobot' at Pixelfabriek, requires a VOG
- expert: 'Data-analyse' at Pixelfabriek, niveau 4 only
Students: Sanne (niveau 2) and three classmates at Vista; Ahmed at Gilde (not in the round).
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import Phase
from backend.offers.models import OfferStatus
from tests.factories import OfferFactory, student

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def published(owner, contact, title, **fields):
    """A published challenge; submitted to the given `schools` (a round only takes challenges
    submitted to its school or consortium)."""
    return OfferFactory(
        owner=owner, contact=contact, title=title, status=OfferStatus.PUBLISHED, **fields
    )


@pytest.fixture
def world(cast):
    def at_vista(owner, contact, title, **fields):
        return published(owner, contact, title, schools=[cast.vista], **fields)

    webshop = at_vista(cast.bakkerij, cast.jan, "Webshop voor Bakkerij Jansen", max_students=1)
    app = at_vista(cast.pixel, cast.eva, "App voor Pixelfabriek", max_students=2)
    vog = at_vista(cast.pixel, cast.eva, "Zorgrobot", max_students=2, required_certificates=["VOG"])
    expert = at_vista(
        cast.pixel, cast.eva, "Data-analyse", max_students=2, niveau_min=4, niveau_max=4
    )
    classmates = [
        student(
            school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=name, class_code="ICT2A"
        )
        for name in ("Lotte", "Daan", "Noor")
    ]
    allocation_round = services.allocation_round_create(
        actor=cast.bos,
        name="Blok 3 challenges",
        period="2025-2026 blok 3",
        school=cast.vista,
        challenges=[webshop, app, vog, expert],
        min_choices=1,
        max_choices=3,
        choices_close_at=NOW + dt.timedelta(days=7),
        objections_close_at=NOW + dt.timedelta(days=21),
        now=NOW,
    )
    return SimpleNamespace(
        cast=cast,
        round=allocation_round,
        webshop=webshop,
        app=app,
        vog=vog,
        expert=expert,
        classmates=classmates,
        students=[cast.sanne, *classmates],
    )


def open_round(world, now=NOW):
    return services.allocation_round_open_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=now
    )


def choose(world, user, *offers, teammates=(), now=NOW):
    """The student ranks `offers` (best first) and names `teammates` (users)."""
    return services.choice_list_submit(
        allocation_round=world.round,
        student=user,
        offer_ids=[o.pk for o in offers],
        teammate_ids=[t.pk for t in teammates],
        now=now,
    )


def close_and_run(world):
    """Close the choices (a day after they were due) and run the matcher: the round is in
    review with the run's proposal applied."""
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    run = start_and_run(world)
    assert run.succeeded, run.error
    return run


def to_review(world, *, choices=None, mode="optimal", seed=0):
    """Open, let everyone choose (webshop first), close and run: the round ends in review."""
    open_round(world)
    for user in world.students:
        choose(world, user, *(choices or (world.webshop, world.app)))
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    run = start_and_run(world, mode=mode, seed=seed)
    world.round.refresh_from_db()
    run.refresh_from_db()
    assert world.round.phase == Phase.REVIEW, run.error
    return run


def start_and_run(world, **options):
    """Start a run and execute it as the worker would (on_commit does not fire inside a test's
    transaction, so the task is run here explicitly)."""
    run = services.allocation_run_start(
        allocation_round=world.round, actor=world.cast.bos, **options
    )
    services.allocation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


@pytest.fixture
def now():
    return timezone.now()
