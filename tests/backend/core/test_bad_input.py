"""Bad input answers the documented JSON error, never an HTML 500: JSON nested too deep, a body
over the size limit, a calendar token that cannot exist, an unknown API URL, and a bug."""

import json

import pytest
from django.test import Client

from backend.core.parsers import MAX_DEPTH, depth_of
from backend.engagement.models import CalendarFeed


@pytest.fixture
def anonymous():
    # A crash must come back as a response here, as it would to a real client.
    return Client(raise_request_exception=False)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("url", ["/api/auth/token/", "/api/auth/password-reset/"])
def test_json_nested_fifty_thousand_deep_is_a_400_json_error(anonymous, db, url):
    response = anonymous.post(url, _nested(50_000), content_type="application/json")

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "message": f"De JSON is te diep genest: hoogstens {MAX_DEPTH} niveaus.",
        "extra": {},
    }


def test_json_one_level_deeper_than_allowed_is_refused(anonymous, db):
    body = json.dumps({"email": "a@example.test", "x": json.loads(_nested(MAX_DEPTH))})

    response = anonymous.post("/api/auth/password-reset/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["message"].startswith("De JSON is te diep genest")


def test_it_measures_depth_without_recursion():
    assert depth_of(1) == 0
    assert depth_of([]) == 1
    assert depth_of({"a": [1, {"b": []}]}) == 4
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert depth_of(deep) == 100_001


def test_invalid_json_is_a_400_json_error(anonymous, db):
    response = anonymous.post("/api/auth/token/", "{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["message"].startswith("Ongeldige JSON")


@pytest.fixture
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


TOO_LARGE = {"message": "Het verzoek is te groot: hoogstens 10 KiB.", "extra": {}}


def test_a_json_body_over_the_size_limit_is_a_413_json_error(anonymous, db, small_limit):
    body = json.dumps({"username": "x" * small_limit, "password": "y"})

    response = anonymous.post("/api/auth/token/", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_a_form_body_over_the_size_limit_is_a_413_json_error_on_the_api(anonymous, db, small_limit):
    response = anonymous.post("/api/auth/token/", {"username": "x" * small_limit})

    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_a_body_over_the_size_limit_is_a_plain_413_on_the_web(anonymous, db, small_limit):
    body = "username=" + "x" * small_limit

    response = anonymous.post("/login/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == TOO_LARGE["message"]


def test_a_calendar_token_with_a_nul_byte_is_a_404_without_a_query(
    anonymous, db, django_assert_num_queries
):
    # PostgreSQL refuses NUL in a query (a 500 before); no token of new_feed_token has one.
    with django_assert_num_queries(0):
        response = anonymous.get("/api/engagement/calendar/%00.ics")

    assert response.status_code == 404
    assert response.json() == {"message": "Niet gevonden.", "extra": {}}


def test_a_real_calendar_token_still_opens_the_feed(anonymous, cast):
    feed = CalendarFeed.objects.create(user=cast.sanne)

    response = anonymous.get(f"/api/engagement/calendar/{feed.token}.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_an_unknown_api_url_is_a_404_json_error(anonymous, db):
    response = anonymous.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"message": "Niet gevonden.", "extra": {}}


def test_an_unknown_page_is_still_the_html_404(anonymous, db):
    response = anonymous.get("/no-such-page/")

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_a_crash_under_api_is_a_json_500_that_leaks_nothing(anonymous, cast, monkeypatch):
    def crash(user):
        raise RuntimeError("secret detail of the crash")

    monkeypatch.setattr("backend.engagement.apis.bookings.calendar_feed_for", crash)
    anonymous.force_login(cast.bos)

    response = anonymous.get("/api/engagement/calendar/feed/")

    assert response.status_code == 500
    assert response.json() == {
        "message": "Er ging iets mis op de server. Probeer het later opnieuw.",
        "extra": {},
    }
    assert b"secret detail" not in response.content


def test_a_query_parameter_with_a_nul_byte_is_a_400_json_error(client_for, cast):
    # On PostgreSQL `?status=%00` reached the database and answered 500.
    response = client_for(cast.bos).get("/api/engagement/bookings/?status=%00")

    assert response.status_code == 400
    assert response.json() == {"message": "Het adres bevat een ongeldig teken (NUL).", "extra": {}}


def test_a_query_parameter_with_a_nul_byte_is_a_plain_400_on_the_web(anonymous, db):
    response = anonymous.get("/login/?next=%00")

    assert response.status_code == 400
    assert response.content.decode() == "Het adres bevat een ongeldig teken (NUL)."


def test_a_path_with_a_nul_byte_names_nothing(anonymous, db):
    api = anonymous.get("/api/notifications/preferences/%00/")
    page = anonymous.get("/uitnodiging/%00/")

    assert api.status_code == 404
    assert api.json() == {"message": "Niet gevonden.", "extra": {}}
    assert page.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/agreements/commitments/?agreement={value}",
        "/api/agreements/commitments/export.csv?agreement={value}",
        "/api/agreements/commitments/export.csv?consortium={value}",
    ],
)
@pytest.mark.parametrize("value", ["abc", "²", "9" * 30, "-1", "0"])
def test_an_id_filter_that_is_no_id_is_a_400_naming_the_parameter(client_for, cast, url, value):
    # These filters went straight into the query: "abc" and "²" answered an HTML 500.
    response = client_for(cast.bos).get(url.format(value=value))

    assert response.status_code == 400
    parameter = url.split("?")[1].split("=")[0]
    assert response.json() == {
        "message": f"{parameter}: Geen geldig nummer.",
        "extra": {"fields": {parameter: ["Geen geldig nummer."]}},
    }


@pytest.mark.parametrize("value", ["²", "9" * 30])
def test_a_coverage_filter_that_is_no_id_is_a_400_naming_the_parameter(client_for, cast, value):
    response = client_for(cast.bos).get(f"/api/offers/coverage/?kwalificatie={value}")

    assert response.status_code == 400
    assert response.json()["extra"] == {
        "fields": {"kwalificatie": ["Kies een bestaande kwalificatie."]}
    }
