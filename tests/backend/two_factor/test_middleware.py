"""Before the second factor a person who must use one reaches nothing but the two-factor pages,
logging out, the language switch and the health checks: every page of the web app (all of them,
from the permission matrix) and every API endpoint (all of them, from the URL resolver)."""

from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, get_resolver, reverse

from backend.core.second_factor import SESSION_KEY
from tests.backend.two_factor.helpers import code_for, set_up
from tests.frontend.test_role_access import PAGES

OPEN_PAGES = {
    "frontend:two-factor-setup",
    "frontend:two-factor-verify",
    "frontend:logout",
    "frontend:sso-logout",
    "frontend:sso-login",
    "frontend:sso-callback",
}
OPEN_API = {"api:auth-logout"}
API_MESSAGE = (
    "Log eerst in met uw tweede stap (de code uit uw authenticator-app) op de website, of vraag "
    "een token aan met het veld otp."
)


def _api_urls() -> list[tuple[str, str]]:
    resolver = get_resolver().namespace_dict["api"][1]
    urls = []
    for name in sorted(n for n in resolver.reverse_dict if isinstance(n, str)):
        params = resolver.reverse_dict.getlist(name)[0][0][0][1]
        try:
            url = reverse(f"api:{name}", kwargs=dict.fromkeys(params, 1))
        except NoReverseMatch:
            url = reverse(f"api:{name}", kwargs=dict.fromkeys(params, "x"))
        urls.append((f"api:{name}", url))
    return urls


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_required_person_without_a_device_reaches_no_page_before_setting_it_up(world):
    client = _signed_in(world.bos)
    setup = reverse("frontend:two-factor-setup")
    checked = 0
    for name, page in sorted(PAGES.items()):
        if name in OPEN_PAGES:
            continue
        # Each page's objects in a savepoint of their own, rolled back after (the builders of
        # the matrix expect the plain cast).
        savepoint = transaction.savepoint()
        url = reverse(name, kwargs=page.kwargs(world))
        response = client.get(url)
        transaction.savepoint_rollback(savepoint)
        assert response.status_code == 302, f"{name}: {response.status_code}"
        assert response["Location"] == f"{setup}?next={quote(url, safe='/')}", name
        checked += 1
    # Every page of the web app, not a sample.
    assert checked == len(set(PAGES) - OPEN_PAGES) > 80
    # The Django admin too (Koppel staff use it).
    admin = _signed_in(world.koen).get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith(setup)


def test_a_required_person_without_the_second_step_reaches_no_api_endpoint(world):
    client = _signed_in(world.bos)
    urls = _api_urls()
    assert len(urls) > 100
    for name, url in urls:
        if name in OPEN_API:
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 403, f"{name} {url}: {response.status_code}"
            assert response.json() == {
                "message": API_MESSAGE,
                "extra": {"second_factor": "setup"},
            }, name


def test_with_a_device_pages_go_to_the_verify_page_and_the_api_says_verify(world):
    set_up(world.bos)
    client = _signed_in(world.bos)
    response = client.get(reverse("frontend:round-list"))
    assert response["Location"] == (
        reverse("frontend:two-factor-verify") + "?next=" + quote(reverse("frontend:round-list"))
    )
    api = client.get(reverse("api:auth-me"))
    assert api.status_code == 403
    assert api.json()["extra"] == {"second_factor": "verify"}
    # A POST is not replayed after the second step: no `next`.
    post = client.post(reverse("frontend:offer-brief"))
    assert post["Location"] == reverse("frontend:two-factor-verify")


def test_htmx_requests_are_sent_to_the_verify_page_as_a_whole_page(world):
    set_up(world.bos)
    response = _signed_in(world.bos).get(reverse("frontend:dashboard"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("frontend:two-factor-verify")


def test_the_open_pages_stay_open(world):
    set_up(world.bos)
    client = _signed_in(world.bos)
    assert client.get(reverse("frontend:two-factor-verify")).status_code == 200
    assert client.get(reverse("healthz-live")).status_code == 200
    assert client.get("/static/frontend/koppel.css").status_code in (200, 304)
    language = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert language.status_code == 302
    assert client.post(reverse("frontend:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_after_the_second_step_everything_is_reachable(world):
    device, _codes = set_up(world.bos)
    client = _signed_in(world.bos)
    response = client.post(
        reverse("frontend:two-factor-verify"),
        {"action": "totp", "code": code_for(device, steps_ahead=1), "next": "/rounds/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/rounds/"
    assert client.session[SESSION_KEY] == "totp"
    assert client.get(reverse("frontend:dashboard")).status_code == 200
    assert client.get(reverse("api:auth-me")).status_code == 200


def test_an_sso_login_counts_as_the_second_step(world):
    client = _signed_in(world.ilse)
    session = client.session
    session[SESSION_KEY] = "sso"
    session.save()
    assert client.get(reverse("frontend:dashboard")).status_code == 200
    assert client.get(reverse("api:auth-me")).status_code == 200


@pytest.mark.parametrize("name", ["devries", "sanne", "jan", "peters"])
def test_people_who_need_no_second_factor_are_not_stopped(world, name):
    client = _signed_in(getattr(world, name))
    assert client.get(reverse("frontend:dashboard")).status_code == 200
    assert client.get(reverse("api:auth-me")).status_code == 200
    assert SESSION_KEY not in client.session


def test_a_school_switching_it_on_stops_its_coordinators_next_request(world):
    world.vista.require_two_factor = False
    world.vista.save(update_fields=["require_two_factor"])
    client = _signed_in(world.bos)
    assert client.get(reverse("frontend:dashboard")).status_code == 200
    world.vista.require_two_factor = True
    world.vista.save(update_fields=["require_two_factor"])
    assert client.get(reverse("frontend:dashboard")).status_code == 302


def test_a_request_of_someone_not_required_asks_nothing_about_devices_or_schools(world):
    client = _signed_in(world.jan)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("api:auth-me")).status_code == 200
    # The memberships are read once per request anyway (and reused by the page); a company
    # contact holds no role that could need two factors, so nothing more is asked.
    about_two_factors = [
        q["sql"]
        for q in queries
        if "otp_" in q["sql"] or "require_two_factor" in q["sql"].partition("WHERE")[2]
    ]
    assert about_two_factors == []
