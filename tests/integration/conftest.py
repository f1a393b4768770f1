import uuid

import pytest

from tests.integration.workers import RUN_TASK, Mailbox, Queues, route_to


@pytest.fixture
def queues(real_celery, tmp_path):
    prefix = f"koppel-it-{uuid.uuid4().hex[:8]}"
    previous = (real_celery.conf.task_default_queue, real_celery.conf.task_routes)
    route_to(real_celery, default=prefix, engine=f"{prefix}-engine")
    test_queues = Queues(
        default=prefix, engine=f"{prefix}-engine", mailbox=Mailbox(tmp_path / "mails.jsonl")
    )
    try:
        yield test_queues
    finally:
        test_queues.stop_all()
        route_to(real_celery, default=previous[0], engine=previous[1][RUN_TASK]["queue"])
