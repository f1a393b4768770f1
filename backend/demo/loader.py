"""The demo: three scenarios modelled on the study (fixtures/demo/*.json), built by area.

`load(now=...)` builds the foundation (curriculum, organisations, people, offers, evidence) and
then lets each later area add its own data (`rounds`, `agreements`, `engagement`), all in one
transaction: either the whole demo is there or nothing is. Running it again when the demo is
loaded changes nothing. Deterministic: one `random.Random(2026)` drives every choice.
"""

import base64
import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from backend.accounts.models import Role, User
from backend.demo import (
    agreements,
    curriculum,
    engagement,
    evidence,
    learning,
    offers,
    organisations,
    people,
    privacy,
    rounds,
    sso,
)
from backend.demo.context import Demo, Scenario
from backend.demo.data import scenarios
from backend.offers.services.coverage import coverage_rebuild
from backend.two_factor.services import totp_device_install

PASSWORD = "koppel-demo-2026"
ADMIN_EMAIL = "admin@koppel.demo"
# The demo superuser's authenticator secret (20 bytes; base32 in ADMIN_TOTP_SECRET for the app).
ADMIN_TOTP_KEY = b"koppel-demo-2026-2fa"
ADMIN_TOTP_SECRET = base64.b32encode(ADMIN_TOTP_KEY).decode()
SEED = 2026
# The areas that add their own demo data after the foundation, in this order.
AREA_DEMOS = (rounds, agreements, engagement, learning, privacy)


@dataclass(frozen=True)
class Login:
    scenario: str
    role: str
    email: str
    name: str
    organisation: str


@dataclass(frozen=True)
class DemoResult:
    created: bool
    logins: tuple[Login, ...]
    areas: tuple[str, ...] = ()


def is_loaded() -> bool:
    return User.objects.filter(email=ADMIN_EMAIL).exists()


def load(*, now: dt.datetime) -> DemoResult:
    """Load the demo unless it is there already; returns the logins either way."""
    if is_loaded():
        return DemoResult(created=False, logins=logins())
    with transaction.atomic():
        kwalificaties, werkprocessen = curriculum.build()
        demo = Demo(
            now=now,
            rng=random.Random(SEED),
            password_hash=make_password(PASSWORD),
            kwalificaties=kwalificaties,
            werkprocessen=werkprocessen,
        )
        for data in scenarios():
            scenario = Scenario(data=data)
            organisations.build(demo, scenario)
            people.build(demo, scenario)
            built = offers.build(demo, scenario)
            evidence.build(demo, scenario, built)
        admin = User.objects.create_superuser(
            email=ADMIN_EMAIL, password=PASSWORD, first_name="Koppel", last_name="Beheer"
        )
        sso.register_domains(actor=admin, now=now)  # `make sso-provider` signs in through these
        # Koppel staff always sign in with two factors: the superuser's authenticator secret is
        # known and printed by load_demo.
        totp_device_install(user=admin, key=ADMIN_TOTP_KEY, now=now)
        for area in AREA_DEMOS:
            area.load(now=now)
        # The offers and their mappings were inserted past the services: count them once.
        coverage_rebuild()
        areas = tuple(area.__name__ for area in AREA_DEMOS)
    return DemoResult(created=True, logins=logins(), areas=areas)


def logins() -> tuple[Login, ...]:
    """The memorable logins of every scenario plus the superuser, as stored in the database."""
    wanted = [(data["short"], login) for data in scenarios() for login in data["logins"]]
    users = {
        user.email: user
        for user in User.objects.filter(
            email__in=[login["email"] for _, login in wanted] + [ADMIN_EMAIL]
        ).prefetch_related("memberships__organisation")
    }
    rows = []
    for label, login in wanted:
        user = users.get(login["email"])
        if user is None:
            continue
        organisation = next(
            (m.organisation.name for m in user.memberships.all() if m.role == login["role"]), ""
        )
        rows.append(
            Login(
                label,
                str(Role(login["role"]).label),
                user.email,
                user.get_full_name(),
                organisation,
            )
        )
    if ADMIN_EMAIL in users:
        rows.append(Login("Koppel", "superuser (Django-admin)", ADMIN_EMAIL, "Koppel Beheer", "—"))
    return tuple(rows)
