import datetime as dt

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.security.services import signin_authenticate
from backend.two_factor import services
from backend.two_factor.models import EventKind, SecondFactorEvent, SecondFactorLock
from backend.two_factor.selectors import has_second_factor, recovery_codes_left
from tests.backend.two_factor.helpers import code_for, set_up, wrong_code

WRONG = (
    "Deze code klopt niet. Vul de code in die uw app nu toont (controleer of de tijd op uw "
    "telefoon klopt), of gebruik een van uw herstelcodes."
)


# --- setting up -----------------------------------------------------------------------------


def test_setup_with_a_real_code_confirms_the_device_and_returns_ten_recovery_codes(world):
    device = services.totp_setup_start(user=world.bos)
    assert not device.confirmed
    assert not has_second_factor(world.bos)
    codes = services.totp_setup_confirm(user=world.bos, code=code_for(device), now=timezone.now())
    device.refresh_from_db()
    assert device.confirmed
    assert has_second_factor(world.bos)
    assert len(codes) == len(set(codes)) == 10
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    assert recovery_codes_left(world.bos) == 10
    assert list(SecondFactorEvent.objects.values_list("kind", "user", "actor")) == [
        (EventKind.SET_UP, world.bos.pk, world.bos.pk)
    ]


def test_setup_keeps_the_same_secret_until_confirmed_and_refuses_a_second_device(world):
    first = services.totp_setup_start(user=world.bos)
    assert services.totp_setup_start(user=world.bos).pk == first.pk
    services.totp_setup_confirm(user=world.bos, code=code_for(first), now=timezone.now())
    with pytest.raises(Conflict, match="al ingesteld"):
        services.totp_setup_start(user=world.bos)
    assert TOTPDevice.objects.filter(user=world.bos).count() == 1


def test_setup_refuses_a_wrong_code_with_a_clear_message_and_counts_it(world):
    device = services.totp_setup_start(user=world.bos)
    with pytest.raises(ApplicationError) as refused:
        services.totp_setup_confirm(user=world.bos, code=wrong_code(device), now=timezone.now())
    assert refused.value.message == WRONG
    assert refused.value.extra == {"fields": {"code": [WRONG]}}
    device.refresh_from_db()
    assert not device.confirmed
    assert SecondFactorLock.objects.get(user=world.bos).failures == 1
    assert not StaticToken.objects.exists()


def test_setup_refuses_letters_without_counting_them(world):
    services.totp_setup_start(user=world.bos)
    with pytest.raises(ApplicationError, match="zes cijfers"):
        services.totp_setup_confirm(user=world.bos, code="abcdef", now=timezone.now())
    assert not SecondFactorLock.objects.exists()


# --- verifying ------------------------------------------------------------------------------


def test_a_code_from_the_app_passes_once(world):
    device, _codes = set_up(world.bos)
    code = code_for(device, steps_ahead=1)
    now = timezone.now()
    assert services.second_factor_verify(user=world.bos, code=code, now=now) == "totp"
    # The same code again (someone looking over the shoulder) is refused.
    with pytest.raises(ApplicationError, match="klopt niet"):
        services.second_factor_verify(user=world.bos, code=code, now=now)


def test_a_code_with_spaces_passes(world):
    device, _codes = set_up(world.bos)
    code = code_for(device, steps_ahead=1)
    assert (
        services.second_factor_verify(
            user=world.bos, code=f" {code[:3]} {code[3:]} ", now=timezone.now()
        )
        == "totp"
    )


def test_a_recovery_code_works_exactly_once(world):
    _device, codes = set_up(world.bos)
    now = timezone.now()
    assert services.second_factor_verify(user=world.bos, code=codes[3], now=now) == "recovery"
    assert recovery_codes_left(world.bos) == 9
    with pytest.raises(ApplicationError, match="klopt niet"):
        services.second_factor_verify(user=world.bos, code=codes[3], now=now)
    # Written without the dash and in capitals it is the same code, and still used.
    with pytest.raises(ApplicationError, match="klopt niet"):
        services.second_factor_verify(
            user=world.bos, code=codes[3].replace("-", "").upper(), now=now
        )
    assert (
        services.second_factor_verify(
            user=world.bos, code=codes[4].replace("-", "").upper(), now=now
        )
        == "recovery"
    )
    assert recovery_codes_left(world.bos) == 8
    assert SecondFactorEvent.objects.filter(kind=EventKind.RECOVERY_CODE_USED).count() == 2


def test_someone_elses_recovery_code_does_not_work(world):
    _device, codes = set_up(world.bos)
    set_up(world.ilse)
    with pytest.raises(ApplicationError, match="klopt niet"):
        services.second_factor_verify(user=world.ilse, code=codes[0], now=timezone.now())
    assert recovery_codes_left(world.bos) == 10


def test_renewed_recovery_codes_replace_the_old_ones(world):
    _device, old = set_up(world.bos)
    new = services.recovery_codes_renew(user=world.bos, now=timezone.now())
    assert not set(old) & set(new)
    with pytest.raises(ApplicationError, match="klopt niet"):
        services.second_factor_verify(user=world.bos, code=old[0], now=timezone.now())
    assert services.second_factor_verify(user=world.bos, code=new[0], now=timezone.now()) == (
        "recovery"
    )


def test_verify_without_a_device_is_a_conflict(world):
    with pytest.raises(Conflict, match="nog geen tweestapsverificatie"):
        services.second_factor_verify(user=world.bos, code="123456", now=timezone.now())


# --- the lock -------------------------------------------------------------------------------


def test_five_wrong_codes_lock_the_second_step_even_for_the_right_code(world):
    device, codes = set_up(world.bos)
    now = timezone.now()
    wrong = wrong_code(device)
    for _ in range(4):
        with pytest.raises(ApplicationError) as refused:
            services.second_factor_verify(user=world.bos, code=wrong, now=now)
        assert refused.value.status_code == 400
    with pytest.raises(services.SecondFactorLocked) as locked:
        services.second_factor_verify(user=world.bos, code=wrong, now=now)
    assert locked.value.status_code == 429
    assert locked.value.message == (
        "Te veel onjuiste codes. Probeert u het over 15 minuten opnieuw."
    )
    assert locked.value.retry_after == 15 * 60
    # Locked: the right code and a recovery code are refused too, and cost nothing.
    for right in (code_for(device, steps_ahead=1), codes[0]):
        with pytest.raises(services.SecondFactorLocked):
            services.second_factor_verify(
                user=world.bos, code=right, now=now + dt.timedelta(minutes=14)
            )
    assert recovery_codes_left(world.bos) == 10
    assert SecondFactorEvent.objects.filter(kind=EventKind.LOCKED).count() == 1
    # After the lock the right code works and clears the count.
    later = now + dt.timedelta(minutes=16)
    assert (
        services.second_factor_verify(
            user=world.bos, code=code_for(device, steps_ahead=1), now=later
        )
        == "totp"
    )
    assert not SecondFactorLock.objects.exists()


def test_a_second_lock_in_a_row_lasts_twice_as_long(world):
    device, _codes = set_up(world.bos)
    wrong = wrong_code(device)
    now = timezone.now()
    for minute in (0, 20):
        moment = now + dt.timedelta(minutes=minute)
        for _ in range(5):
            with pytest.raises(ApplicationError):
                services.second_factor_verify(user=world.bos, code=wrong, now=moment)
    lock = SecondFactorLock.objects.get(user=world.bos)
    assert lock.strikes == 2
    assert lock.locked_until == now + dt.timedelta(minutes=20 + 30)


def test_signing_in_again_with_the_right_password_gives_no_fresh_tries(world):
    device, _codes = set_up(world.bos)
    wrong = wrong_code(device)
    now = timezone.now()
    for _ in range(4):
        with pytest.raises(ApplicationError):
            services.second_factor_verify(user=world.bos, code=wrong, now=now)
    assert (
        signin_authenticate(
            request=None, email="bos@vista.test", password=world.password, address="", now=now
        )
        == world.bos
    )
    with pytest.raises(services.SecondFactorLocked):
        services.second_factor_verify(user=world.bos, code=wrong, now=now)


def test_wrong_codes_at_setup_count_towards_the_lock(world):
    device = services.totp_setup_start(user=world.bos)
    wrong = wrong_code(device)
    for _ in range(4):
        with pytest.raises(ApplicationError):
            services.totp_setup_confirm(user=world.bos, code=wrong, now=timezone.now())
    with pytest.raises(services.SecondFactorLocked):
        services.totp_setup_confirm(user=world.bos, code=wrong, now=timezone.now())
    with pytest.raises(services.SecondFactorLocked):
        services.totp_setup_confirm(user=world.bos, code=code_for(device), now=timezone.now())


# --- switching off and resetting ------------------------------------------------------------


def test_disabling_needs_a_right_code(world):
    device, _codes = set_up(world.bos)
    with pytest.raises(ApplicationError, match="klopt niet"):
        services.second_factor_disable(user=world.bos, code=wrong_code(device), now=timezone.now())
    assert has_second_factor(world.bos)
    services.second_factor_disable(
        user=world.bos, code=code_for(device, steps_ahead=1), now=timezone.now()
    )
    assert not has_second_factor(world.bos)
    assert not StaticToken.objects.filter(device__user=world.bos).exists()
    assert SecondFactorEvent.objects.filter(kind=EventKind.DISABLED, user=world.bos).count() == 1


def test_an_institution_admin_resets_a_colleague_at_their_school_and_it_is_logged(world):
    set_up(world.bos)
    services.second_factor_reset(
        actor=world.ilse, person=world.bos, school=world.vista, now=timezone.now()
    )
    assert not has_second_factor(world.bos)
    assert recovery_codes_left(world.bos) == 0
    event = SecondFactorEvent.objects.get(kind=EventKind.RESET)
    assert (event.user, event.actor, event.organisation) == (world.bos, world.ilse, world.vista)


@pytest.mark.parametrize(
    ("actor", "person", "school"),
    [
        ("gijs", "bos", "vista"),  # admin of another school
        ("gijs", "bos", "gilde"),  # ... naming their own school: Bos does not work there
        ("ilse", "peters", "vista"),  # a person of another school
        ("bos", "ilse", "vista"),  # a coordinator is no admin
        ("ilse", "ilse", "vista"),  # one's own: switch off with a code instead
        ("ilse", "koen", "vista"),  # Koppel staff: only in the Django admin
    ],
)
def test_a_reset_is_limited_to_the_admins_own_school_and_colleagues(world, actor, person, school):
    target = getattr(world, person)
    set_up(target)
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(
            actor=getattr(world, actor),
            person=target,
            school=getattr(world, school),
            now=timezone.now(),
        )
    assert has_second_factor(target)
    assert not SecondFactorEvent.objects.filter(kind=EventKind.RESET).exists()


def test_koppel_staff_may_reset_a_schools_coordinator(world):
    set_up(world.bos)
    services.second_factor_reset(
        actor=world.koen, person=world.bos, school=world.vista, now=timezone.now()
    )
    assert not has_second_factor(world.bos)


# --- the school's rule ----------------------------------------------------------------------


def test_the_institution_admin_switches_the_requirement_and_it_is_logged(world):
    services.school_requirement_set(
        actor=world.ilse, school=world.vista, required=False, now=timezone.now()
    )
    world.vista.refresh_from_db()
    assert world.vista.require_two_factor is False
    event = SecondFactorEvent.objects.get()
    assert (event.kind, event.actor, event.organisation, event.detail) == (
        EventKind.REQUIREMENT_CHANGED,
        world.ilse,
        world.vista,
        "uit",
    )


@pytest.mark.parametrize("actor", ["bos", "gijs", "devries"])
def test_others_may_not_switch_the_requirement(world, actor):
    with pytest.raises(PermissionDenied):
        services.school_requirement_set(
            actor=getattr(world, actor), school=world.vista, required=False, now=timezone.now()
        )
    world.vista.refresh_from_db()
    assert world.vista.require_two_factor is True
    assert not SecondFactorEvent.objects.exists()
