"""A small, real OpenID Connect provider for Koppel's SSO tests and the local demo.

Built on django-oauth-toolkit with OpenID Connect on: authorization code flow with PKCE (required),
RS256 ID tokens signed with a key generated at start, discovery, JWKS, userinfo and RP-initiated
logout (end_session). It plays SURFconext/eduID: every user carries the federation's claims
(`schac_home_organization`, `eduperson_affiliation`, `schac_personal_unique_code`, ...).

It is a separate Django project with its own settings (tests.sso_provider.settings) and its own
SQLite file in a temporary folder, so it always runs as a separate process:

    python -m tests.sso_provider.serve --port 8001 --users tests/sso_provider/demo_users.json

(`make sso-provider` does that for the demo). The test suite starts it through the fixture in
tests/sso_provider/fixtures.py. Koppel itself never imports this package.

For the refusal tests a user can be made to misbehave (`Person.misbehave`, see validators.py):
the provider then issues an expired ID token, one with another nonce, issuer or audience, or one
signed with a key that is not in its JWKS.
"""
