"""The test OpenID Connect provider itself (tests/sso_provider/), driven as a relying party would
with plain HTTP: discovery, authorization code + PKCE, the token endpoint, JWKS, the ID token's
signature and claims, userinfo, RP-initiated logout, and each misbehaviour the refusal tests use.
If these pass, a failing Koppel flow test is Koppel's fault, not the provider's."""

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

REDIRECT_URI = "http://testserver/sso/terug/"


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def _authorize_url(provider, *, state="st4te", nonce="n0nce", challenge=None, **extra) -> str:
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email schac_home_organization eduperson_affiliation",
        "state": state,
        "nonce": nonce,
        **extra,
    }
    if challenge:
        query.update(code_challenge=challenge, code_challenge_method="S256")
    return f"{provider.issuer}/authorize/?{urlencode(query)}"


def _payload(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _code_flow(provider, idp, user, *, nonce="n0nce"):
    """Sign `user` in as Koppel would; returns (token response, ID token claims)."""
    verifier, challenge = _pkce()
    back = idp.sign_in(_authorize_url(provider, nonce=nonce, challenge=challenge), user)
    assert back.startswith(REDIRECT_URI)
    query = parse_qs(urlsplit(back).query)
    assert query["state"] == ["st4te"]
    response = requests.post(
        f"{provider.issuer}/token/",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    return tokens, _payload(tokens["id_token"])


def _verify(provider, token: str) -> bool:
    keys = jwk.JWKSet.from_json(
        requests.get(f"{provider.issuer}/.well-known/jwks.json", timeout=10).text
    )
    signed = jws.JWS()
    signed.deserialize(token)
    try:
        signed.verify(keys)
    except JWException:  # InvalidJWSSignature, or JWKeyNotFound: no key in the set verifies
        return False
    return True


def test_discovery_names_every_endpoint_koppel_needs(sso_provider):
    document = requests.get(
        f"{sso_provider.issuer}/.well-known/openid-configuration", timeout=10
    ).json()
    issuer = sso_provider.issuer
    settings = sso_provider.koppel_settings()
    assert document["issuer"] == issuer == settings["OIDC_OP_ISSUER"]
    assert document["authorization_endpoint"] == settings["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    assert document["token_endpoint"] == settings["OIDC_OP_TOKEN_ENDPOINT"]
    assert document["userinfo_endpoint"] == settings["OIDC_OP_USER_ENDPOINT"]
    assert document["jwks_uri"] == settings["OIDC_OP_JWKS_ENDPOINT"]
    assert document["end_session_endpoint"] == settings["OIDC_OP_LOGOUT_ENDPOINT"]
    assert "S256" in document["code_challenge_methods_supported"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert issuer.startswith("http://127.0.0.1:")


def test_jwks_publishes_one_rsa_signing_key(sso_provider):
    keys = requests.get(f"{sso_provider.issuer}/.well-known/jwks.json", timeout=10).json()["keys"]
    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]


def test_code_flow_with_pkce_issues_a_signed_id_token_with_the_federation_claims(sso_provider, idp):
    user = sso_provider.user(home="vista.nl", student_number="123456", given_name="Sanne")
    tokens, claims = _code_flow(sso_provider, idp, user)

    assert _verify(sso_provider, tokens["id_token"])
    assert claims["iss"] == sso_provider.issuer
    assert claims["aud"] == sso_provider.client_id
    assert claims["nonce"] == "n0nce"
    assert claims["iat"] <= time.time() + 5 < claims["exp"]
    assert claims["sub"] == user.sub
    assert claims["schac_home_organization"] == "vista.nl"
    assert claims["eduperson_affiliation"] == ["student"]
    assert claims["schac_personal_unique_code"] == [
        "urn:schac:personalUniqueCode:nl:local:vista.nl:studentid:123456"
    ]
    assert claims["given_name"] == "Sanne"
    assert claims["email"] == user.email

    userinfo = requests.get(
        f"{sso_provider.issuer}/userinfo/",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).json()
    assert {key: userinfo[key] for key in user.claims} == user.claims


def test_a_second_authorization_reuses_the_provider_session(sso_provider, idp):
    user = sso_provider.user()
    _code_flow(sso_provider, idp, user)
    assert idp.signed_in_as() == user.username
    # No user given: the provider must not ask again.
    _tokens, claims = _code_flow(sso_provider, idp, None)
    assert claims["sub"] == user.sub


def test_pkce_is_required(sso_provider, idp):
    user = sso_provider.user()
    back = idp.sign_in(_authorize_url(sso_provider), user)
    assert parse_qs(urlsplit(back).query)["error"] == ["invalid_request"]


def test_the_token_endpoint_refuses_a_wrong_code_verifier_and_a_wrong_secret(sso_provider, idp):
    user = sso_provider.user()
    _verifier, challenge = _pkce()
    back = idp.sign_in(_authorize_url(sso_provider, challenge=challenge), user)
    code = parse_qs(urlsplit(back).query)["code"][0]
    base = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": sso_provider.client_id,
    }
    wrong_secret = requests.post(
        f"{sso_provider.issuer}/token/",
        data={**base, "code_verifier": _verifier, "client_secret": "guessed"},
        timeout=10,
    )
    assert wrong_secret.status_code == 401
    wrong_verifier = requests.post(
        f"{sso_provider.issuer}/token/",
        data={**base, "code_verifier": "x" * 50, "client_secret": sso_provider.client_secret},
        timeout=10,
    )
    assert wrong_verifier.status_code == 400
    assert wrong_verifier.json()["error"] == "invalid_grant"


def test_an_unregistered_redirect_uri_is_never_redirected_to(sso_provider, idp):
    user = sso_provider.user()
    _verifier, challenge = _pkce()
    url = _authorize_url(sso_provider, challenge=challenge).replace("testserver", "evil.example")
    with pytest.raises(AssertionError, match="answered 400"):
        idp.sign_in(url, user)


def test_a_wrong_password_is_refused(sso_provider, idp):
    user = sso_provider.user()
    user.password = "wrong"
    _verifier, challenge = _pkce()
    with pytest.raises(AssertionError, match="signing in at the provider failed"):
        idp.sign_in(_authorize_url(sso_provider, challenge=challenge), user)


def test_claims_left_out_are_not_sent(sso_provider, idp):
    user = sso_provider.user(home=None, drop=("email",))
    _tokens, claims = _code_flow(sso_provider, idp, user)
    assert "schac_home_organization" not in claims
    assert "email" not in claims
    assert claims["eduperson_affiliation"] == ["student"]


@pytest.mark.parametrize(
    ("misbehave", "check"),
    [
        ("expired-token", lambda claims, p: claims["exp"] < time.time() - 300),
        ("future-token", lambda claims, p: claims["iat"] > time.time() + 3000),
        ("wrong-nonce", lambda claims, p: claims["nonce"] != "n0nce"),
        ("wrong-issuer", lambda claims, p: claims["iss"] != p.issuer),
        ("wrong-audience", lambda claims, p: claims["aud"] != p.client_id),
    ],
)
def test_misbehaving_users_get_a_wrong_but_validly_signed_id_token(
    sso_provider, idp, misbehave, check
):
    user = sso_provider.user(misbehave=misbehave)
    tokens, claims = _code_flow(sso_provider, idp, user)
    assert check(claims, sso_provider)
    assert _verify(sso_provider, tokens["id_token"])


def test_bad_signature_user_gets_a_token_the_jwks_does_not_verify(sso_provider, idp):
    user = sso_provider.user(misbehave="bad-signature")
    tokens, claims = _code_flow(sso_provider, idp, user)
    assert claims["nonce"] == "n0nce"
    assert not _verify(sso_provider, tokens["id_token"])


def test_rp_initiated_logout_ends_the_provider_session(sso_provider, idp):
    user = sso_provider.user()
    tokens, _claims = _code_flow(sso_provider, idp, user)
    assert idp.signed_in_as() == user.username
    query = urlencode(
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "http://testserver/login/",
            "state": "bye",
        }
    )
    response = idp.follow(f"{sso_provider.issuer}/logout/?{query}")
    assert response.status_code == 302
    assert response.headers["Location"] == "http://testserver/login/?state=bye"
    assert idp.signed_in_as() is None


def test_the_control_api_needs_the_token(sso_provider):
    response = requests.post(
        f"{sso_provider.issuer}/_control/users",
        json={"username": "mallory", "claims": {}},
        headers={"X-Control-Token": "guessed"},
        timeout=10,
    )
    assert response.status_code == 403
