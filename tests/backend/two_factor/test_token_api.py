"""POST /api/auth/token/ asks people who must use two factors for `otp`."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from backend.security.models import SigninFailure
from tests.backend.two_factor.helpers import code_for, set_up, wrong_code

URL = "/api/auth/token/"
NEEDS_OTP = (
    "Voor dit account is tweestapsverificatie verplicht: stuur de code uit uw authenticator-app "
    "(of een herstelcode) mee in het veld otp."
)


@pytest.fixture(autouse=True)
def _no_request_rate_limits(settings):
    settings.PUBLIC_THROTTLE_RATES = {}


def _token(email, password, otp=None):
    data = {"email": email, "password": password}
    if otp is not None:
        data["otp"] = otp
    return APIClient().post(URL, data)


def test_the_route_is_the_two_factor_endpoint():
    assert reverse("api:auth-token") == URL


def test_without_a_device_a_required_person_gets_no_token_with_the_password_alone(world):
    response = _token("bos@vista.test", world.password)
    assert response.status_code == 400
    body = response.json()
    assert list(body["extra"]["fields"]) == ["otp"]
    assert body["message"].startswith("Voor dit account is tweestapsverificatie verplicht. Stel")
    assert "token" not in body


@pytest.mark.parametrize("otp", [None, "", "   "])
def test_a_missing_otp_is_named(world, otp):
    set_up(world.bos)
    response = _token("bos@vista.test", world.password, otp)
    assert response.status_code == 400
    assert response.json() == {"message": NEEDS_OTP, "extra": {"fields": {"otp": [NEEDS_OTP]}}}


def test_a_wrong_otp_is_refused_on_the_otp_field(world):
    device, _codes = set_up(world.bos)
    wrong = wrong_code(device)
    response = _token("bos@vista.test", world.password, wrong)
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["otp"]
    assert "klopt niet" in response.json()["message"]


def test_the_right_otp_gives_a_token_that_works_on_the_api(world):
    device, _codes = set_up(world.bos)
    response = _token("bos@vista.test", world.password, code_for(device, steps_ahead=1))
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get(reverse("api:auth-me"))
    assert me.status_code == 200
    assert me.json()["email"] == "bos@vista.test"


def test_a_recovery_code_works_once_as_otp(world):
    _device, codes = set_up(world.bos)
    assert _token("bos@vista.test", world.password, codes[0]).status_code == 200
    assert _token("bos@vista.test", world.password, codes[0]).status_code == 400


def test_a_wrong_password_is_refused_before_the_otp_is_looked_at(world):
    device, _codes = set_up(world.bos)
    response = _token("bos@vista.test", "fout", code_for(device, steps_ahead=1))
    assert response.status_code == 400
    assert response.json()["message"] == "Het e-mailadres of wachtwoord klopt niet."
    assert SigninFailure.objects.count() == 1


@pytest.mark.parametrize("name", ["devries", "jan", "peters"])
def test_people_who_need_no_second_factor_get_a_token_with_the_password(world, name):
    user = getattr(world, name)
    response = _token(user.email, world.password)
    assert response.status_code == 200
    assert response.json()["token"]


def test_koppel_staff_need_the_otp(world):
    response = _token("koen@koppel.test", world.password)
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["otp"]


def test_wrong_otps_lock_with_429_and_retry_after(world):
    device, _codes = set_up(world.bos)
    wrong = wrong_code(device)
    statuses = [_token("bos@vista.test", world.password, wrong).status_code for _ in range(6)]
    assert statuses == [400, 400, 400, 400, 429, 429]
    locked = _token("bos@vista.test", world.password, code_for(device, steps_ahead=1))
    assert locked.status_code == 429
    assert locked.json()["message"] == (
        "Te veel onjuiste codes. Probeert u het over 15 minuten opnieuw."
    )
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
