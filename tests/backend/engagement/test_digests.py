"""The partner digest: content with and without activity, idempotent, batched."""

import datetime as dt

import pytest
from django.core import mail

from backend.accounts.models import Role
from backend.engagement.models import DigestFrequency
from backend.engagement.services import (
    booking_request,
    digest_preference_set,
    partner_digests_send,
)
from backend.engagement.services.digests import period_key
from backend.notifications.models import Notification
from backend.offers.models import OfferStatus, OfferTransition
from tests.backend.engagement.conftest import AMS
from tests.factories import CompanyFactory, OfferFactory, UserFactory

NOW = dt.datetime(2026, 3, 9, 7, 0, tzinfo=AMS)  # Monday of ISO week 11


def _digest(user):
    return Notification.objects.get(recipient=user, category="digest")


def _published_offer(cast, now):
    offer = OfferFactory(
        owner=cast.pixel, contact=cast.eva, title="Nieuwe website", status=OfferStatus.PUBLISHED
    )
    OfferTransition.objects.create(
        offer=offer,
        from_status="in_review",
        to_status="published",
        actor=cast.bos,
        at=now - dt.timedelta(days=2),
    )
    return offer


def test_a_company_with_activity_hears_what_happened_and_what_is_expected(cast, expert):
    _published_offer(cast, NOW)
    booking_request(
        actor=cast.devries,
        expert=expert,
        school=cast.vista,
        starts_at=dt.datetime(2026, 3, 12, 10, 0, tzinfo=AMS),
        duration_minutes=60,
        group="ICT2A",
        topic="Toegankelijke websites",
        location="Lokaal 2.14",
        now=NOW - dt.timedelta(days=1),
    )

    partner_digests_send(now=NOW)

    digest = _digest(cast.eva)
    assert digest.title == "Koppel-overzicht week 11: 2 nieuwe gebeurtenis(sen)"
    assert digest.dedupe_key == f"digest:{cast.eva.pk}:2026-W11"
    assert "Je aanbod 'Nieuwe website' is nu: gepubliceerd." in digest.body
    assert "Gastles 'Toegankelijke websites' bij Vista college" in digest.body
    assert "Beantwoord het gastlesverzoek 'Toegankelijke websites' van Vista college" in digest.body
    assert "- Nieuwe website: gepubliceerd" in digest.body
    assert "niets nieuws" not in digest.body


def test_a_company_without_activity_still_hears_from_us(cast):
    partner_digests_send(now=NOW)

    digest = _digest(cast.jan)
    assert digest.title == "Koppel-overzicht week 11: geen nieuws"
    assert "Er gebeurde in deze periode niets nieuws" in digest.body
    assert "Op dit moment niets." in digest.body
    assert "Pixelfabriek" not in digest.body
    assert "Nieuwe website" not in digest.body


def test_old_activity_is_not_news_again(cast):
    offer = OfferFactory(owner=cast.bakkerij, contact=cast.jan, title="Oud", status="published")
    OfferTransition.objects.create(
        offer=offer,
        from_status="in_review",
        to_status="published",
        actor=cast.bos,
        at=NOW - dt.timedelta(days=9),
    )
    partner_digests_send(now=NOW)
    assert _digest(cast.jan).title.endswith("geen nieuws")


def test_the_digest_goes_out_once_per_period_however_often_the_task_runs(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = partner_digests_send(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        second = partner_digests_send(now=NOW + dt.timedelta(hours=3))

    assert first == 2  # jan and eva
    assert second == 0
    assert Notification.objects.filter(category="digest").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "eva@pixelfabriek.test",
        "jan@bakkerijjansen.test",
    ]


def test_a_daily_reader_gets_one_a_day_and_off_means_none(cast):
    digest_preference_set(user=cast.jan, frequency=DigestFrequency.DAILY)
    digest_preference_set(user=cast.eva, frequency=DigestFrequency.OFF)

    partner_digests_send(now=NOW)
    partner_digests_send(now=NOW + dt.timedelta(days=1))

    keys = sorted(
        Notification.objects.filter(category="digest").values_list("recipient_id", "dedupe_key")
    )
    assert keys == [
        (cast.jan.pk, f"digest:{cast.jan.pk}:2026-03-09"),
        (cast.jan.pk, f"digest:{cast.jan.pk}:2026-03-10"),
    ]


def test_period_keys():
    assert period_key("weekly", NOW) == "2026-W11"
    assert period_key("daily", NOW) == "2026-03-09"


def _partners(n):
    companies = CompanyFactory.create_batch(n)
    users = UserFactory.build_batch(n)
    from backend.accounts.models import Membership, User

    User.objects.bulk_create(users)
    users = list(User.objects.order_by("-pk")[:n])
    Membership.objects.bulk_create(
        Membership(user=u, organisation=c, role=Role.COMPANY_CONTACT)
        for u, c in zip(users, companies, strict=True)
    )
    for company in companies[::5]:
        offer = OfferFactory(owner=company, contact=users[0], status="published")
        OfferTransition.objects.create(
            offer=offer,
            from_status="in_review",
            to_status="published",
            actor=users[0],
            at=NOW - dt.timedelta(days=1),
        )


@pytest.mark.parametrize("n", [50, 200])
def test_the_digest_run_needs_the_same_bounded_queries_for_50_or_200_partners(
    db, n, django_assert_max_num_queries
):
    _partners(n)
    # Reads: ~12 fixed; writes: one bulk insert (split by SQLite's parameter limit into at most
    # a few statements for 200 rows) plus the re-read.
    with django_assert_max_num_queries(25):
        sent = partner_digests_send(now=NOW)
    assert sent == n


def test_a_run_over_5000_partners_sends_each_one_digest_with_bounded_queries(
    db, django_assert_max_num_queries, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _partners(5000)
    # SQLite splits the bulk insert into chunks of ~90 rows (5000/90 ≈ 56 statements);
    # PostgreSQL inserts in one statement. Everything else is a fixed dozen queries.
    with django_assert_max_num_queries(12 + 5000 // 80 + 5):
        sent = partner_digests_send(now=NOW)
    assert sent == 5000
    assert Notification.objects.filter(category="digest").count() == 5000
    assert (
        Notification.objects.filter(category="digest").values("recipient").distinct().count()
        == 5000
    )
    assert partner_digests_send(now=NOW) == 0


def _placed_in_a_team(cast, offer) -> None:
    """Sanne and Ahmed were placed on `offer` in an allocation round yesterday."""
    from backend.allocations.models import AllocationRound, Assignment

    allocation_round = AllocationRound.objects.create(
        name="Blok 3",
        school=cast.vista,
        created_by=cast.bos,
        choices_close_at=NOW - dt.timedelta(days=10),
        objections_close_at=NOW - dt.timedelta(days=5),
    )
    for person in (cast.sanne, cast.ahmed):
        Assignment.objects.create(
            round=allocation_round,
            student=person,
            offer=offer,
            source="engine",
            changed_at=NOW - dt.timedelta(days=1),
        )


def test_teams_and_agreements_appear_when_those_apps_have_news(cast, expert):
    from backend.engagement.services import booking_accept

    booking = booking_request(
        actor=cast.peters,
        expert=expert,
        school=cast.gilde,
        starts_at=dt.datetime(2026, 3, 12, 10, 0, tzinfo=AMS),
        duration_minutes=60,
        group="ICT4B",
        topic="UX-testen",
        location="Lokaal 3",
        now=NOW - dt.timedelta(days=3),
    )
    booking_accept(actor=cast.eva, booking=booking, now=NOW - dt.timedelta(days=2))
    offer = OfferFactory(
        owner=cast.pixel, contact=cast.eva, title="Dashboard bouwen", status="running"
    )
    _placed_in_a_team(cast, offer)

    partner_digests_send(now=NOW)

    body = _digest(cast.eva).body
    assert "2 studenten ingedeeld bij 'Dashboard bouwen'." in body
    assert "Afspraak 'Gastles: UX-testen': concept." in body
    assert "- Gastles 'UX-testen' bij Gilde Opleidingen op do 12 maart 2026 10:00." in body
    assert "Dashboard bouwen" not in _digest(cast.jan).body
