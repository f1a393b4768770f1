"""Real Celery worker processes for the integration tests, on queues of the test's own.

Each test gets fresh queue names (so no other worker on the same Redis can take its tasks); the
test process routes to them and every worker it starts consumes them and publishes to them.
The worker reads the test database by name (the test uses a transactional database, so committed
rows are visible to it). Mails the worker sends are appended to a file (`Mailbox`), so a test can
count them across processes.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
RUN_TASK = "backend.allocations.tasks.allocation_run_task"


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{s['USER']}{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_for(predicate, *, timeout: float = 90.0, every: float = 0.2, what: str = "the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}")


class Mailbox:
    """Mails sent by worker processes: one JSON line per message (tests.integration.mail)."""

    def __init__(self, path: Path):
        self.path = path

    def messages(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line]


@dataclass
class Queues:
    """The test's queue names, routed in this process and consumed by its workers."""

    default: str
    engine: str
    mailbox: Mailbox
    processes: list[subprocess.Popen] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_DEFAULT_QUEUE": self.default,
            "CELERY_ENGINE_QUEUE": self.engine,
            "EMAIL_BACKEND": "tests.integration.mail.FileLineBackend",
            "KOPPEL_TEST_MAILBOX": str(self.mailbox.path),
            **extra,
        }

    def start(self, app, *, slow: bool = False, **env: str) -> subprocess.Popen:
        """A worker consuming both queues; `slow`: its engine takes minutes (reporting progress),
        so the test can kill it mid-run. Returns once the worker answers a ping."""
        name = f"{self.default}-{len(self.processes)}@localhost"
        if slow:
            env = {**env, "KOPPEL_TEST_SLOW_ENGINE": "1"}
        process = subprocess.Popen(
            [
                *(
                    sys.executable,
                    "-m",
                    "tests.integration.worker_main",
                    "-A",
                    "backend.config",
                    "worker",
                    "--pool=solo",
                ),
                *("-l", "warning", "-Q", f"{self.default},{self.engine}", "-n", name),
            ],
            env=self.env(**env),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.poll() is not None else ""
                pytest.fail(f"the Celery worker did not start: {output[-2000:]}")
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def route_to(app, *, default: str, engine: str) -> None:
    """Point this process's publishing at the given queues (the router is cached)."""
    app.conf.task_default_queue = default
    app.conf.task_routes = {RUN_TASK: {"queue": engine}}
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()
