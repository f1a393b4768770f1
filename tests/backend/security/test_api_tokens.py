"""API tokens expire, rotate on sign-in and die on logout; public endpoints are rate limited."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backend.security.models import SigninFailure


def _token(cast) -> str:
    response = APIClient().post(
        reverse("api:auth-token"), {"email": "bos@vista.test", "password": cast.password}
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(reverse("api:auth-me"))


def test_a_token_older_than_its_lifetime_is_refused_with_401_and_deleted(cast, settings):
    settings.API_TOKEN_TTL_HOURS = 12
    key = _token(cast)
    assert _me(key).status_code == 200
    Token.objects.filter(key=key).update(
        created=Token.objects.get(key=key).created - dt.timedelta(hours=12, seconds=1)
    )
    response = _me(key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    assert response.json() == {
        "message": "Deze token is verlopen. Vraag een nieuwe aan via POST /api/auth/token/.",
        "extra": {},
    }
    assert not Token.objects.filter(key=key).exists()


def test_signing_in_again_issues_a_new_key_and_the_old_one_stops_working(cast):
    first = _token(cast)
    second = _token(cast)
    assert first != second
    assert _me(first).status_code == 401
    assert _me(second).status_code == 200


def test_after_api_logout_the_token_is_refused(cast):
    key = _token(cast)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(reverse("api:auth-logout"))
    assert (response.status_code, response.json()) == (200, {"message": "Je bent uitgelogd."})
    refused = _me(key)
    assert refused.status_code == 401
    assert refused.json()["message"].startswith("Deze token is ongeldig.")
    assert not Token.objects.filter(user=cast.bos).exists()


def test_logout_needs_a_signed_in_person(db):
    assert APIClient().post(reverse("api:auth-logout")).status_code == 403


def test_after_web_logout_the_api_tokens_are_refused(cast):
    key = _token(cast)
    client = Client()
    client.force_login(cast.bos)
    assert client.post(reverse("frontend:logout")).status_code == 302
    assert _me(key).status_code == 401


def test_the_token_endpoint_is_rate_limited_per_address_with_retry_after(cast, settings):
    settings.PUBLIC_THROTTLE_RATES = {**settings.PUBLIC_THROTTLE_RATES, "auth-token": "3/min"}
    url = reverse("api:auth-token")
    codes = [
        APIClient().post(url, {"email": f"p{n}@x.test", "password": "x"}).status_code
        for n in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    throttled = APIClient().post(url, {"email": "bos@vista.test", "password": cast.password})
    assert throttled.status_code == 429
    assert throttled.json() == {
        "message": "Te veel verzoeken. Probeer het over 1 minuut opnieuw.",
        "extra": {},
    }
    assert 1 <= int(throttled["Retry-After"]) <= 60
    # The throttled requests never reached the password check.
    assert SigninFailure.objects.count() == 3
    other = APIClient(REMOTE_ADDR="10.1.1.1").post(
        url, {"email": "bos@vista.test", "password": cast.password}
    )
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("url_name", "scope"),
    [
        ("api:password-reset", "password-reset"),
        ("api:password-reset-confirm", "password-reset"),
        ("api:company-sign-up", "sign-up"),
        ("api:invitation-accept", "invitation-accept"),
    ],
)
def test_every_public_endpoint_is_rate_limited(db, settings, url_name, scope):
    settings.PUBLIC_THROTTLE_RATES = {**settings.PUBLIC_THROTTLE_RATES, scope: "2/hour"}
    codes = [APIClient().post(reverse(url_name), {}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_a_switched_off_person_s_token_is_refused(cast):
    key = _token(cast)
    type(cast.bos).objects.filter(pk=cast.bos.pk).update(is_active=False)
    response = _me(key)
    assert response.status_code == 401
    assert response.json()["message"].startswith("Deze token is ongeldig.")
