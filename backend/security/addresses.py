"""Which address a request comes from.

Behind a reverse proxy every request's REMOTE_ADDR is the proxy's, so one attacker would block
everyone, or nobody. Set NUM_PROXIES to the number of proxies in front of Koppel that append to
X-Forwarded-For (nginx, a load balancer): the client is then the first hop those proxies did not
add themselves. With NUM_PROXIES=0 (the default) X-Forwarded-For is ignored, because a client can
write anything into it."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from rest_framework.request import Request

MAX_LENGTH = 45  # the longest textual IPv6 address


def client_address(request: "HttpRequest | Request") -> str:
    remote: str = request.META.get("REMOTE_ADDR", "") or ""
    proxies: int = settings.NUM_PROXIES
    if proxies <= 0:
        return remote[:MAX_LENGTH]
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote[:MAX_LENGTH]
    # Each trusted proxy appended the address it saw; the one our outermost proxy saw is the
    # client. Anything before it was written by the client and is not trusted.
    return hops[-min(proxies, len(hops))][:MAX_LENGTH]
