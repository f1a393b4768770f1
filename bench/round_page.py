"""`python -m bench.round_page`: the coordinator's round page at 100, 1,000 and 5,000 students.

Sets up its own database (a SQLite file in a temporary directory, or DATABASE_URL when given),
migrates, builds one round per size with the rounds benchmark's data builder
(bench/rounds_data.py: one student in five gets a challenge of their own, ~1.2x the places),
runs the matcher in process so the round is in review with real assignments, then asks the
round page for its first page, a filtered page, a search and a later page with Django's test
client, several times each. Prints per size and request: the median server time, the number of
queries and the response size, and the ratio to the smallest size.

It passes when the number of queries is the same at every size (nothing per student) and the
1,000-student page answers in under 300 ms (median). A benchmark, not a timed test.

Options: --students 100,1000,5000  --repeat 7  --challenges-per 5 (students per challenge)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

LIMIT_MS = 300.0
LIMIT_AT = 1000
REQUESTS = (
    ("first page", {}),
    ("assigned, 2nd", {"status": "assigned", "rank": "2"}),
    ("search", {"q": "Student12 Bench"}),
    ("page 10", {"page": "10"}),
    ("moved by hand", {"status": "overridden"}),
)


def _setup(database_url: str | None) -> str:
    directory = tempfile.mkdtemp(prefix="koppel-bench-page-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{directory}/bench.sqlite3"
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The test client's host, without setup_test_environment(): its instrumented template
    # rendering (a signal and a context copy per template) would be measured too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    return os.environ["DATABASE_URL"]


def _round_in_review(students: int, challenges: int):
    from backend.allocations.models import AllocationRound, AllocationRun
    from backend.allocations.services import allocation_run_start
    from bench.rounds_data import build_round

    allocation_round, coordinator = build_round(students=students, challenges=challenges)
    run = allocation_run_start(
        allocation_round=allocation_round, actor=coordinator, mode="optimal", seed=1
    )
    status = AllocationRun.objects.filter(pk=run.pk).values_list("status", flat=True).get()
    if status != "succeeded":
        raise SystemExit(f"run failed at {students} students")
    # One placement in twenty corrected by hand (the "moved by hand" filter has rows).
    from backend.allocations.models import Assignment

    moved = (
        Assignment.objects.filter(round=allocation_round)
        .order_by("pk")
        .values_list("pk", flat=True)[::20]
    )
    Assignment.objects.filter(pk__in=list(moved)).update(source="override", locked=True)
    # Fresh statistics, as autovacuum keeps them on a live database: without them PostgreSQL
    # plans the bulk-loaded tables as if they held a dozen rows (a nested loop over 30 million
    # pairs for a search at 5,000 students).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return AllocationRound.objects.get(pk=allocation_round.pk), coordinator


def _measure(client, url: str, query: dict[str, str], repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    db_times = []
    queries = 0
    size = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, query)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} {query}: {response.status_code}")
        queries, size = len(captured), len(response.content)
        db_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        if '"problem"' in sql or '."result"' in sql:
            raise SystemExit(f"{url} {query}: the page read a run's problem or result")
    return {
        "ms": statistics.median(times),
        "db_ms": statistics.median(db_times),
        "queries": queries,
        "bytes": size,
    }


def _size(students: int, per_challenge: int, repeat: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    allocation_round, coordinator = _round_in_review(students, max(10, students // per_challenge))
    built = time.perf_counter() - started
    client = Client()
    client.force_login(coordinator)
    url = reverse("frontend:round-detail", args=[allocation_round.pk])
    client.get(url)  # warm up (templates, caches)
    return {
        "students": students,
        "build_s": built,
        "requests": {name: _measure(client, url, query, repeat) for name, query in REQUESTS},
    }


def _report(rows: list[dict]) -> bool:
    smallest = rows[0]
    print(
        f"{'students':>9} {'request':<15} {'median ms':>10} {'x small':>8} {'db ms':>7} "
        f"{'queries':>8} {'kB':>7} {'x small':>8}"
    )
    for row in rows:
        for name, _query in REQUESTS:
            got, base = row["requests"][name], smallest["requests"][name]
            print(
                f"{row['students']:>9,} {name:<15} {got['ms']:>10.1f} "
                f"{got['ms'] / base['ms']:>8.2f} {got['db_ms']:>7.1f} {got['queries']:>8} "
                f"{got['bytes'] / 1024:>7.1f} {got['bytes'] / base['bytes']:>8.2f}"
            )
    ok = True
    for name, _query in REQUESTS:
        counts = {row["requests"][name]["queries"] for row in rows}
        if len(counts) > 1:
            print(f"FAIL: {name}: the number of queries grows with the students: {sorted(counts)}")
            ok = False
    if ok:
        print("OK: the same number of queries at every size, for every request")
    at_limit = [row for row in rows if row["students"] == LIMIT_AT]
    for row in at_limit:
        slowest = max(got["ms"] for got in row["requests"].values())
        verdict = "OK" if slowest < LIMIT_MS else "FAIL"
        ok = ok and slowest < LIMIT_MS
        print(
            f"{verdict}: slowest request at {LIMIT_AT:,} students {slowest:.0f} ms "
            f"(limit {LIMIT_MS:.0f} ms)"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", default="100,1000,5000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--challenges-per", type=int, default=5)
    args = parser.parse_args(argv)
    url = _setup(os.environ.get("DATABASE_URL") or None)
    from django.db import connection

    print(f"database: {connection.vendor} ({url.split('@')[-1]})", flush=True)
    rows = []
    for students in sorted(int(n) for n in args.students.split(",")):
        row = _size(students, args.challenges_per, args.repeat)
        print(f"built {students:,} students in {row['build_s']:.1f} s", flush=True)
        rows.append(row)
    return 0 if _report(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
