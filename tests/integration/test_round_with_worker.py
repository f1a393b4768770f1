"""A whole allocation round on PostgreSQL + Redis with a real Celery worker process.

Runs only when DATABASE_URL is PostgreSQL and CELERY_BROKER_URL is set (CI sets both). The worker
is a separate process, so the test uses a transactional test database (committed rows are
visible to the worker) and points the worker at that database by name. Tasks go to queues of
their own (tests/integration/workers.py), so no other worker on the same Redis can take them.
"""

import datetime as dt
import os
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import AllocationRound, AllocationRun, Assignment, Objection, Phase
from backend.notifications.models import Notification
from backend.offers.models import OfferStatus
from tests.conftest import as_user
from tests.factories import OfferFactory, student

STUDENTS = 300

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
        or not os.environ.get("CELERY_BROKER_URL"),
        reason="needs DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (a real worker process)",
    ),
]


@pytest.fixture
def worker(real_celery, queues):
    """One worker on the test's default and engine queues; its node name."""
    queues.start(real_celery)
    return f"{queues.default}-0@localhost"


def _wait_for(predicate, *, timeout=90.0, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    pytest.fail("timed out waiting for the worker")


@pytest.mark.django_db(transaction=True)
def test_a_round_from_choices_to_objections_with_a_real_worker(cast, worker, real_celery):
    now = timezone.now()
    offers = [
        OfferFactory(
            owner=cast.bakkerij if i % 5 == 0 else cast.pixel,
            contact=cast.jan if i % 5 == 0 else cast.eva,
            title=f"Uitdaging {i}",
            status=OfferStatus.PUBLISHED,
            max_students=1 + i % 6,
            schools=[cast.vista],
        )
        for i in range(80)
    ]
    students = [cast.sanne] + [
        student(
            school=cast.vista,
            kwalificatie=cast.ict_niveau2,
            first_name=f"Student{i}",
            class_code=f"K{i % 8}",
        )
        for i in range(STUDENTS - 1)
    ]
    bos = as_user(cast.bos)
    response = bos.post(
        reverse("api:round-list"),
        {
            "name": "Integratieronde",
            "school": cast.vista.pk,
            "challenges": [o.pk for o in offers],
            "min_choices": 3,
            "max_choices": 6,
            "choices_close_at": (now + dt.timedelta(days=7)).isoformat(),
            "objections_close_at": (now + dt.timedelta(days=21)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    round_id = response.json()["id"]
    assert bos.post(reverse("api:round-open", args=[round_id])).status_code == 200

    # Sanne chooses through the API, the others through the same service.
    sanne = as_user(cast.sanne)
    assert (
        sanne.put(
            reverse("api:round-my-choices", args=[round_id]),
            {"choices": [offers[0].pk, offers[1].pk, offers[2].pk]},
            format="json",
        ).status_code
        == 200
    )
    allocation_round = AllocationRound.objects.get(pk=round_id)
    for i, user in enumerate(students[1:]):
        picks = [offers[(i * 7 + k * 13) % len(offers)].pk for k in range(3 + i % 4)]
        services.choice_list_submit(
            allocation_round=allocation_round, student=user, offer_ids=picks, now=timezone.now()
        )
    assert bos.post(reverse("api:round-close-choices", args=[round_id])).status_code == 200

    # Run: the worker picks it up; we poll the run as the progress bar does.
    response = bos.post(
        reverse("api:round-runs", args=[round_id]), {"mode": "optimal", "seed": 3}, format="json"
    )
    assert response.status_code == 202
    run_id = response.json()["id"]
    seen: list[tuple[str, int]] = []

    def finished():
        data = bos.get(reverse("api:run-detail", args=[run_id])).json()
        seen.append((data["status"], data["percent"]))
        return data if data["status"] in ("succeeded", "failed") else None

    run = _wait_for(finished, every=0.05)
    assert run["status"] == "succeeded", run["error"]
    assert run["percent"] == 100
    # What the progress bar saw only ever moves forward, and ends at 100 %.
    percents = [percent for _status, percent in seen]
    assert percents == sorted(percents)
    assert percents[-1] == 100
    assert Assignment.objects.filter(round_id=round_id).count() == run["metrics"]["assigned"] > 200
    # A second delivery of the same task changes nothing.
    from backend.allocations.tasks import allocation_run_task

    finished_at = AllocationRun.objects.get(pk=run_id).finished_at
    allocation_run_task.delay(run_id)  # a redelivery, straight to the broker
    task_name = "backend.allocations.tasks.allocation_run_task"

    def processed_twice():
        stats = (real_celery.control.inspect([worker], timeout=1.0).stats() or {}).get(worker, {})
        return stats.get("total", {}).get(task_name, 0) >= 2

    _wait_for(processed_twice, every=0.5)
    assert AllocationRun.objects.filter(round_id=round_id).count() == 1
    assert AllocationRun.objects.get(pk=run_id).finished_at == finished_at
    assert Assignment.objects.filter(round_id=round_id).count() == run["metrics"]["assigned"]

    # Review: override one student onto a challenge with room, then publish.
    leftovers = bos.get(reverse("api:round-unassigned", args=[round_id])).json()["results"]
    target = next((s for s in leftovers if s["options"]), None)
    if target:
        moved = bos.post(
            reverse("api:assignment-override", args=[round_id, target["student_id"]]),
            {"offer": target["options"][0]["offer_id"]},
            format="json",
        )
        assert moved.status_code == 200, moved.json()
        assert moved.json()["source"] == "override"
    assert (
        as_user(cast.devries).post(reverse("api:round-publish", args=[round_id])).status_code == 403
    )
    assert bos.post(reverse("api:round-publish", args=[round_id])).status_code == 200
    assert AllocationRound.objects.get(pk=round_id).phase == Phase.PUBLISHED

    # Everyone is told; e-mails go out through the worker.
    assert (
        Notification.objects.filter(category="allocation_published", recipient__in=students).count()
        == STUDENTS
    )
    assert Notification.objects.filter(recipient=cast.devries).exists()
    assert Notification.objects.filter(
        category="allocation_team", recipient__in=[cast.jan, cast.eva]
    ).exists()
    _wait_for(
        lambda: (
            not Notification.objects.filter(
                recipient=cast.devries, emailed_at__isnull=True
            ).exists()
        )
    )

    # Objection: Sanne objects, the coordinator accepts with a challenge that has room.
    result = sanne.get(reverse("api:round-my-result", args=[round_id])).json()
    assert result["can_object"] is True
    objection = sanne.post(
        reverse("api:round-my-objection", args=[round_id]),
        {"reason": "Ik wil iets anders"},
        format="json",
    )
    assert objection.status_code == 201
    room = bos.get(reverse("api:round-unassigned", args=[round_id])).json()["results"]
    options = next((s["options"] for s in room if s["options"]), [])
    if options:
        accepted = bos.post(
            reverse("api:objection-accept", args=[objection.json()["id"]]),
            {"offer": options[0]["offer_id"]},
            format="json",
        )
    else:
        accepted = bos.post(
            reverse("api:objection-decline", args=[objection.json()["id"]]),
            {"answer": "Alles is vol."},
            format="json",
        )
    assert accepted.status_code == 200, accepted.json()
    assert Objection.objects.get().status in ("accepted", "declined")
    assert (
        Notification.objects.filter(recipient=cast.sanne, category="allocation_objection").count()
        == 1
    )
