"""A Vista allocation round built through the services, shared by the page and browser tests."""

import datetime as dt

from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import Phase
from backend.offers.models import OfferStatus
from tests.factories import OfferFactory

FUTURE = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)


def make_round(cast, *, phase=Phase.CHOOSING):
    """Vista's round with two published challenges (Webshop: 1 place, App: 2 places)."""
    webshop = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Webshop voor Bakkerij Jansen",
        status=OfferStatus.PUBLISHED,
        max_students=1,
        schools=[cast.vista],
    )
    app = OfferFactory(
        owner=cast.pixel,
        contact=cast.eva,
        title="App voor Pixelfabriek",
        status=OfferStatus.PUBLISHED,
        max_students=2,
        schools=[cast.vista],
    )
    round = services.allocation_round_create(
        actor=cast.bos,
        name="Blok 3",
        school=cast.vista,
        challenges=[webshop, app],
        min_choices=1,
        max_choices=2,
        choices_close_at=FUTURE,
        objections_close_at=FUTURE + dt.timedelta(days=14),
        now=timezone.now(),
    )
    round.webshop, round.app = webshop, app
    if phase == Phase.PREPARING:
        return round
    services.allocation_round_open_choosing(round=round, actor=cast.bos, now=timezone.now())
    if phase == Phase.CHOOSING:
        round.refresh_from_db()
        return round
    for user in (cast.sanne, *cast.extra):
        services.choice_list_submit(
            round=round, student=user, offer_ids=[webshop.pk, app.pk], now=timezone.now()
        )
    services.allocation_round_close_choosing(round=round, actor=cast.bos, now=timezone.now())
    run = services.allocation_run_start(round=round, actor=cast.bos)
    services.allocation_run_execute(run_id=run.pk)
    round.run = run
    if phase == Phase.PUBLISHED:
        services.allocation_round_publish(round=round, actor=cast.bos)
    round.refresh_from_db()
    round.webshop, round.app, round.run = webshop, app, run
    return round
