"""Sign-in throttling and lockout, and rate limits on e-mails anyone can trigger.

One rule for the API token endpoint and the web login:
- an e-mail address with SIGNIN_ACCOUNT_MAX_FAILURES refused passwords within SIGNIN_WINDOW_MINUTES
  is locked for SIGNIN_LOCK_MINUTES, doubling with every lock in a row up to SIGNIN_LOCK_MAX_MINUTES,
  from every address (whether or not the account exists, so the lock tells nothing);
- an address with SIGNIN_ADDRESS_MAX_FAILURES refused passwords within the window (any e-mail
  addresses) is blocked until the oldest of them leaves the window.
While locked even the right password is refused, and the password is not checked at all (hashing is
the expensive part of a guess). The way back in: wait, or reset the password (clears the lock).

Concurrent guesses that pass the check at the same moment may each get one extra try; the lock
still comes after at most that many more."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import ngettext

# The API key table is DRF's model; issuing and revoking keys is this app's job (the one import
# the "domain knows nothing of HTTP" contract allows, see pyproject.toml).
from rest_framework.authtoken.models import Token

from backend.core.errors import ApplicationError
from backend.security.models import AccountLock, MailKind, MailRequest, SigninFailure

if TYPE_CHECKING:
    from backend.accounts.models import User

# Records older than this are no longer needed by any rule (the longest lock included).
RETENTION = timedelta(days=2)


class TooManyRequests(ApplicationError):
    status_code = 429


class SigninLocked(TooManyRequests):
    """Too many refused passwords for this account or from this address. `retry_after` in
    seconds (at least 1)."""

    status_code = 429

    def __init__(self, *, retry_after: float) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            ngettext(
                "Te veel mislukte pogingen. Probeer het over %(minutes)d minuut opnieuw of "
                "herstel je wachtwoord.",
                "Te veel mislukte pogingen. Probeer het over %(minutes)d minuten opnieuw of "
                "herstel je wachtwoord.",
                minutes,
            )
            % {"minutes": minutes}
        )
        self.retry_after = max(1, math.ceil(retry_after))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()[:254]


def _window() -> timedelta:
    return timedelta(minutes=settings.SIGNIN_WINDOW_MINUTES)


def _address_blocked_until(*, address: str, now: datetime) -> datetime | None:
    limit = settings.SIGNIN_ADDRESS_MAX_FAILURES
    if not address:
        return None
    recent = (
        SigninFailure.objects.filter(address=address, created_at__gt=now - _window())
        .order_by("-created_at")
        .values_list("created_at", flat=True)[limit - 1 : limit]
    )
    # The address is free again once the limit-th most recent failure leaves the window.
    return recent[0] + _window() if recent else None


def signin_attempt_check(*, email: str, address: str, now: datetime) -> None:
    """Raise SigninLocked when this e-mail address is locked or this client address is blocked.
    Call it before checking the password."""
    until = (
        AccountLock.objects.filter(email=normalise_email(email), locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )
    blocked = _address_blocked_until(address=address, now=now)
    latest = max((moment for moment in (until, blocked) if moment is not None), default=None)
    if latest is not None:
        raise SigninLocked(retry_after=(latest - now).total_seconds())


def _lock_minutes(strikes: int) -> int:
    base: int = settings.SIGNIN_LOCK_MINUTES
    cap: int = settings.SIGNIN_LOCK_MAX_MINUTES
    doubling: int = 2 ** min(strikes - 1, 20)
    return min(base * doubling, cap)


@transaction.atomic
def signin_failure_record(*, email: str, address: str, now: datetime) -> None:
    """Count a refused password; lock the e-mail address when it reached the limit."""
    email = normalise_email(email)
    SigninFailure.objects.create(email=email, address=address, created_at=now)
    lock = AccountLock.objects.select_for_update().filter(email=email).first()
    # Failures from before the last lock ended were already punished by it.
    since = now - _window()
    if lock is not None:
        since = max(since, lock.locked_until)
    failures = SigninFailure.objects.filter(email=email, created_at__gte=since).count()
    if failures < settings.SIGNIN_ACCOUNT_MAX_FAILURES:
        return
    # A lock long past is forgiven: the doubling starts again.
    strikes = 1
    if lock is not None and lock.locked_until > now - timedelta(days=1):
        strikes = lock.strikes + 1
    AccountLock.objects.update_or_create(
        email=email,
        defaults={
            "strikes": strikes,
            "locked_until": now + timedelta(minutes=_lock_minutes(strikes)),
        },
    )


@transaction.atomic
def signin_lock_clear(*, email: str) -> None:
    """Forget the refused passwords and the lock of an e-mail address: after a successful
    sign-in or a password reset. The address counts stay (one good account does not whitewash
    an address that guesses at others)."""
    email = normalise_email(email)
    SigninFailure.objects.filter(email=email).delete()
    AccountLock.objects.filter(email=email).delete()


def signin_success_record(*, email: str) -> None:
    signin_lock_clear(email=email)


def signin_authenticate(
    *, request: HttpRequest | None, email: str, password: str, address: str, now: datetime
) -> "User | None":
    """The one way to sign in with a password. Returns the active user, or None for a wrong
    e-mail address or password (the caller answers the same for both). Raises SigninLocked before
    the password is checked when the account or the address is locked."""
    email = normalise_email(email)
    signin_attempt_check(email=email, address=address, now=now)
    user = authenticate(request, email=email, password=password)
    if user is None:
        signin_failure_record(email=email, address=address, now=now)
        return None
    signin_success_record(email=email)
    return user


# --- e-mails anyone can trigger --------------------------------------------------------------


@dataclass(frozen=True)
class MailLimits:
    per_email: int
    per_address: int


def _mail_limits(kind: str) -> MailLimits:
    if kind == MailKind.PASSWORD_RESET:
        return MailLimits(
            settings.PASSWORD_RESET_MAX_PER_EMAIL, settings.PASSWORD_RESET_MAX_PER_ADDRESS
        )
    return MailLimits(settings.SIGN_UP_MAX_PER_EMAIL, settings.SIGN_UP_MAX_PER_ADDRESS)


def mail_request_address_exhausted(*, kind: str, address: str, now: datetime) -> bool:
    """Whether this client address used up its requests of this kind in the last hour."""
    if not address:
        return False
    since = now - timedelta(hours=1)
    used = MailRequest.objects.filter(kind=kind, address=address, created_at__gt=since).count()
    return used >= _mail_limits(kind).per_address


def mail_request_record(*, kind: str, email: str, address: str, now: datetime) -> MailRequest:
    """Record a request that may send an e-mail to `email`. It is `allowed` while both the
    e-mail address (mails actually queued in the last hour) and the client address (requests in
    the last hour) are under their limits; the caller answers the same either way and queues a
    mail only for an allowed request."""
    email = normalise_email(email)
    since = now - timedelta(hours=1)
    mailed = MailRequest.objects.filter(
        kind=kind, email=email, allowed=True, created_at__gt=since
    ).count()
    allowed = mailed < _mail_limits(kind).per_email and not mail_request_address_exhausted(
        kind=kind, address=address, now=now
    )
    return MailRequest.objects.create(
        kind=kind, email=email, address=address, allowed=allowed, created_at=now
    )


def mail_request_claim(*, request_id: int, now: datetime) -> MailRequest | None:
    """Claim an allowed request for sending; None when it was already handled (a task that runs
    twice sends once) or never allowed."""
    claimed = MailRequest.objects.filter(
        pk=request_id, allowed=True, handled_at__isnull=True
    ).update(handled_at=now)
    return MailRequest.objects.get(pk=request_id) if claimed == 1 else None


def security_records_prune(*, now: datetime) -> int:
    """Delete attempts and requests no rule looks at any more. Returns how many rows went."""
    cutoff = now - RETENTION
    deleted = SigninFailure.objects.filter(created_at__lt=cutoff).delete()[0]
    deleted += AccountLock.objects.filter(locked_until__lt=cutoff).delete()[0]
    deleted += MailRequest.objects.filter(created_at__lt=cutoff).delete()[0]
    return deleted


# --- API tokens ------------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(*, user: "User") -> Token:
    """A new key on every sign-in: a key someone copied earlier stops working, and the expiry
    (API_TOKEN_TTL_HOURS from `created`) starts again."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_tokens_revoke(*, user: "User") -> int:
    """Delete the person's API tokens (logout, password change, leaving). Returns how many."""
    return Token.objects.filter(user=user).delete()[0]
