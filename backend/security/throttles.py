"""Request-rate limits per client address for the endpoints anyone can call without signing in
(token, password reset, sign-up, invitation accept). Rates come from the PUBLIC_THROTTLE_RATES
setting, read on every request so tests and operators can change them; the address is the same one
the sign-in lockout uses (backend.security.addresses)."""

import math
from collections.abc import Mapping, Sequence
from typing import NoReturn

from django.conf import settings
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from backend.security.addresses import client_address


class PublicEndpointThrottle(ScopedRateThrottle):
    def get_rate(self) -> str | None:
        # None (a scope left out of the setting) switches the limit off.
        rates: Mapping[str, str | None] = settings.PUBLIC_THROTTLE_RATES
        return rates.get(self.scope or "")

    def get_ident(self, request: Request) -> str:
        return client_address(request)


class Throttled(exceptions.Throttled):
    """A 429 with Retry-After and a message in the person's language (DRF's own is English)."""

    def __init__(self, wait: float | None, message: str = "") -> None:
        seconds = max(1, math.ceil(wait or 60))
        minutes = max(1, math.ceil(seconds / 60))
        message = message or ngettext(
            "Te veel verzoeken. Probeer het over %(minutes)d minuut opnieuw.",
            "Te veel verzoeken. Probeer het over %(minutes)d minuten opnieuw.",
            minutes,
        ) % {"minutes": minutes}
        # Without `wait` DRF keeps the message as is; the Retry-After header comes from `.wait`.
        super().__init__(detail=message)
        self.wait = seconds


class PublicEndpointMixin:
    """For APIViews anyone may call: no authentication, a scoped rate limit per address, and a
    Dutch 429. Set `throttle_scope` to a key of PUBLIC_THROTTLE_RATES."""

    authentication_classes: Sequence[type[BaseAuthentication]] = []
    throttle_classes: Sequence[type[BaseThrottle]] = [PublicEndpointThrottle]
    throttle_scope: str = ""

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise Throttled(wait)
