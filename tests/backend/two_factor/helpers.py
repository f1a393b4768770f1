"""The two-factor tests' extra cast and helpers (used by tests/frontend/test_two_factor_pages.py
too).

Extra cast: Ilse Beheer, institution admin at Vista; Koen, Koppel staff; Gijs, institution admin
at Gilde (who must not reach Vista's people). Vista requires two factors (test schools do not by
default, see tests/factories.py)."""

from django.utils import timezone
from django_otp.oath import totp

from backend.accounts.models import Role
from backend.two_factor import services
from tests.factories import UserFactory, member


def build_world(cast):
    cast.vista.require_two_factor = True
    cast.vista.save(update_fields=["require_two_factor"])
    cast.ilse = UserFactory(first_name="Ilse", last_name="Beheer", email="ilse@vista.test")
    member(cast.ilse, cast.vista, Role.INSTITUTION_ADMIN)
    cast.gijs = UserFactory(first_name="Gijs", last_name="Gilde", email="gijs@gilde.test")
    member(cast.gijs, cast.gilde, Role.INSTITUTION_ADMIN)
    cast.koen = UserFactory(first_name="Koen", last_name="Koppel", email="koen@koppel.test")
    cast.koen.is_staff = True
    cast.koen.save(update_fields=["is_staff"])
    return cast


def code_for(device, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` periods of 30 s later: a code is
    accepted once, so a second sign-in within the same period uses the next one)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def wrong_code(device) -> str:
    """Six digits that are none of the three codes the device accepts now."""
    return f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"


def set_up(user):
    """The person set up their authenticator app; returns (device, recovery codes)."""
    device = services.totp_setup_start(user=user)
    codes = services.totp_setup_confirm(user=user, code=code_for(device), now=timezone.now())
    device.refresh_from_db()
    return device, codes
