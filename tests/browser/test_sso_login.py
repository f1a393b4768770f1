"""Signing in with the school account in the real browser: Koppel's login page, the test OpenID
Connect provider's sign-in form (tests/sso_provider/, a separate process on 127.0.0.1), and back
on the dashboard; signing out there too. The token exchange and the key fetch happen in the live
server, over real HTTP."""

import pytest

from tests.backend.sso.factories import sso_school, student_record
from tests.browser.conftest import FIRST_LOAD_TIMEOUT_MS
from tests.sso_provider.fixtures import acquire, release


@pytest.fixture(scope="module")
def sso_provider(tmp_path_factory):
    provider = acquire(tmp_path_factory.mktemp("sso-provider"))
    yield provider
    release()


@pytest.fixture
def signed_in_student(page, live_server, sso_provider, settings):
    """Sanne clicks "Inloggen met je schoolaccount", signs in at the provider, and lands on
    her dashboard."""
    for name, value in sso_provider.koppel_settings().items():
        setattr(settings, name, value)
    school = sso_school("Vista college", domain="vista.nl")
    student_record(school, number="123456", first_name="Sanne")
    person = sso_provider.user(
        home="vista.nl", student_number="123456", given_name="Sanne", family_name="Willems"
    )

    page.goto("/login/", timeout=FIRST_LOAD_TIMEOUT_MS)
    page.get_by_role("link", name="Inloggen met je schoolaccount").click()

    page.wait_for_url(f"{sso_provider.issuer}/login/**", timeout=FIRST_LOAD_TIMEOUT_MS)
    page.get_by_label("Gebruikersnaam").fill(person.username)
    page.get_by_label("Wachtwoord").fill(person.password)
    page.get_by_role("button", name="Inloggen").click()

    page.wait_for_url(f"{live_server.url}/", timeout=FIRST_LOAD_TIMEOUT_MS)
    return page


def test_a_student_signs_in_with_the_school_account(signed_in_student):
    assert "Sanne" in signed_in_student.locator("main").inner_text()


def test_signing_out_ends_the_session_here_and_at_the_provider(
    signed_in_student, live_server, sso_provider
):
    page = signed_in_student
    # The header's form posts to Koppel, which redirects to the provider's end_session endpoint:
    # the Content-Security-Policy's form-action must allow that redirect.
    page.locator("form.logout-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/login/**")
    page.goto(f"{sso_provider.issuer}/")
    assert page.locator("#signed-out").is_visible()
