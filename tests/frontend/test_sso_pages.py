"""The school account pages: the flow (its checks on state, nonce and the ID token), the refusal
pages, logout, and the institution admin's pages.

The ID tokens here are real RS256 tokens signed with a key made for the test; only the call to
the provider's token endpoint is replaced (the end-to-end tests against a running provider are in
tests/sso/). Everything after it (signature, issuer, audience, lifetime, nonce, the linking) is
Koppel's and the library's own code."""

import datetime as dt
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from backend.accounts.models import Role
from backend.core.second_factor import second_factor_method
from backend.sso.backend import SchoolAccountBackend
from backend.sso.models import Outcome, PendingEmployee, Reason, RegisteredDomain, SignInLogEntry
from tests.backend.sso.factories import (
    employee_claims,
    institution_admin,
    register_domain,
    student_claims,
    student_record,
)

ISSUER = "https://idp.example.test"
CLIENT_ID = "koppel-test"
END_SESSION = "https://idp.example.test/logout"
CLIENT_SECRET = "a-client-secret-that-is-long-enough-for-hs256"

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    _KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


@pytest.fixture
def sso(settings, db):
    settings.KOPPEL_SSO_ENABLED = True
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = ""
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.OIDC_OP_LOGOUT_ENDPOINT = END_SESSION
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    # The provider's public key given directly, so no JWKS request is needed here.
    settings.OIDC_RP_IDP_SIGN_KEY = PUBLIC_PEM
    return settings


def _token(claims, *, nonce, key=_KEY, alg="RS256", **overrides):
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        **claims,
        **overrides,
    }
    if alg == "HS256":
        return jwt.encode(payload, CLIENT_SECRET, algorithm="HS256")
    return jwt.encode(payload, key, algorithm=alg)


class Flow:
    """One browser's sign-in: start it, then come back with a token the test chose."""

    def __init__(self, client, monkeypatch):
        self.client, self.monkeypatch = client, monkeypatch
        self.token_requests: list[dict] = []

    def start(self, next_url=""):
        url = reverse("frontend:sso-login") + (f"?next={next_url}" if next_url else "")
        response = self.client.get(url)
        assert response.status_code == 302
        query = parse_qs(urlparse(response["Location"]).query)
        self.state, self.nonce = query["state"][0], query["nonce"][0]
        return query

    def come_back(self, id_token, *, state=None):
        def get_token(backend, payload):
            self.token_requests.append(payload)
            return {"id_token": id_token, "access_token": "access"}

        self.monkeypatch.setattr(SchoolAccountBackend, "get_token", get_token)
        query = {"code": "the-code", "state": self.state if state is None else state}
        return self.client.get(reverse("frontend:sso-callback"), query)

    def sign_in(self, claims, **token_options):
        self.start()
        nonce = token_options.pop("nonce", self.nonce)
        return self.come_back(_token(claims, nonce=nonce, **token_options))


@pytest.fixture
def flow(client, monkeypatch, sso):
    return Flow(client, monkeypatch)


@pytest.fixture
def vista(cast):
    register_domain(cast.vista, "vista.nl")
    return cast.vista


def _refused_url(reason):
    return reverse("frontend:sso-refused", kwargs={"reason": reason})


def _log():
    return list(SignInLogEntry.objects.values_list("outcome", "reason"))


# --- the login page ------------------------------------------------------------------------------


def test_the_login_page_offers_the_school_account_when_sso_is_on(client, sso):
    page = client.get(reverse("frontend:login")).content.decode()
    assert "Inloggen met je schoolaccount" in page
    assert reverse("frontend:sso-login") in page


def test_the_login_page_does_not_offer_it_when_sso_is_off(client, settings):
    settings.KOPPEL_SSO_ENABLED = False
    assert "schoolaccount" not in client.get(reverse("frontend:login")).content.decode()
    assert client.get(reverse("frontend:sso-login"))["Location"] == reverse("frontend:login")


# --- starting -------------------------------------------------------------------------------------


def test_starting_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(flow):
    query = flow.start()
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == ["http://testserver" + reverse("frontend:sso-callback")]
    assert "schac_home_organization" in query["scope"][0].split()
    states = flow.client.session["oidc_states"]
    assert states[flow.state]["nonce"] == flow.nonce
    assert len(states[flow.state]["code_verifier"]) == 64


# --- coming back ----------------------------------------------------------------------------------


def test_a_student_signs_in_linked_with_the_second_factor_done(flow, vista):
    lotte = student_record(vista, number="123456")
    response = flow.sign_in(student_claims(number="123456", sub="lotte"))
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:dashboard")
    session = flow.client.session
    assert int(session["_auth_user_id"]) == lotte.pk
    assert session["_auth_user_backend"] == "backend.sso.backend.SchoolAccountBackend"
    assert session["oidc_id_token"]
    assert flow.state not in session["oidc_states"]
    # The PKCE verifier went with the code to the token endpoint.
    (request,) = flow.token_requests
    assert request["code"] == "the-code"
    assert len(request["code_verifier"]) == 64
    assert _log() == [(Outcome.LINKED, "")]
    # The dashboard opens (the session's login is loaded through the SSO backend).
    assert flow.client.get(reverse("frontend:dashboard")).status_code == 200


def test_the_session_records_the_sso_second_factor(flow, vista, rf):
    student_record(vista, number="123456")
    flow.sign_in(student_claims(number="123456"))
    request = rf.get("/")
    request.session = flow.client.session
    assert second_factor_method(request) == "sso"


def test_the_person_goes_on_to_the_page_they_asked_for(flow, vista):
    student_record(vista, number="123456")
    flow.start(next_url="/uitdagingen/")
    response = flow.come_back(_token(student_claims(number="123456"), nonce=flow.nonce))
    assert response["Location"] == "/uitdagingen/"


def test_an_unsafe_next_address_is_ignored(flow, vista):
    student_record(vista, number="123456")
    flow.start(next_url="https://evil.example/")
    response = flow.come_back(_token(student_claims(number="123456"), nonce=flow.nonce))
    assert response["Location"] == reverse("frontend:dashboard")


def test_an_employee_without_invitation_is_sent_to_the_waiting_page(flow, vista):
    response = flow.sign_in(employee_claims(email="nieuw@vista.nl"))
    assert response["Location"] == reverse("frontend:sso-pending")
    assert "_auth_user_id" not in flow.client.session
    assert PendingEmployee.objects.count() == 1


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (student_claims(number="1", domain="elders.nl"), Reason.UNKNOWN_INSTITUTION),
        (student_claims(number="404"), Reason.NO_STUDENT_RECORD),
        (employee_claims(email="a@vista.nl", affiliation=["alum"]), Reason.AFFILIATION_NOT_ALLOWED),
    ],
)
def test_a_refused_person_sees_the_page_for_the_reason(flow, vista, claims, reason):
    response = flow.sign_in(claims)
    assert response["Location"] == _refused_url(reason)
    assert "_auth_user_id" not in flow.client.session
    assert _log() == [(Outcome.REFUSED, reason)]


def test_a_missing_claim_is_named_on_the_page(flow, vista):
    response = flow.sign_in(student_claims(number=None))
    assert response["Location"] == (
        _refused_url(Reason.MISSING_ATTRIBUTE) + "?claim=schac_personal_unique_code"
    )
    page = flow.client.get(response["Location"]).content.decode()
    assert "schac_personal_unique_code" in page


def test_a_staff_account_is_never_signed_in(flow, vista):
    user = student_record(vista, number="123456")
    user.is_superuser = True
    user.save()
    response = flow.sign_in(student_claims(number="123456"))
    assert response["Location"] == _refused_url(Reason.NOT_LINKABLE)
    assert "_auth_user_id" not in flow.client.session


def test_a_disabled_account_is_refused(flow, vista):
    user = student_record(vista, number="123456")
    user.is_active = False
    user.save()
    assert flow.sign_in(student_claims(number="123456"))["Location"] == _refused_url(
        Reason.ACCOUNT_DISABLED
    )


# --- the protocol's checks -----------------------------------------------------------------------


def test_a_callback_without_a_known_state_is_refused(flow, vista):
    flow.start()
    token = _token(student_claims(number="1"), nonce=flow.nonce)
    assert flow.come_back(token, state="made-up")["Location"] == _refused_url(Reason.STATE_MISMATCH)
    assert flow.token_requests == []
    assert _log() == [(Outcome.REFUSED, Reason.STATE_MISMATCH)]


def test_a_callback_in_a_browser_that_started_nothing_is_refused(client, sso):
    response = client.get(reverse("frontend:sso-callback"), {"code": "c", "state": "s"})
    assert response["Location"] == _refused_url(Reason.STATE_MISMATCH)


def test_a_state_works_once(flow, vista):
    student_record(vista, number="123456")
    flow.start()
    token = _token(student_claims(number="123456"), nonce=flow.nonce)
    assert flow.come_back(token)["Location"] == reverse("frontend:dashboard")
    flow.client.logout()
    assert flow.come_back(token)["Location"] == _refused_url(Reason.STATE_MISMATCH)


def test_a_token_with_another_nonce_is_refused(flow, vista):
    student_record(vista, number="123456")
    response = flow.sign_in(student_claims(number="123456"), nonce="someone-elses")
    assert response["Location"] == _refused_url(Reason.NONCE_MISMATCH)
    assert "_auth_user_id" not in flow.client.session
    assert _log() == [(Outcome.REFUSED, Reason.NONCE_MISMATCH)]


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
        {"iat": int(time.time()) + 3600, "nbf": int(time.time()) + 3600},
    ],
)
def test_an_expired_or_not_yet_valid_token_is_refused(flow, vista, overrides):
    student_record(vista, number="123456")
    response = flow.sign_in(student_claims(number="123456"), **overrides)
    assert response["Location"] == _refused_url(Reason.TOKEN_EXPIRED)


@pytest.mark.parametrize(
    "options",
    [
        {"key": _OTHER_KEY},  # signed by someone else
        {"alg": "HS256"},  # a shared-secret signature
        {"aud": "another-client"},
        {"iss": "https://evil.example"},
    ],
    ids=["signature", "algorithm", "audience", "issuer"],
)
def test_a_token_that_fails_verification_is_refused(flow, vista, options):
    student_record(vista, number="123456")
    response = flow.sign_in(student_claims(number="123456"), **options)
    assert response["Location"] == _refused_url(Reason.TOKEN_INVALID)
    assert "_auth_user_id" not in flow.client.session
    assert _log() == [(Outcome.REFUSED, Reason.TOKEN_INVALID)]


def test_an_error_from_the_provider_is_shown_and_uses_up_the_state(flow):
    flow.start()
    response = flow.client.get(
        reverse("frontend:sso-callback"), {"error": "access_denied", "state": flow.state}
    )
    assert response["Location"] == _refused_url(Reason.PROVIDER_ERROR)
    assert flow.state not in flow.client.session["oidc_states"]


def test_a_password_login_never_reaches_the_provider(client, sso, cast, monkeypatch):
    def get_token(backend, payload):
        raise AssertionError("the provider was contacted")

    monkeypatch.setattr(SchoolAccountBackend, "get_token", get_token)
    response = client.post(
        reverse("frontend:login") + "?code=x&state=y",
        {"username": "bos@vista.test", "password": cast.password},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


# --- refusal pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", Reason.values)
def test_every_refusal_has_a_page_that_says_what_to_do(client, reason):
    response = client.get(_refused_url(reason))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wat nu:" in page
    assert reverse("frontend:sso-login") in page


def test_an_unknown_reason_is_not_found(client):
    assert client.get(_refused_url("whatever")).status_code == 404


def test_the_refusal_page_names_only_known_claims(client):
    url = _refused_url(Reason.MISSING_ATTRIBUTE)
    assert "&lt;script" not in client.get(url + "?claim=<script>").content.decode()
    assert "<script>" not in client.get(url + "?claim=<script>").content.decode()


def test_the_refusal_page_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.get(_refused_url(Reason.UNKNOWN_INSTITUTION))
    assert response.status_code == 200


# --- logout ------------------------------------------------------------------------------------


def test_logout_ends_the_session_and_signs_out_at_the_provider(flow, vista):
    student_record(vista, number="123456")
    flow.sign_in(student_claims(number="123456"))
    id_token = flow.client.session["oidc_id_token"]
    response = flow.client.post(reverse("frontend:sso-logout"))
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == END_SESSION
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver" + reverse("frontend:login")]
    assert "_auth_user_id" not in flow.client.session
    assert flow.client.get(reverse("frontend:dashboard")).status_code == 302


def test_logout_without_an_end_session_endpoint_only_ends_the_koppel_session(flow, vista, sso):
    sso.OIDC_OP_LOGOUT_ENDPOINT = ""
    student_record(vista, number="123456")
    flow.sign_in(student_claims(number="123456"))
    response = flow.client.post(reverse("frontend:sso-logout"))
    assert response["Location"] == reverse("frontend:login")
    assert "_auth_user_id" not in flow.client.session


def test_the_header_logout_button_uses_sso_logout_after_an_sso_login(flow, vista):
    student_record(vista, number="123456")
    flow.sign_in(student_claims(number="123456"))
    page = flow.client.get(reverse("frontend:dashboard")).content.decode()
    assert f'action="{reverse("frontend:sso-logout")}"' in page


def test_logout_is_post_only(client):
    assert client.get(reverse("frontend:sso-logout")).status_code == 405


# --- the institution admin's pages ---------------------------------------------------------------


@pytest.fixture
def admin(cast):
    return institution_admin(cast.vista, email="mulder@vista.test")


def test_the_admin_menu_page_opens_their_school(page_client, cast, admin):
    response = page_client(admin).get(reverse("frontend:sso-admin"))
    assert response["Location"] == reverse("frontend:sso-school", kwargs={"pk": cast.vista.pk})


def test_the_admin_registers_a_domain(page_client, cast, admin):
    url = reverse("frontend:sso-school", kwargs={"pk": cast.vista.pk})
    response = page_client(admin).post(url, {"domain": "Vista.nl", "student_matching": "email"})
    assert response.status_code == 302
    domain = RegisteredDomain.objects.get()
    assert (domain.organisation, domain.domain, domain.student_matching) == (
        cast.vista,
        "vista.nl",
        "email",
    )
    page = page_client(admin).get(url).content.decode()
    assert "vista.nl" in page
    assert "http://testserver" + reverse("frontend:sso-callback") in page


def test_a_domain_taken_by_another_school_shows_an_error(page_client, cast, admin):
    register_domain(cast.gilde, "gilde.nl")
    url = reverse("frontend:sso-school", kwargs={"pk": cast.vista.pk})
    response = page_client(admin).post(url, {"domain": "gilde.nl", "student_matching": "email"})
    assert response.status_code == 200
    assert "al geregistreerd" in response.content.decode()
    assert RegisteredDomain.objects.get().organisation == cast.gilde


def test_the_admin_removes_a_domain(page_client, cast, admin):
    domain = register_domain(cast.vista, "vista.nl")
    response = page_client(admin).post(
        reverse("frontend:sso-domain-remove", kwargs={"pk": domain.pk})
    )
    assert response.status_code == 302
    assert not RegisteredDomain.objects.exists()


def _waiting(school, email="nieuw@vista.nl", sub="karin"):
    from backend.sso.services import sso_sign_in

    sso_sign_in(
        claims=employee_claims(email=email, sub=sub), issuer=ISSUER, now=dt.datetime.now(dt.UTC)
    )
    return PendingEmployee.objects.get(subject=sub)


def test_the_admin_approves_a_waiting_employee_with_a_role(page_client, cast, admin, vista):
    pending = _waiting(vista)
    page = (
        page_client(admin)
        .get(reverse("frontend:sso-school", kwargs={"pk": vista.pk}))
        .content.decode()
    )
    assert "nieuw@vista.nl" in page
    response = page_client(admin).post(
        reverse("frontend:sso-pending-decide", kwargs={"pk": pending.pk}),
        {"decision": "approve", "role": Role.COORDINATOR},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.role) == ("approved", Role.COORDINATOR)


def test_the_admin_refuses_a_waiting_employee(page_client, admin, vista):
    pending = _waiting(vista)
    page_client(admin).post(
        reverse("frontend:sso-pending-decide", kwargs={"pk": pending.pk}), {"decision": "refuse"}
    )
    pending.refresh_from_db()
    assert pending.status == "refused"


def test_the_admin_reads_the_schools_log_in_few_queries(
    page_client, cast, admin, vista, django_assert_max_num_queries
):
    for n in range(5):
        _waiting(vista, email=f"n{n}@vista.nl", sub=f"s{n}")
    client = page_client(admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("frontend:sso-log", kwargs={"pk": vista.pk}))
    page = response.content.decode()
    assert page.count("n0@vista.nl") == 1
    assert "wacht op goedkeuring" in page


def test_an_admin_of_another_school_finds_none_of_it(page_client, cast, vista):
    other = institution_admin(cast.gilde)
    domain = RegisteredDomain.objects.get()
    pending = _waiting(vista)
    client = page_client(other)
    assert client.get(reverse("frontend:sso-school", kwargs={"pk": vista.pk})).status_code == 404
    assert client.get(reverse("frontend:sso-log", kwargs={"pk": vista.pk})).status_code == 404
    assert (
        client.post(reverse("frontend:sso-domain-remove", kwargs={"pk": domain.pk})).status_code
        == 404
    )
    response = client.post(
        reverse("frontend:sso-pending-decide", kwargs={"pk": pending.pk}),
        {"decision": "approve", "role": Role.TEACHER},
    )
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == "open"
    assert RegisteredDomain.objects.filter(pk=domain.pk).exists()


@pytest.mark.parametrize("who", ["bos", "devries", "sanne", "jan"])
def test_other_roles_are_refused_the_admin_pages(page_client, cast, vista, who):
    client = page_client(getattr(cast, who))
    assert client.get(reverse("frontend:sso-school", kwargs={"pk": vista.pk})).status_code == 403
    domain = RegisteredDomain.objects.get()
    assert (
        client.post(reverse("frontend:sso-domain-remove", kwargs={"pk": domain.pk})).status_code
        == 403
    )
    assert RegisteredDomain.objects.exists()


def test_a_company_is_no_school_for_the_admin_pages(page_client, cast):
    staff_user = institution_admin(cast.vista)
    assert (
        page_client(staff_user)
        .get(reverse("frontend:sso-school", kwargs={"pk": cast.bakkerij.pk}))
        .status_code
        == 404
    )
