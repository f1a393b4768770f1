"""The two-factor pages: setting up with a real code, the second step after a password login,
recovery codes (once), the lock, renewing and switching off, and the school's overview."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from backend.core.second_factor import SESSION_KEY
from backend.two_factor.models import EventKind, SecondFactorEvent
from backend.two_factor.selectors import has_second_factor, recovery_codes_left
from tests.backend.two_factor.helpers import build_world, code_for, set_up, wrong_code

SETUP = "/tweestapsverificatie/instellen/"
VERIFY = "/tweestapsverificatie/controleren/"
WRONG = "Deze code klopt niet."


def _password_login(client: Client, email: str, password: str, next_url: str = "") -> str:
    """Sign in through the login page; returns where the person ends up."""
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("frontend:login"), data, follow=True)
    return response.redirect_chain[-1][0] if response.redirect_chain else ""


def _codes(response) -> list[str]:
    return re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4})</code>", response.content.decode())


@pytest.fixture
def world(cast, real_second_factor):
    return build_world(cast)


def test_a_password_login_of_a_coordinator_goes_to_setup_and_a_real_code_finishes_it(world):
    client = Client()
    landed = _password_login(client, "bos@vista.test", world.password, "/rounds/")
    assert landed == f"{SETUP}?next=/rounds/"
    page = client.get(landed)
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    secret = re.search(r'class="two-factor-secret"[^>]*>([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    from backend.two_factor.selectors import pending_totp_device

    device = pending_totp_device(world.bos)
    response = client.post(SETUP, {"code": code_for(device), "next": "/rounds/"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    codes = _codes(response)
    assert len(codes) == 10
    assert 'href="/rounds/"' in response.content.decode()
    assert client.session[SESSION_KEY] == "totp"
    assert client.get(reverse("frontend:dashboard")).status_code == 200


def test_a_wrong_code_at_setup_is_shown_on_the_field(world):
    client = Client()
    _password_login(client, "bos@vista.test", world.password)
    client.get(SETUP)
    from backend.two_factor.selectors import pending_totp_device

    response = client.post(SETUP, {"code": wrong_code(pending_totp_device(world.bos))})
    assert response.status_code == 200
    html = response.content.decode()
    assert WRONG in html
    assert 'aria-invalid="true"' in html
    assert not has_second_factor(world.bos)
    assert client.get(reverse("frontend:dashboard")).status_code == 302


def test_the_second_login_asks_the_code_and_returns_to_the_page(world):
    device, _codes = set_up(world.bos)
    client = Client()
    landed = _password_login(client, "bos@vista.test", world.password, "/rounds/")
    assert landed == f"{VERIFY}?next=/rounds/"
    wrong = client.post(VERIFY, {"action": "totp", "code": wrong_code(device), "next": "/rounds/"})
    assert wrong.status_code == 200
    assert WRONG in wrong.content.decode()
    right = client.post(
        VERIFY, {"action": "totp", "code": code_for(device, steps_ahead=1), "next": "/rounds/"}
    )
    assert right.status_code == 302
    assert right["Location"] == "/rounds/"


def test_verify_does_not_send_on_to_another_site(world):
    device, _codes = set_up(world.bos)
    client = Client()
    client.force_login(world.bos)
    response = client.post(
        VERIFY,
        {"action": "totp", "code": code_for(device, steps_ahead=1), "next": "https://evil.test/"},
    )
    assert response["Location"] == reverse("frontend:dashboard")


def test_a_recovery_code_signs_in_once(world):
    _device, codes = set_up(world.bos)
    first = Client()
    _password_login(first, "bos@vista.test", world.password)
    response = first.post(VERIFY, {"action": "recovery", "recovery-code": codes[0]}, follow=True)
    assert response.status_code == 200
    assert "er zijn er nog 9 over" in response.content.decode()
    assert first.session[SESSION_KEY] == "recovery"
    second = Client()
    _password_login(second, "bos@vista.test", world.password)
    again = second.post(VERIFY, {"action": "recovery", "recovery-code": codes[0]})
    assert again.status_code == 200
    assert WRONG in again.content.decode()
    assert SESSION_KEY not in second.session


def test_five_wrong_codes_sign_the_person_out_with_the_waiting_time(world):
    device, _codes = set_up(world.bos)
    client = Client()
    _password_login(client, "bos@vista.test", world.password)
    for _ in range(4):
        assert (
            client.post(VERIFY, {"action": "totp", "code": wrong_code(device)}).status_code == 200
        )
    locked = client.post(VERIFY, {"action": "totp", "code": wrong_code(device)}, follow=True)
    assert locked.redirect_chain[-1][0] == reverse("frontend:login")
    assert "Te veel onjuiste codes. Probeert u het over 15 minuten opnieuw." in (
        locked.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # Signing in again with the right password does not give fresh tries.
    _password_login(client, "bos@vista.test", world.password)
    right = client.post(
        VERIFY, {"action": "totp", "code": code_for(device, steps_ahead=1)}, follow=True
    )
    assert right.redirect_chain[-1][0] == reverse("frontend:login")
    assert "_auth_user_id" not in client.session


def test_the_security_page_shows_the_status_and_renews_codes_once_passed(world):
    device, old = set_up(world.bos)
    client = Client()
    client.force_login(world.bos)
    # Not passed yet: the security page is not reachable, renewing asks the code first.
    assert client.get(reverse("frontend:two-factor")).status_code == 302
    client.post(VERIFY, {"action": "totp", "code": code_for(device, steps_ahead=1)})
    page = client.get(reverse("frontend:two-factor")).content.decode()
    assert "U heeft nog 10 herstelcodes." in page
    assert 'data-confirm="Nieuwe herstelcodes maken?' in page
    renewed = client.post(reverse("frontend:two-factor-recovery-codes"))
    assert renewed.status_code == 200
    new = _codes(renewed)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert recovery_codes_left(world.bos) == 10


def test_renewing_codes_without_the_second_step_asks_for_it(world):
    set_up(world.devries)  # left over from when Vista's rule also covered teachers
    client = Client()
    client.force_login(world.devries)
    response = client.post(reverse("frontend:two-factor-recovery-codes"))
    assert response["Location"] == f"{VERIFY}?next=/tweestapsverificatie/"


def test_switching_off_needs_a_right_code(world):
    device, _codes = set_up(world.bos)
    client = Client()
    client.force_login(world.bos)
    client.post(VERIFY, {"action": "totp", "code": code_for(device, steps_ahead=1)})
    refused = client.post(reverse("frontend:two-factor-disable"), {"code": wrong_code(device)})
    assert refused.status_code == 400
    assert WRONG in refused.content.decode()
    assert has_second_factor(world.bos)
    done = client.post(
        reverse("frontend:two-factor-disable"), {"code": code_for(device, steps_ahead=2)}
    )
    assert done["Location"] == reverse("frontend:two-factor")
    assert not has_second_factor(world.bos)
    # Bos must use two factors: the next page is the setup page.
    assert client.get(reverse("frontend:dashboard"))["Location"].startswith(SETUP)


@pytest.mark.parametrize("name", ["devries", "sanne", "jan"])
def test_people_who_need_none_see_that_on_the_security_page(world, name):
    client = Client()
    client.force_login(getattr(world, name))
    page = client.get(reverse("frontend:two-factor"))
    assert page.status_code == 200
    assert "Voor uw account is geen tweede stap nodig." in page.content.decode()
    assert client.get(SETUP)["Location"] == reverse("frontend:two-factor")


# --- the school's overview ------------------------------------------------------------------


def _admin_client(world) -> Client:
    device, _codes = set_up(world.ilse)
    client = Client()
    client.force_login(world.ilse)
    client.post(VERIFY, {"action": "totp", "code": code_for(device, steps_ahead=1)})
    return client


def test_the_institution_admin_sees_who_set_it_up_and_resets_a_colleague(world):
    set_up(world.bos)
    client = _admin_client(world)
    url = reverse("frontend:two-factor-school", kwargs={"pk": world.vista.pk})
    page = client.get(url).content.decode()
    assert "Marleen Bos" in page
    assert "Karin de Vries" in page
    assert "Tom Peters" not in page
    assert 'data-confirm="De tweestapsverificatie van Marleen Bos herstellen?' in page
    response = client.post(url, {"action": "reset", "person": world.bos.pk}, follow=True)
    assert "De tweestapsverificatie van Marleen Bos is hersteld." in response.content.decode()
    assert not has_second_factor(world.bos)
    event = SecondFactorEvent.objects.get(kind=EventKind.RESET)
    assert (event.user, event.actor, event.organisation) == (world.bos, world.ilse, world.vista)


def test_the_admin_cannot_reset_someone_of_another_school(world):
    set_up(world.peters)
    client = _admin_client(world)
    url = reverse("frontend:two-factor-school", kwargs={"pk": world.vista.pk})
    assert client.post(url, {"action": "reset", "person": world.peters.pk}).status_code == 404
    assert client.post(url, {"action": "reset", "person": "x"}).status_code == 404
    gilde = reverse("frontend:two-factor-school", kwargs={"pk": world.gilde.pk})
    assert client.get(gilde).status_code == 404
    assert client.post(gilde, {"action": "reset", "person": world.peters.pk}).status_code == 404
    assert has_second_factor(world.peters)


def test_the_admin_switches_the_schools_rule(world):
    client = _admin_client(world)
    url = reverse("frontend:two-factor-school", kwargs={"pk": world.vista.pk})
    page = client.get(url).content.decode()
    assert "data-confirm=" in page  # switching it off asks first
    client.post(url, {"action": "requirement"})
    world.vista.refresh_from_db()
    assert world.vista.require_two_factor is False
    client.post(url, {"action": "requirement", "required": "on"})
    world.vista.refresh_from_db()
    assert world.vista.require_two_factor is True
    assert SecondFactorEvent.objects.filter(kind=EventKind.REQUIREMENT_CHANGED).count() == 2


def test_a_coordinator_gets_no_school_overview(world):
    device, _codes = set_up(world.bos)
    client = Client()
    client.force_login(world.bos)
    client.post(VERIFY, {"action": "totp", "code": code_for(device, steps_ahead=1)})
    url = reverse("frontend:two-factor-school", kwargs={"pk": world.vista.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "requirement"}).status_code == 403
    world.vista.refresh_from_db()
    assert world.vista.require_two_factor is True
