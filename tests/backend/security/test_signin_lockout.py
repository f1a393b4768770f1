"""The sign-in lock shared by the token endpoint and the web login (backend.security.services)."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import timezone

from backend.security import services
from backend.security.addresses import client_address
from backend.security.models import AccountLock, MailKind, MailRequest, SigninFailure
from backend.security.services import (
    SigninLocked,
    mail_request_claim,
    mail_request_record,
    security_records_prune,
    signin_attempt_check,
    signin_authenticate,
    signin_failure_record,
    signin_lock_clear,
)
from backend.security.tasks import security_records_prune_task

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def _fail(times, *, email="bos@vista.test", address="10.0.0.1", now=NOW):
    for _ in range(times):
        signin_failure_record(email=email, address=address, now=now)


def _retry_after(*, email="bos@vista.test", address="10.0.0.9", now=NOW) -> int | None:
    try:
        signin_attempt_check(email=email, address=address, now=now)
    except SigninLocked as locked:
        return locked.retry_after
    return None


def test_it_locks_an_account_after_five_failures_for_fifteen_minutes_from_every_address(db):
    _fail(4)
    assert _retry_after() is None
    _fail(1)
    assert _retry_after(address="192.168.1.1") == 15 * 60
    assert _retry_after(now=NOW + dt.timedelta(minutes=15)) is None


def test_the_lock_message_names_the_minutes_and_the_way_back_in(db):
    _fail(5)
    with pytest.raises(SigninLocked) as locked:
        signin_attempt_check(email="BOS@vista.test ", address="", now=NOW)
    assert locked.value.message == (
        "Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw of herstel je wachtwoord."
    )
    assert locked.value.status_code == 429


def test_each_lock_in_a_row_lasts_twice_as_long_up_to_the_cap(db, settings):
    settings.SIGNIN_LOCK_MAX_MINUTES = 60
    now = NOW
    for expected in (15, 30, 60, 60):
        _fail(5, now=now)
        assert _retry_after(now=now) == expected * 60
        now += dt.timedelta(minutes=expected)
    assert AccountLock.objects.get().strikes == 4


def test_a_lock_long_past_is_forgiven(db):
    _fail(5)
    later = NOW + dt.timedelta(days=1, minutes=16)
    _fail(5, now=later)
    assert _retry_after(now=later) == 15 * 60


def test_failures_before_a_lock_ended_do_not_count_again(db):
    _fail(5)
    after = NOW + dt.timedelta(minutes=15, seconds=1)
    _fail(4, now=after)
    assert _retry_after(now=after) is None


def test_an_unknown_e_mail_address_is_counted_and_locked_like_a_known_one(db):
    _fail(5, email="niemand@vista.test")
    assert _retry_after(email="niemand@vista.test") == 15 * 60
    assert _retry_after(email="bos@vista.test") is None


def test_an_address_guessing_at_many_accounts_is_blocked_for_every_account(db):
    for number in range(20):
        signin_failure_record(
            email=f"persoon{number}@vista.test",
            address="10.0.0.1",
            now=NOW + dt.timedelta(seconds=number),
        )
    # Free again when the oldest of the 20 leaves the 15-minute window.
    assert _retry_after(email="bos@vista.test", address="10.0.0.1") == 15 * 60
    assert _retry_after(email="bos@vista.test", address="10.0.0.2") is None
    assert not AccountLock.objects.exists()


def test_clearing_forgets_the_account_but_not_the_address(db):
    _fail(5)
    signin_lock_clear(email="Bos@Vista.test")
    assert _retry_after() is None
    assert not AccountLock.objects.exists()
    assert not SigninFailure.objects.filter(email="bos@vista.test").exists()


def test_a_locked_account_is_refused_without_checking_the_password(cast):
    request = RequestFactory().post("/")
    with mock.patch.object(services, "authenticate", wraps=services.authenticate) as check:
        for _ in range(5):
            assert (
                signin_authenticate(
                    request=request, email="bos@vista.test", password="x", address="", now=NOW
                )
                is None
            )
        with pytest.raises(SigninLocked):
            signin_authenticate(
                request=request,
                email="bos@vista.test",
                password=cast.password,
                address="",
                now=NOW,
            )
    assert check.call_count == 5
    assert SigninFailure.objects.count() == 5


def test_a_successful_sign_in_clears_the_account_failures(cast):
    _fail(4)
    user = signin_authenticate(
        request=None, email=" BOS@vista.test", password=cast.password, address="", now=NOW
    )
    assert user == cast.bos
    _fail(4)
    assert _retry_after() is None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "9.9.9.9"),
        (1, "", "9.9.9.9"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.2", "1.1.1.1"),
        (3, "1.1.1.1", "1.1.1.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="9.9.9.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_mails_per_e_mail_address_and_requests_per_client_address_are_limited(db, settings):
    settings.PASSWORD_RESET_MAX_PER_EMAIL = 3
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 5
    reset = MailKind.PASSWORD_RESET
    allowed = [
        mail_request_record(kind=reset, email="bos@vista.test", address="10.0.0.1", now=NOW).allowed
        for _ in range(4)
    ]
    assert allowed == [True, True, True, False]
    other = mail_request_record(kind=reset, email="jan@x.test", address="10.0.0.1", now=NOW)
    blocked = mail_request_record(kind=reset, email="eva@x.test", address="10.0.0.1", now=NOW)
    assert (other.allowed, blocked.allowed) == (True, False)
    an_hour_later = NOW + dt.timedelta(hours=1, seconds=1)
    assert mail_request_record(
        kind=reset, email="bos@vista.test", address="10.0.0.1", now=an_hour_later
    ).allowed


def test_a_mail_request_is_claimed_once(db):
    record = mail_request_record(
        kind=MailKind.PASSWORD_RESET, email="bos@vista.test", address="", now=NOW
    )
    assert mail_request_claim(request_id=record.pk, now=NOW) == record
    assert mail_request_claim(request_id=record.pk, now=NOW) is None


def test_pruning_deletes_only_records_no_rule_needs(db):
    old = NOW - dt.timedelta(days=3)
    _fail(5, now=old)
    _fail(1, now=NOW)
    mail_request_record(kind=MailKind.SIGN_UP, email="a@x.test", address="", now=old)
    mail_request_record(kind=MailKind.SIGN_UP, email="b@x.test", address="", now=NOW)
    assert security_records_prune(now=NOW) == 5 + 1 + 1
    assert list(SigninFailure.objects.values_list("created_at", flat=True)) == [NOW]
    assert list(MailRequest.objects.values_list("email", flat=True)) == ["b@x.test"]
    assert AccountLock.objects.count() == 0


def test_the_prune_task_can_run_twice(db):
    _fail(1, now=timezone.now() - dt.timedelta(days=3))
    assert security_records_prune_task() == 1
    assert security_records_prune_task() == 0
