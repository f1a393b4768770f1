"""`python -m bench.rounds`: an allocation round end to end, from "start run" to stored assignments.

Sets up its own database (a SQLite file in a temporary directory, or DATABASE_URL when given),
migrates, generates rounds of 1,000 and 10,000 students with 1,000 challenges in bulk, and runs
the Celery task eagerly (in process). Prints wall time and the number of database queries per
size: the count must be the same at both sizes (bulk reads and writes), and the 10,000-student
run must finish in under 60 s.

Options: --students 1000,10000  --challenges 1000  --keep (keep the SQLite file)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

LIMIT_SECONDS = 60.0


def _setup(database_url: str | None) -> str:
    directory = tempfile.mkdtemp(prefix="koppel-bench-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{directory}/bench.sqlite3"
    # The task runs in this process: no broker, eager Celery.
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return os.environ["DATABASE_URL"]


def _measure(students: int, challenges: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.allocations.models import AllocationRun, Assignment
    from backend.allocations.services import allocation_run_start
    from bench.rounds_data import build_round

    started = time.perf_counter()
    allocation_round, coordinator = build_round(students=students, challenges=challenges)
    generated = time.perf_counter() - started

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run = allocation_run_start(
            allocation_round=allocation_round, actor=coordinator, mode="optimal", seed=1
        )
        wall = time.perf_counter() - started
    run = AllocationRun.objects.get(pk=run.pk)
    stored = Assignment.objects.filter(round=allocation_round).count()
    if run.status != "succeeded":
        raise SystemExit(f"run failed: {run.error}")
    return {
        "students": students,
        "challenges": challenges,
        "generate_s": generated,
        "wall_s": wall,
        "queries": len(queries),
        "assigned": stored,
        "first_choice": run.metrics["share_first_choice"],
        "problem_hash": run.problem_hash[:12],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", default="1000,10000")
    parser.add_argument("--challenges", type=int, default=1000)
    args = parser.parse_args(argv)
    url = _setup(os.environ.get("DATABASE_URL") or None)
    from django.db import connection

    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    print(
        f"{'students':>9} {'challenges':>10} {'data (s)':>9} {'run (s)':>8} {'queries':>8} {'assigned':>9} {'1st choice':>10}"
    )
    rows = []
    for students in [int(n) for n in args.students.split(",")]:
        row = _measure(students, args.challenges)
        rows.append(row)
        print(
            f"{row['students']:>9,} {row['challenges']:>10,} {row['generate_s']:>9.1f} {row['wall_s']:>8.2f} "
            f"{row['queries']:>8} {row['assigned']:>9,} {row['first_choice']:>10.1%}",
            flush=True,
        )
    ok = True
    counts = {row["queries"] for row in rows}
    if len(counts) > 1:
        print(f"FAIL: the number of queries grows with the number of students: {sorted(counts)}")
        ok = False
    else:
        print(f"OK: {counts.pop()} queries at every size (from 'start run' to stored assignments)")
    largest = max(rows, key=lambda r: r["students"])
    if largest["wall_s"] >= LIMIT_SECONDS:
        print(
            f"FAIL: {largest['students']:,} students took {largest['wall_s']:.1f} s (limit {LIMIT_SECONDS:.0f} s)"
        )
        ok = False
    else:
        print(
            f"OK: {largest['students']:,} students in {largest['wall_s']:.1f} s (limit {LIMIT_SECONDS:.0f} s)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
