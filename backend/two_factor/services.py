"""Setting up, using, renewing, disabling and resetting a second factor.

A code is either the six digits the authenticator app shows (TOTP, checked by django-otp with one
step of tolerance either way; a code is accepted once) or a recovery code (eight letters and
digits, shown once when made, each usable once: it is claimed by deleting it). Wrong codes count
per person (`SecondFactorLock`): TWO_FACTOR_MAX_FAILURES in a row lock the second step for
SIGNIN_LOCK_MINUTES, doubling with every lock in a row up to SIGNIN_LOCK_MAX_MINUTES. A right
password resets nothing here, so signing in again gives no fresh tries; a right code does.

The pages and the API token endpoint call these; they mark the session themselves
(backend.core.second_factor), because a service knows no request."""

import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import User
from backend.core.errors import ApplicationError, Conflict, field_error
from backend.organisations.models import Organisation
from backend.organisations.services import school_policy_update
from backend.two_factor.access import require_may_reset_second_factor
from backend.two_factor.models import EventKind, SecondFactorEvent, SecondFactorLock
from backend.two_factor.selectors import confirmed_totp_device, pending_totp_device

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: the codes are read off paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 8
TOTP_DEVICE_NAME = "Authenticator-app"
RECOVERY_DEVICE_NAME = "Herstelcodes"


class SecondFactorLocked(ApplicationError):
    """Too many wrong codes in a row. `retry_after` in seconds (at least 1)."""

    status_code = 429

    def __init__(self, *, retry_after: float) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            ngettext(
                "Te veel onjuiste codes. Probeert u het over %(minutes)d minuut opnieuw.",
                "Te veel onjuiste codes. Probeert u het over %(minutes)d minuten opnieuw.",
                minutes,
            )
            % {"minutes": minutes}
        )
        self.retry_after = max(1, math.ceil(retry_after))


def wrong_code_message() -> str:
    return _(
        "Deze code klopt niet. Vul de code in die uw app nu toont (controleer of de tijd op uw "
        "telefoon klopt), of gebruik een van uw herstelcodes."
    )


def format_recovery_code(code: str) -> str:
    half = RECOVERY_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())[:32]


# --- the lock -------------------------------------------------------------------------------


def lock_check(*, user: User, now: datetime) -> None:
    """Raise SecondFactorLocked while the person's second step is locked."""
    until = (
        SecondFactorLock.objects.filter(user=user, locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is not None:
        raise SecondFactorLocked(retry_after=(until - now).total_seconds())


def _lock_minutes(strikes: int) -> int:
    base: int = settings.SIGNIN_LOCK_MINUTES
    cap: int = settings.SIGNIN_LOCK_MAX_MINUTES
    return int(min(base * 2 ** min(strikes - 1, 20), cap))


@transaction.atomic
def _failure_record(*, user: User, now: datetime) -> datetime | None:
    """Count a wrong code; returns when the lock ends if this one locked the second step."""
    lock, _created = SecondFactorLock.objects.select_for_update().get_or_create(user=user)
    lock.failures += 1
    if lock.failures < settings.TWO_FACTOR_MAX_FAILURES:
        lock.save(update_fields=["failures"])
        return None
    # A lock long past is forgiven: the doubling starts again.
    recent = lock.locked_until is not None and lock.locked_until > now - timedelta(days=1)
    lock.strikes = lock.strikes + 1 if recent else 1
    lock.failures = 0
    lock.locked_until = now + timedelta(minutes=_lock_minutes(lock.strikes))
    lock.save(update_fields=["failures", "strikes", "locked_until"])
    _log(EventKind.LOCKED, user=user, now=now)
    return lock.locked_until


def _failures_clear(*, user: User) -> None:
    SecondFactorLock.objects.filter(user=user).delete()


def _refuse(*, user: User, now: datetime, field: str) -> ApplicationError:
    """Count the wrong code (in its own transaction, so raising does not undo it) and return the
    error to raise."""
    until = _failure_record(user=user, now=now)
    if until is not None:
        return SecondFactorLocked(retry_after=(until - now).total_seconds())
    return field_error(field, wrong_code_message())


# --- checking a code ------------------------------------------------------------------------


def _totp_matches(device: TOTPDevice, code: str) -> bool:
    with transaction.atomic():
        # One request at a time per device: a code is accepted once (django-otp's last_t).
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        verified: bool = locked.verify_token(code)
        return verified


def _recovery_code_claimed(user: User, code: str) -> bool:
    # Claimed by deleting it: of two requests with the same code, one deletes the row.
    deleted, _per_model = StaticToken.objects.filter(
        device__user=user, device__confirmed=True, token=code
    ).delete()
    return bool(deleted == 1)


def _match(user: User, code: str) -> str | None:
    """ "totp" or "recovery" for a right code, None for a wrong one."""
    code = _normalise(code)
    if code.isdigit() and len(code) == 6:
        device = confirmed_totp_device(user)
        return "totp" if device is not None and _totp_matches(device, code) else None
    if len(code) == RECOVERY_CODE_LENGTH and _recovery_code_claimed(user, code):
        return "recovery"
    return None


def second_factor_verify(*, user: User, code: str, now: datetime, field: str = "code") -> str:
    """Check a code from the app or a recovery code. Returns how ("totp" or "recovery").
    Raises SecondFactorLocked (429) while locked or when this wrong code locks, Conflict when the
    person has no second factor, and a field error on `field` for a wrong code."""
    lock_check(user=user, now=now)
    if confirmed_totp_device(user) is None:
        raise Conflict(_("U heeft nog geen tweestapsverificatie ingesteld."))
    if not _normalise(code):
        raise field_error(field, _("Vul de code in die uw app toont, of een herstelcode."))
    method = _match(user, code)
    if method is None:
        raise _refuse(user=user, now=now, field=field)
    _failures_clear(user=user)
    if method == "recovery":
        _log(EventKind.RECOVERY_CODE_USED, user=user, now=now)
    return method


# --- setting up -----------------------------------------------------------------------------


@transaction.atomic
def totp_setup_start(*, user: User) -> TOTPDevice:
    """The device to scan: the one being set up (reloading the page keeps the same secret) or a
    new one. Conflict when the person already has a second factor."""
    if confirmed_totp_device(user) is not None:
        raise Conflict(_("U heeft tweestapsverificatie al ingesteld."))
    device = pending_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_setup_confirm(*, user: User, code: str, now: datetime) -> list[str]:
    """Confirm the new device with a code from the app. Returns the recovery codes, to show once.
    A wrong code counts towards the lock like any other."""
    lock_check(user=user, now=now)
    device = pending_totp_device(user)
    if device is None:
        raise Conflict(_("Open de pagina om tweestapsverificatie in te stellen opnieuw."))
    digits = _normalise(code)
    if not (digits.isdigit() and len(digits) == 6):
        raise field_error("code", _("Vul de zes cijfers in die uw app toont."))
    if not _totp_matches(device, digits):
        raise _refuse(user=user, now=now, field="code")
    return _setup_finish(user=user, device=device, now=now)


@transaction.atomic
def _setup_finish(*, user: User, device: TOTPDevice, now: datetime) -> list[str]:
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    _failures_clear(user=user)
    codes = _recovery_codes_replace(user)
    _log(EventKind.SET_UP, user=user, now=now)
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [format_recovery_code(code) for code in codes]


@transaction.atomic
def recovery_codes_renew(*, user: User, now: datetime) -> list[str]:
    """New recovery codes (the old ones stop working). Returns them, to show once."""
    if confirmed_totp_device(user) is None:
        raise Conflict(_("U heeft nog geen tweestapsverificatie ingesteld."))
    codes = _recovery_codes_replace(user)
    _log(EventKind.RECOVERY_CODES_RENEWED, user=user, now=now)
    return codes


# --- switching off --------------------------------------------------------------------------


def second_factor_disable(*, user: User, code: str, now: datetime) -> None:
    """Remove one's own second factor; only with a right code (from the app or a recovery code).
    Someone who must use two factors is asked to set it up again on their next page."""
    second_factor_verify(user=user, code=code, now=now)
    _devices_delete(user=user, kind=EventKind.DISABLED, actor=user, now=now)


def second_factor_reset(*, actor: User, person: User, school: Organisation, now: datetime) -> None:
    """An institution admin removes a colleague's second factor (a lost phone). The colleague
    sets it up again after their next password login. Logged with the admin and the school."""
    require_may_reset_second_factor(actor, person, school)
    _devices_delete(user=person, kind=EventKind.RESET, actor=actor, now=now, school=school)


@transaction.atomic
def _devices_delete(
    *,
    user: User,
    kind: str,
    actor: User,
    now: datetime,
    school: Organisation | None = None,
) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _failures_clear(user=user)
    _log(kind, user=user, actor=actor, school=school, now=now)


# --- the school's rule ----------------------------------------------------------------------


@transaction.atomic
def school_requirement_set(
    *, actor: User, school: Organisation, required: bool, now: datetime
) -> Organisation:
    """Whether password logins of the school's coordinating staff need a second factor. The
    school's institution admins and Koppel staff decide (organisations' school policy); logged."""
    if school.require_two_factor == required:
        return school
    school = school_policy_update(school=school, actor=actor, require_two_factor=required)
    _log(
        EventKind.REQUIREMENT_CHANGED,
        actor=actor,
        school=school,
        now=now,
        detail="aan" if required else "uit",
    )
    return school


def _log(
    kind: str,
    *,
    now: datetime,
    user: User | None = None,
    actor: User | None = None,
    school: Organisation | None = None,
    detail: str = "",
) -> None:
    SecondFactorEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor if actor is not None else user,
        organisation=school,
        detail=detail,
        created_at=now,
    )


@transaction.atomic
def totp_device_install(*, user: User, key: bytes, now: datetime) -> TOTPDevice:
    """A confirmed device with a known secret (the demo's superuser, whose secret `load_demo`
    prints), replacing any the person had. Never for real accounts: the secret is not random."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, key=key.hex(), confirmed=True
    )
    _log(EventKind.SET_UP, user=user, now=now, detail="demo")
    return device
