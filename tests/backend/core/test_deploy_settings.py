"""`manage.py check --deploy --fail-level WARNING` passes with the production values of
.env.example, and fails without them. Run in a subprocess: settings read the environment once."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name] = value
    return values


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(["check", "--deploy", "--fail-level", "WARNING"], env)


def _real_secret_key() -> str:
    return secrets.token_urlsafe(50)


def test_it_passes_the_deploy_check_with_the_production_values_of_env_example():
    env = {**_env_example(), "SECRET_KEY": _real_secret_key()}

    result = _deploy_check(env)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_fails_the_deploy_check_without_https_settings():
    production = _env_example()
    env = {
        "DEBUG": "0",
        "SECRET_KEY": _real_secret_key(),
        "ALLOWED_HOSTS": production["ALLOWED_HOSTS"],
    }

    result = _deploy_check(env)

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_it_refuses_to_start_in_production_on_the_placeholder_secret_key():
    env = _env_example()
    assert "change-me" in env["SECRET_KEY"]

    result = _run(["check"], env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_it_refuses_a_proxy_ssl_header_that_is_not_a_request_header():
    env = {**_env_example(), "SECRET_KEY": _real_secret_key()}
    env["SECURE_PROXY_SSL_HEADER"] = "X-Forwarded-Proto"

    result = _run(["check"], env)

    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must name a request header" in result.stderr
