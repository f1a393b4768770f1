"""`python -m tests.integration.worker_main <celery arguments>`: a Celery worker for the fault
tests, with two test-only knobs from the environment:

- KOPPEL_TEST_SLOW_ENGINE=1: the engine reports progress and then takes minutes, so a test can
  kill the worker in the middle of a run;
- KOPPEL_TEST_FAST_RESTORE=1: Redis' unacknowledged tasks are looked at every second (not every
  ~100 s), so a test sees a dead worker's task redelivered after the visibility timeout.
"""

import os
import sys
import time

import django


def slow_solve(snapshot, *, progress=None, **options):
    if progress:
        progress("slow", 10)
    time.sleep(600)
    raise RuntimeError("a slow solve is meant to be killed before it ends")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    django.setup()
    from celery.bin.celery import main as celery_main
    from django.conf import settings

    from backend.allocations import engine_adapter

    if os.environ.get("KOPPEL_TEST_SLOW_ENGINE") == "1":
        engine_adapter.solve = slow_solve
    if os.environ.get("KOPPEL_TEST_FAST_RESTORE") == "1":
        settings.CELERY_BROKER_TRANSPORT_OPTIONS.update(
            unacked_restore_interval=1, unacked_restore_throttle=1
        )
    sys.argv = ["celery", *sys.argv[1:]]
    sys.exit(celery_main())


if __name__ == "__main__":
    main()
