import datetime as dt

import pytest
from django.urls import reverse

from backend.notifications.models import Notification, NotificationPreference
from backend.notifications.services import notify

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LIST = reverse("api:notification-list")


def _notify(user, title, minutes=0, category="offer_status"):
    return notify(
        recipient=user, category=category, title=title, now=NOW + dt.timedelta(minutes=minutes)
    )


def test_i_see_only_my_own_notifications_newest_first(cast, client_for):
    _notify(cast.jan, "Oud", 0)
    _notify(cast.jan, "Nieuw", 5)
    _notify(cast.eva, "Van Eva", 3)
    body = client_for(cast.jan).get(LIST).json()
    assert body["count"] == 2
    assert [(row["title"], row["is_read"]) for row in body["results"]] == [
        ("Nieuw", False),
        ("Oud", False),
    ]


def test_the_unread_filter_and_count(cast, client_for):
    read = _notify(cast.jan, "Gelezen", 0)
    _notify(cast.jan, "Ongelezen", 1)
    Notification.objects.filter(pk=read.pk).update(read_at=NOW)
    client = client_for(cast.jan)
    assert [r["title"] for r in client.get(f"{LIST}?unread=true").json()["results"]] == [
        "Ongelezen"
    ]
    assert client.get(reverse("api:notification-unread-count")).json() == {"unread": 1}


def test_the_list_is_paginated(cast, client_for):
    for minute in range(5):
        _notify(cast.jan, f"Melding {minute}", minute)
    body = client_for(cast.jan).get(f"{LIST}?page_size=2&page=2").json()
    assert body["count"] == 5
    assert [row["title"] for row in body["results"]] == ["Melding 2", "Melding 1"]


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_costs_a_fixed_number_of_queries(
    cast, client_for, django_assert_num_queries, rows
):
    for minute in range(rows):
        _notify(cast.jan, f"Melding {minute}", minute)
    client = client_for(cast.jan)
    with django_assert_num_queries(2):  # count + page
        assert len(client.get(LIST).json()["results"]) == rows


def test_mark_all_read_and_one_read(cast, client_for):
    first = _notify(cast.jan, "Een", 0)
    _notify(cast.jan, "Twee", 1)
    hers = _notify(cast.eva, "Van Eva", 2)
    client = client_for(cast.jan)

    one = client.post(reverse("api:notification-read", args=[first.pk]))
    assert one.status_code == 204
    assert client.post(reverse("api:notification-mark-read"), {"all": True}).json() == {"marked": 1}
    assert not Notification.objects.filter(recipient=cast.jan, read_at__isnull=True).exists()
    hers.refresh_from_db()
    assert hers.read_at is None


def test_marking_someone_elses_notification_does_nothing(cast, client_for):
    hers = _notify(cast.eva, "Van Eva")
    client = client_for(cast.jan)
    assert client.post(reverse("api:notification-read", args=[hers.pk])).status_code == 404
    response = client.post(reverse("api:notification-mark-read"), {"ids": [hers.pk]})
    assert response.json() == {"marked": 0}
    hers.refresh_from_db()
    assert hers.read_at is None


def test_mark_read_needs_ids_or_all(cast, client_for):
    response = client_for(cast.jan).post(reverse("api:notification-mark-read"), {})
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["ids"]


def test_preferences_are_listed_and_set_per_category(cast, client_for):
    _notify(cast.jan, "Iets", category="offer_status")
    client = client_for(cast.jan)
    url = reverse("api:notification-preference-list")
    assert client.get(url).json() == [{"category": "offer_status", "in_app": True, "email": True}]

    response = client.put(
        reverse("api:notification-preference-detail", args=["agreement_reminder"]),
        {"in_app": True, "email": False},
    )
    assert response.status_code == 200
    assert client.get(url).json() == [
        {"category": "agreement_reminder", "in_app": True, "email": False},
        {"category": "offer_status", "in_app": True, "email": True},
    ]
    assert NotificationPreference.objects.filter(user=cast.eva).count() == 0


def test_a_preference_needs_both_switches_and_a_sane_category(cast, client_for):
    client = client_for(cast.jan)
    missing = client.put(
        reverse("api:notification-preference-detail", args=["offer_status"]), {"email": False}
    )
    assert list(missing.json()["extra"]["fields"]) == ["in_app"]
    odd = client.put(
        reverse("api:notification-preference-detail", args=["Hallo Wereld"]),
        {"in_app": True, "email": True},
    )
    assert odd.status_code == 400
    assert not NotificationPreference.objects.exists()
