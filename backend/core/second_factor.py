"""Whether this session has passed a second factor, kept in the session under one key.

A password login of a role that must use two factors is not complete until the person enters a
code from their authenticator app (or a recovery code); a login through the education
federation (SURFconext, eduID) counts as done, because the school's identity provider applies its
own rules. Both the two-factor pages and the SSO login write the mark here, so neither needs the
other, and the enforcement reads only this."""

from django.http import HttpRequest

SESSION_KEY = "koppel_second_factor"


def mark_second_factor_done(request: HttpRequest, *, method: str) -> None:
    """Record that this session passed its second factor (`method`: "totp", "recovery", "sso")."""
    request.session[SESSION_KEY] = method


def second_factor_method(request: HttpRequest) -> str | None:
    """How this session passed its second factor, or None when it has not."""
    return request.session.get(SESSION_KEY)


def second_factor_done(request: HttpRequest) -> bool:
    return bool(second_factor_method(request))
