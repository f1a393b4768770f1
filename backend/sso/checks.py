"""Start-up checks (`manage.py check`): SSO switched on needs a complete provider configuration."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

REQUIRED = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
)


@register()
def sso_settings_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.KOPPEL_SSO_ENABLED:
        return []
    errors: list[CheckMessage] = [
        Error(f"KOPPEL_SSO_ENABLED is on but {name} is empty (see docs/sso.md)", id="sso.E001")
        for name in REQUIRED
        if not getattr(settings, name, "")
        # A provider key given directly (OIDC_RP_IDP_SIGN_KEY) stands in for the JWKS endpoint.
        and not (
            name == "OIDC_OP_JWKS_ENDPOINT" and getattr(settings, "OIDC_RP_IDP_SIGN_KEY", None)
        )
    ]
    if not settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")):
        errors.append(
            Error(
                "OIDC_RP_SIGN_ALGO must be RS* or ES* (signed with the provider's keys)",
                id="sso.E002",
            )
        )
    return errors
