"""The rule that turns a skipped PostgreSQL-only or integration test into a CI failure."""

import pytest

from tests.ci_policy import database_mismatch, promised_services, skip_must_fail

PG = "postgres://postgres@127.0.0.1:5432/koppel"
REDIS = "redis://127.0.0.1:6379/5"


def test_outside_ci_nothing_is_promised_so_every_skip_stays_a_skip():
    env = {"DATABASE_URL": PG, "CELERY_BROKER_URL": REDIS}
    assert promised_services(env) == set()
    assert not skip_must_fail({"postgres_only"}, env)
    assert not skip_must_fail({"integration"}, env)


@pytest.mark.parametrize("ci", ["0", "false", "", "No"])
def test_a_ci_variable_that_says_no_is_not_ci(ci):
    assert promised_services({"CI": ci, "DATABASE_URL": PG}) == set()


def test_ci_on_sqlite_may_skip_the_postgres_only_and_integration_tests():
    env = {"CI": "true"}
    assert not skip_must_fail({"postgres_only"}, env)
    assert not skip_must_fail({"integration"}, env)
    assert database_mismatch(env, "sqlite") is None


def test_ci_with_a_postgres_url_must_run_the_postgres_only_tests():
    env = {"CI": "true", "DATABASE_URL": PG}
    assert skip_must_fail({"postgres_only", "django_db"}, env)
    assert skip_must_fail({"postgres_only"}, {"CI": "1", "DATABASE_URL": "postgresql://x/y"})
    assert not skip_must_fail({"django_db"}, env)
    assert not skip_must_fail({"browser"}, env)


def test_ci_with_a_broker_must_run_the_integration_tests_even_without_postgres():
    assert skip_must_fail({"integration"}, {"CI": "true", "CELERY_BROKER_URL": REDIS})
    assert not skip_must_fail({"postgres_only"}, {"CI": "true", "CELERY_BROKER_URL": REDIS})


def test_ci_stops_when_a_postgres_url_still_gives_another_database():
    env = {"CI": "true", "DATABASE_URL": PG}
    assert database_mismatch(env, "sqlite") == (
        "CI set DATABASE_URL to PostgreSQL but the tests run on sqlite: the PostgreSQL-only "
        "tests would not run. Check the settings' DATABASE_URL handling."
    )
    assert database_mismatch(env, "postgresql") is None
    assert database_mismatch({"DATABASE_URL": PG}, "sqlite") is None
