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


@pytest.fixture(scope="session", autouse=True)
def _uploads_in_a_temporary_folder(tmp_path_factory):
    """No test writes uploaded files (evidence attachments) into the repository's media/."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


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


@pytest.fixture(autouse=True)
def _second_factor_passed_on_login(request):
    """Every login in a test counts as having passed the second factor (as an SSO login does),
    so tests that are not about two factors sign in coordinators and Koppel staff with
    `force_login` or the login form as before. The middleware and the policy still run. Tests of
    the second factor itself ask for `real_second_factor` and get the production behaviour."""
    if "real_second_factor" in request.fixturenames:
        yield
        return
    from django.contrib.auth.signals import user_logged_in

    from backend.core.second_factor import mark_second_factor_done

    def mark(sender, request, user, **kwargs):
        if request is not None and hasattr(request, "session"):
            mark_second_factor_done(request, method="test")

    user_logged_in.connect(mark, dispatch_uid="tests-second-factor-passed")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-second-factor-passed")


@pytest.fixture
def real_second_factor():
    """Logins do not pass the second factor by themselves (see `_second_factor_passed_on_login`)."""
