"""`python -m bench.explain --existing koppel_region [--only LABEL]`: the plans behind bench/web.py.

For every page of bench/web.py PAGES (or those whose label contains --only), signed in as the same
person bench/web.py uses (its `_people`), the page is asked once to warm up and once with its SQL
captured (Django's CaptureQueriesContext). Printed per page: status, number of queries, database
time, and then for the slowest queries (the --top slowest, and every other one over --min-ms ms)
the SQL and PostgreSQL's `EXPLAIN (ANALYZE, BUFFERS)` plan, as Markdown, ready to paste into
docs/performance.md. "Slowest" by the plans' own execution time (every distinct SELECT of the
page is explained; the captured time includes waiting for a busy CPU), or by the captured time
with --no-analyze. Only SELECTs are explained, each inside a transaction that is rolled back.

The database is migrated first (as bench/web.py --existing does), so the plans show the indexes
of the checkout; --no-migrate leaves it as it is. Base URL: DATABASE_URL (its database name is
replaced) or postgres://postgres@127.0.0.1:5432/.

Options: --existing koppel_region  --only "student"  --top 3  --min-ms 5  --full-sql
         --no-analyze (EXPLAIN without running the query: estimates only)
         --without user_name_order,…: print each plan a second time as it was before these
         indexes (dropped inside the rolled-back transaction; on your own copy of the region
         only, since DROP INDEX locks the table until the rollback)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import Any

from bench.web import PAGES, _database_url, _people

# Databases other people read while they work: no DROP INDEX there, not even rolled back.
SHARED = {"koppel_region", "koppel_demo_bench"}


def _setup(name: str, migrate: bool) -> None:
    if migrate:
        from bench.region import _setup as setup_and_migrate

        setup_and_migrate(_database_url(name))
    else:
        import os

        os.environ["DATABASE_URL"] = _database_url(name)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
        os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        import django

        django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _capture(url: str, user: Any, query: dict[str, str], htmx: bool) -> tuple[int, list[Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from backend.core.second_factor import SESSION_KEY

    client = Client(raise_request_exception=False)  # a failing page is reported, not fatal
    client.force_login(user)
    # Past the second factor, as in bench.web: staff pages would answer with a redirect.
    session = client.session
    session[SESSION_KEY] = "totp"
    session.save()
    headers = {"HX-Request": "true"} if htmx else {}
    client.get(url, query, headers=headers)  # warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query, headers=headers)
    return response.status_code, list(captured.captured_queries)


def slowest(
    queries: list[dict[str, str]],
    top: int,
    min_ms: float,
    timer: Callable[[str], float] | None = None,
) -> list[tuple[float, str]]:
    """(ms, sql) of the `top` slowest SELECTs and every other one over `min_ms`, slowest first,
    each distinct SQL once. The time is the captured one, or `timer(sql)` (the database's own
    execution time: the captured time includes waiting for the CPU on a busy machine)."""
    reads: dict[str, float] = {}
    for q in queries:
        sql = q["sql"]
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            reads[sql] = max(reads.get(sql, 0.0), float(q["time"]) * 1000)
    if timer is not None:
        reads = {sql: timer(sql) for sql in reads}
    timed = sorted(((ms, sql) for sql, ms in reads.items()), key=lambda t: t[0], reverse=True)
    return [(ms, sql) for i, (ms, sql) in enumerate(timed) if i < top or ms > min_ms]


_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


def execution_ms(plan: str) -> float:
    """The `Execution Time` of an EXPLAIN ANALYZE plan (0 when there is none)."""
    found = _EXECUTION.search(plan)
    return float(found.group(1)) if found else 0.0


def explain(sql: str, analyze: bool, without: tuple[str, ...] = ()) -> str:
    """The plan of `sql`; with `without`, as if those indexes did not exist (they are dropped
    inside the transaction, which is rolled back: the plan before an index was added)."""
    from django.db import DatabaseError, connection, transaction

    options = "ANALYZE, BUFFERS" if analyze else "COSTS"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for index in without:
                cursor.execute(f'DROP INDEX "{index}"')
            cursor.execute(f"EXPLAIN ({options}) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
    except DatabaseError as error:
        return f"(no plan: {str(error).strip()})"
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--existing", required=True, help="the database to explain on")
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    parser.add_argument("--top", type=int, default=3, help="explain the N slowest queries")
    parser.add_argument("--min-ms", type=float, default=5.0, help="and every query slower")
    parser.add_argument("--full-sql", action="store_true", help="do not shorten the SQL")
    parser.add_argument("--no-analyze", action="store_true", help="plans without running")
    parser.add_argument("--no-migrate", action="store_true", help="leave the schema as it is")
    parser.add_argument(
        "--without",
        default="",
        help="also the plan without these indexes (comma-separated names; own databases only)",
    )
    args = parser.parse_args(argv)
    without = tuple(name for name in args.without.split(",") if name)
    if without and args.existing in SHARED:
        parser.error(f"--without takes a lock on {args.existing}'s tables: use your own copy")
    _setup(args.existing, migrate=not args.no_migrate)
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    people = _people()
    users = get_user_model().objects.in_bulk(
        [people[k] for k in ("chooser", "placed", "coordinator", "company") if k in people]
    )
    plans: dict[str, str] = {}  # sql: its EXPLAIN ANALYZE plan (a query shared by pages: once)

    def timer(sql: str) -> float:
        if sql not in plans:
            plans[sql] = explain(sql, analyze=True)
        return execution_ms(plans[sql])

    print(f"# Query plans on {args.existing}\n")
    for label, who, name, key, query, htmx in PAGES:
        if args.only not in label:
            continue
        if who not in people or (key is not None and key not in people):
            print(f"## {label}\n\nnot in this database\n")
            continue
        url = reverse(name, args=[people[key]] if key else [])
        status, queries = _capture(url, users[people[who]], query, htmx)
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"## {label}\n\n`GET {url}` as {who}: status {status}, {len(queries)} queries,")
        print(f"{total:.1f} ms in the database.\n")
        chosen = slowest(queries, args.top, args.min_ms, None if args.no_analyze else timer)
        for ms, sql in chosen:
            shown = sql if args.full_sql or len(sql) <= 800 else sql[:800] + " …"
            plan = plans.get(sql) or explain(sql, analyze=not args.no_analyze)
            print(f"### {ms:.1f} ms\n\n```sql\n{shown}\n```\n")
            print(f"```\n{plan}\n```\n")
            if without:
                plan = explain(sql, analyze=not args.no_analyze, without=without)
                print(f"without {', '.join(without)}:\n\n```\n{plan}\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
