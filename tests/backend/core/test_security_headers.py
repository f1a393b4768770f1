"""Every response carries a Content-Security-Policy and a Permissions-Policy; personal pages
and API answers are `Cache-Control: private, no-store`; HSTS is sent over TLS only."""

import re
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

TEMPLATES = Path(__file__).resolve().parents[3] / "frontend" / "templates"


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.bos)
    return client


def test_every_page_carries_the_content_security_policy(client, db):
    response = client.get("/login/")

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_with_sso_logout_the_provider_is_the_only_other_form_target(client, db, settings):
    # The logout form posts to Koppel, which redirects to the provider's end-session page;
    # browsers apply form-action to that redirect, so the provider's origin must be allowed.
    settings.KOPPEL_SSO_ENABLED = True
    settings.OIDC_OP_LOGOUT_ENDPOINT = "https://connect.example.org/oidc/logout?x=1"

    policy = client.get("/login/").headers["Content-Security-Policy"]

    assert "form-action 'self' https://connect.example.org;" in policy
    settings.OIDC_OP_LOGOUT_ENDPOINT = "javascript:alert(1)"
    assert "form-action 'self';" in client.get("/login/").headers["Content-Security-Policy"]


def test_every_page_carries_the_permissions_policy(client, db):
    response = client.get("/login/")

    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_api_answers_carry_the_security_headers_too(api, cast):
    api.force_authenticate(cast.bos)

    response = api.get("/api/auth/me/")

    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_signed_in_page_is_not_stored_by_any_cache(signed_in):
    response = signed_in.get("/")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in response.headers["Vary"]


def test_an_api_answer_with_a_token_is_not_stored_by_any_cache(api, cast):
    token = Token.objects.create(user=cast.bos)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.get("/api/auth/me/")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Authorization" in response.headers["Vary"]


def test_an_api_error_is_not_stored_by_any_cache_either(api, db):
    response = api.get("/api/auth/me/")

    assert response.status_code in {401, 403}
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_view_that_sets_its_own_caching_keeps_it(signed_in):
    # The login view is never_cache; the middleware adds nothing to a view's own choice.
    response = signed_in.get("/login/")

    assert (
        response.headers["Cache-Control"]
        == "max-age=0, no-cache, no-store, must-revalidate, private"
    )


def test_static_files_keep_their_own_caching_for_a_signed_in_person(signed_in):
    response = signed_in.get("/static/frontend/koppel.css")

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response.headers


def test_hsts_is_sent_over_tls(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get("/login/", secure=True)

    assert (
        response.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def test_hsts_is_not_sent_over_plain_http(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get("/login/")

    assert "Strict-Transport-Security" not in response.headers


def test_behind_the_trusted_proxy_a_forwarded_https_request_is_secure(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    over_https = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    over_http = client.get("/login/")

    assert over_https.status_code == 200
    assert "Strict-Transport-Security" in over_https.headers
    assert over_http.status_code == 301
    assert over_http.headers["Location"] == "https://testserver/login/"


def test_the_health_checks_are_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz/live/")

    assert response.status_code == 200


def test_the_api_docs_may_load_swagger_ui_from_its_cdn(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert (
        "script-src 'self' https://cdn.jsdelivr.net" in response.headers["Content-Security-Policy"]
    )
    assert b"<script>" not in response.content


# The policy allows no inline code, so the templates must not carry any.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>"),
    "inline <style>": re.compile(r"<style\b"),
    "style attribute": re.compile(r"\sstyle=\""),
    "event handler attribute": re.compile(r"\son[a-z]+=\""),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=str)
def test_no_template_carries_inline_code_the_policy_would_block(template):
    source = template.read_text()

    found = [name for name, pattern in INLINE.items() if pattern.search(source)]

    assert found == [], f"{template.relative_to(TEMPLATES)}: {found}"
