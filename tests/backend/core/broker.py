"""A stand-in broker for the SQLite tests: it can be down (publishing raises kombu's
OperationalError, as a closed Redis port does) or up (messages are kept, and `deliver` runs them
in process as a worker would, as often as a redelivering broker might)."""

from kombu.exceptions import OperationalError

from backend.config.celery import app as celery_app
from backend.core import outbox


class FakeBroker:
    def __init__(self):
        self.up = True
        self.published: list[tuple[str, dict]] = []

    def send(self, message) -> None:
        if not self.up:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.published.append((message.task, message.kwargs))

    def deliver(self) -> None:
        """Run every message published so far (again, if it ran before) and forget them."""
        celery_app.loader.import_default_modules()
        messages, self.published = self.published, []
        for task, kwargs in messages:
            celery_app.tasks[task].apply(kwargs=kwargs, throw=True)


def install_fake_broker(monkeypatch) -> FakeBroker:
    """A real (not in-process) Celery setup whose broker the test controls. Use it in a module's
    `broker` fixture."""
    fake = FakeBroker()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(outbox, "_send", fake.send)
    return fake
