"""When a test that needs a service may skip, and when a skip must fail the run instead.

Locally a missing PostgreSQL or worker is a reason to skip. In CI (CI set) the environment says
what the run promised: DATABASE_URL=postgres://… promises PostgreSQL, CELERY_BROKER_URL promises a
broker for a real worker, and every CI run promises the Open Badges validator (`make test` builds
its virtualenv .venv-badges before the tests run). A test that needs a promised service and skips
anyway means CI is misconfigured, and a green run would hide that the test never ran (the same
rule the browser tests follow for Chromium)."""

from collections.abc import Mapping

POSTGRES_SCHEMES = ("postgres://", "postgresql://")

# Marker → the service the marked tests need.
NEEDS = {
    "postgres_only": "postgresql",
    "integration": "worker",
    "openbadges_validator": "openbadges-validator",
}


def in_ci(env: Mapping[str, str]) -> bool:
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def promised_services(env: Mapping[str, str]) -> set[str]:
    """The services this run promised; none outside CI."""
    if not in_ci(env):
        return set()
    # `make test` (CI's test command) builds .venv-badges first: the validator is always there.
    promised = {"openbadges-validator"}
    if env.get("DATABASE_URL", "").startswith(POSTGRES_SCHEMES):
        promised.add("postgresql")
    if env.get("CELERY_BROKER_URL"):
        promised.add("worker")
    return promised


def skip_must_fail(markers: set[str], env: Mapping[str, str]) -> bool:
    """Whether skipping a test with these markers must fail the run."""
    promised = promised_services(env)
    return any(NEEDS[m] in promised for m in markers if m in NEEDS)


def database_mismatch(env: Mapping[str, str], vendor: str) -> str | None:
    """Why the whole run must stop: CI promised PostgreSQL but the tests got another database."""
    if "postgresql" in promised_services(env) and vendor != "postgresql":
        return (
            f"CI set DATABASE_URL to PostgreSQL but the tests run on {vendor}: "
            "the PostgreSQL-only tests would not run. Check the settings' DATABASE_URL handling."
        )
    return None
