"""The SSO end-to-end tests run against a real OpenID Connect provider (tests/sso_provider/),
started once per run as a separate process on 127.0.0.1.

- `sso_provider`  the running provider (`.user(...)` defines a federation user with claims)
- `sso_settings`  Koppel's OIDC settings pointed at it, for one test
- `idp`           a fresh provider-side browser session (`idp.sign_in(authorize_url, user)`)
"""

import pytest

from tests.sso_provider.fixtures import ProviderSession, acquire, release


@pytest.fixture(scope="session")
def sso_provider(tmp_path_factory):
    provider = acquire(tmp_path_factory.mktemp("sso-provider"))
    yield provider
    release()


@pytest.fixture
def sso_settings(sso_provider, settings):
    for name, value in sso_provider.koppel_settings().items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def idp(sso_provider):
    return ProviderSession(sso_provider)
