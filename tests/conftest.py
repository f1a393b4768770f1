"""The fixed cast every backend test can use (see STYLE.md):

- Vista (ROC) with coordinator Bos, teacher/coach De Vries and student Sanne (niveau 2).
- Gilde (ROC), Vista's partner in the Limburg ICT consortium, with student Ahmed and teacher Peters,
  who must see none of Sanne's data.
- Bakkerij Jansen (micro company, room for one) with contact Jan; Pixelfabriek with contact Eva.
"""

import os
from types import SimpleNamespace

import pytest

from backend.accounts.models import Role
from backend.config.celery import app as celery_app
from tests.ci_policy import database_mismatch, skip_must_fail
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    ConsortiumFactory,
    SchoolFactory,
    UserFactory,
    consortium_member,
    kwalificatie_with_werkprocessen,
    member,
    student,
)

# Unit tests run Celery tasks in process even when CELERY_BROKER_URL points at Redis (CI's second
# run); the integration tests start a real worker and switch this off with `real_celery`.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


def pytest_sessionstart(session):
    from django.db import connection

    reason = database_mismatch(os.environ, connection.vendor)
    if reason:
        pytest.exit(reason, returncode=1)


def pytest_runtest_setup(item):
    from django.db import connection

    if item.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skip of a test whose service the run promised is a failure (see tests/ci_policy)."""
    report = (yield).get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    if skip_must_fail({marker.name for marker in item.iter_markers()}, os.environ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI promised the service this test needs, but it skipped: {reason}"


@pytest.fixture
def real_celery():
    """Send tasks to the configured broker instead of running them in process."""
    celery_app.conf.task_always_eager = False
    yield celery_app
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "nl"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The per-address request limits count in the cache; every test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cast(db):
    return build_cast()


def build_cast() -> SimpleNamespace:
    """The cast itself, for fixtures that build a world once per module (permission matrix)."""
    vista = SchoolFactory(name="Vista college", brin="25LX")
    gilde = SchoolFactory(name="Gilde Opleidingen", brin="25LW")
    consortium = ConsortiumFactory(name="Digiwise Limburg")
    consortium_member(consortium, vista)
    consortium_member(consortium, gilde)
    bakkerij = CompanyFactory(name="Bakkerij Jansen", kvk="12345678", employee_count=3)
    pixel = CompanyFactory(name="Pixelfabriek", kvk="87654321", employee_count=12)
    consortium_member(consortium, pixel)

    ict_niveau2 = kwalificatie_with_werkprocessen(niveau=2)
    ict_niveau4 = kwalificatie_with_werkprocessen(niveau=4)

    def staff(first, last, email, organisation, *roles):
        user = UserFactory(first_name=first, last_name=last, email=email)
        for role in roles:
            member(user, organisation, role)
        return user

    return SimpleNamespace(
        vista=vista,
        gilde=gilde,
        consortium=consortium,
        bakkerij=bakkerij,
        pixel=pixel,
        ict_niveau2=ict_niveau2,
        ict_niveau4=ict_niveau4,
        bos=staff("Marleen", "Bos", "bos@vista.test", vista, Role.COORDINATOR),
        devries=staff("Karin", "de Vries", "devries@vista.test", vista, Role.TEACHER, Role.COACH),
        peters=staff("Tom", "Peters", "peters@gilde.test", gilde, Role.TEACHER, Role.COORDINATOR),
        jan=staff("Jan", "Jansen", "jan@bakkerijjansen.test", bakkerij, Role.COMPANY_CONTACT),
        eva=staff("Eva", "Smit", "eva@pixelfabriek.test", pixel, Role.COMPANY_CONTACT),
        sanne=student(school=vista, kwalificatie=ict_niveau2, first_name="Sanne"),
        ahmed=student(school=gilde, kwalificatie=ict_niveau4, first_name="Ahmed"),
        password=PASSWORD,
    )


@pytest.fixture
def api():
    """An API client; `api.force_authenticate(user)` to act as someone."""
    from rest_framework.test import APIClient

    return APIClient()


def as_user(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def client_for():
    return as_user
