"""The Django half of tests/conftest.py, registered by its `pytest_configure` only when
pytest-django is loaded, so the engine's tests can run without Django."""

import os

import pytest
from django.db import connection

from backend.config.celery import app as celery_app
from tests.ci_policy import database_mismatch
from tests.conftest import as_user, build_cast

# Unit tests run Celery tasks in process even when CELERY_BROKER_URL points at Redis (CI's second
# run); the integration tests start a real worker and switch this off with `real_celery`.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


def pytest_sessionstart(session):
    reason = database_mismatch(os.environ, connection.vendor)
    if reason:
        pytest.exit(reason, returncode=1)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


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


@pytest.fixture
def api():
    """An API client; `api.force_authenticate(user)` to act as someone."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def client_for():
    return as_user
