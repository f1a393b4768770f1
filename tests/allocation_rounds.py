"""A Vista allocation round built through the services, shared by the page and browser tests."""

import datetime as dt

from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import Phase
from backend.offers.models import OfferStatus
from tests.factories import OfferFactory

FUTURE = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)


def make_round(cast, *, phase=Phase.CHOOSING, app_places=2):
    """Vista's round with two published challenges (Webshop: 1 place, App: `app_places`)."""
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
        max_students=app_places,
        schools=[cast.vista],
    )
    allocation_round = services.allocation_round_create(
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
    allocation_round.webshop, allocation_round.app = webshop, app
    if phase == Phase.PREPARING:
        return allocation_round
    services.allocation_round_open_choosing(
        allocation_round=allocation_round, actor=cast.bos, now=timezone.now()
    )
    if phase == Phase.CHOOSING:
        allocation_round.refresh_from_db()
        return allocation_round
    for user in (cast.sanne, *cast.extra):
        services.choice_list_submit(
            allocation_round=allocation_round,
            student=user,
            offer_ids=[webshop.pk, app.pk],
            now=timezone.now(),
        )
    services.allocation_round_close_choosing(
        allocation_round=allocation_round, actor=cast.bos, now=timezone.now()
    )
    run = services.allocation_run_start(allocation_round=allocation_round, actor=cast.bos)
    services.allocation_run_execute(run_id=run.pk)
    allocation_round.run = run
    if phase == Phase.PUBLISHED:
        services.allocation_round_publish(allocation_round=allocation_round, actor=cast.bos)
    allocation_round.refresh_from_db()
    allocation_round.webshop, allocation_round.app, allocation_round.run = webshop, app, run
    return allocation_round
