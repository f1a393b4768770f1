"""`manage.py check` refuses SSO switched on with an incomplete provider configuration."""

from backend.sso.checks import REQUIRED, sso_settings_check


def _configure(settings):
    settings.KOPPEL_SSO_ENABLED = True
    for name in REQUIRED:
        setattr(settings, name, "https://idp.test/x")
    settings.OIDC_RP_SIGN_ALGO = "RS256"


def test_it_says_nothing_while_sso_is_off(settings):
    settings.KOPPEL_SSO_ENABLED = False
    settings.OIDC_OP_ISSUER = ""
    assert sso_settings_check(None) == []


def test_it_passes_a_complete_configuration(settings):
    _configure(settings)
    assert sso_settings_check(None) == []


def test_it_names_each_missing_setting(settings):
    _configure(settings)
    settings.OIDC_OP_ISSUER = ""
    settings.OIDC_RP_CLIENT_ID = ""
    messages = [m.msg for m in sso_settings_check(None)]
    assert len(messages) == 2
    assert "OIDC_OP_ISSUER" in messages[0]
    assert "OIDC_RP_CLIENT_ID" in messages[1]


def test_it_refuses_a_shared_secret_algorithm(settings):
    _configure(settings)
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    assert [m.id for m in sso_settings_check(None)] == ["sso.E002"]
