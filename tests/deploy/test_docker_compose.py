"""Docker cannot run here, so the stack definition is checked statically: every service is
there, has a health check, reads the variables of .env.example, and starts a command that exists."""

import importlib
import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
ENV_EXAMPLE = {
    line.split("=", 1)[0]
    for line in (ROOT / ".env.example").read_text().splitlines()
    if line and not line.startswith("#")
}


def _executable(name: str) -> bool:
    return (Path(sys.executable).parent / name).exists() or shutil.which(name) is not None


def test_it_defines_the_production_like_stack():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(SERVICES)


@pytest.mark.parametrize("name", ["postgres", "redis", "web", "worker", "engine", "beat"])
def test_every_long_running_service_has_a_health_check(name):
    assert SERVICES[name]["healthcheck"]["test"]


@pytest.mark.parametrize("name", ["web", "worker", "engine", "beat", "migrate"])
def test_every_command_exists(name):
    command = SERVICES[name]["command"]
    assert _executable(command[0]), f"{name}: {command[0]} is not installed"
    if command[0] == "gunicorn":
        module, attribute = command[1].split(":")
        assert callable(getattr(importlib.import_module(module), attribute))
    if command[0] == "celery":
        app_module = command[command.index("-A") + 1]
        assert importlib.import_module(app_module).celery_app.main == "koppel"
        assert command[3] in {"worker", "beat"}
    if command[:2] == ["python", "manage.py"]:
        assert (ROOT / "manage.py").exists()
        from django.core.management import get_commands

        assert command[2] in get_commands()


def test_app_services_use_the_variables_of_env_example():
    anchor = COMPOSE["x-koppel-env"]
    assert anchor["env_file"] == ".env"
    assert set(anchor["environment"]) <= ENV_EXAMPLE
    for name in ("web", "worker", "beat", "migrate"):
        assert SERVICES[name]["environment"] == anchor["environment"]


def test_every_environment_variable_the_settings_read_is_documented():
    settings_source = (ROOT / "backend" / "config" / "settings.py").read_text()
    import re

    read = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', settings_source))
    assert read <= ENV_EXAMPLE, f"undocumented in .env.example: {sorted(read - ENV_EXAMPLE)}"


def test_the_web_health_check_url_exists(client, db):
    url = SERVICES["web"]["healthcheck"]["test"][-1].removeprefix("http://127.0.0.1:8000")
    assert url == "/healthz/live/"
    assert client.get(url).json() == {"status": "ok"}


@pytest.mark.parametrize("name", ["worker", "engine"])
def test_the_workers_consume_the_default_and_the_engine_queue(name):
    from backend.config.celery import app

    command = SERVICES[name]["command"]
    queues = set(command[command.index("-Q") + 1].split(","))
    assert queues == ({"default"} if name == "worker" else {"engine"})
    assert (
        app.amqp.router.route({}, "backend.allocations.tasks.allocation_run_task")["queue"].name
        == "engine"
    )
    assert SERVICES[name]["environment"] == COMPOSE["x-koppel-env"]["environment"]
