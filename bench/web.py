"""`python -m bench.web --sizes demo,10000,100000`: every heavy page and list endpoint per size.

For each size a fresh PostgreSQL database koppel_bench_web_<size> (created, migrated, dropped
afterwards unless --keep): "demo" is `manage.py load_demo`, a number is bench/region.py at that
many students. Then Django's test client asks every page/endpoint below several times, signed in
as the right person (a student in the choosing round, a placed student of the published round,
the coordinator of the first school, a company contact), and prints per page and size: the
median server time, the number of queries and the response size, with the ratio largest size /
demo for time and size. Flagged: a time ratio above 2, a response that grows more than 2x
between the region sizes (a demo list is often shorter than one page), a query count that grows.

Each size runs in its own process (one database per Django setup). Base URL: DATABASE_URL
(its database name is replaced) or postgres://postgres@127.0.0.1:5432/.

Options: --sizes demo,10000,100000  --repeat 5  --keep
         --existing koppel_region [--only "student"]: measure an already built database (no
         build, no drop), only the pages whose label contains the --only text.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_BASE = "postgres://postgres@127.0.0.1:5432/postgres"
FLAG_RATIO = 2.0

# (label, who, url name, args key, query, htmx); a query value "@key" is read from _people().
PAGES: tuple[tuple[str, str, str, str | None, dict[str, str], bool], ...] = (
    ("student round (choosing)", "chooser", "frontend:round-student", "choosing", {}, False),
    ("student rounds/mine", "chooser", "frontend:student-choices", None, {}, False),
    ("student challenges", "chooser", "frontend:student-challenges", None, {}, False),
    (
        "student challenge detail",
        "chooser",
        "frontend:student-challenge-detail",
        "chosen",
        {},
        False,
    ),
    (
        "teammate search",
        "chooser",
        "frontend:student-teammate-search",
        "choosing",
        {"wie": "Student1"},
        True,
    ),
    ("student result (published)", "placed", "frontend:round-student", "published", {}, False),
    ("student my-result API", "placed", "api:round-my-result", "published", {}, False),
    ("coordinator round page", "coordinator", "frontend:round-detail", "published", {}, False),
    ("coordinator choosing round", "coordinator", "frontend:round-detail", "choosing", {}, False),
    # The programme with covered werkprocessen, as the API rows (the default one is empty on
    # the demo, which compared an empty page with a full one).
    (
        "coverage /dekking/",
        "coordinator",
        "frontend:coverage",
        None,
        {"opleiding": "@programme"},
        False,
    ),
    ("review queue", "coordinator", "frontend:review-queue", None, {}, False),
    ("review queue API", "coordinator", "api:offer-review-queue", None, {}, False),
    ("offers API (coordinator)", "coordinator", "api:offer-list", None, {}, False),
    ("offers API (company)", "company", "api:offer-list", None, {}, False),
    ("students API", "coordinator", "api:student-list", None, {}, False),
    ("agreement list", "coordinator", "frontend:agreement-list", None, {}, False),
    ("agreement list (company)", "company", "frontend:agreement-list", None, {}, False),
    ("round assignments API", "coordinator", "api:round-assignments", "published", {}, False),
    ("unassigned page", "coordinator", "frontend:round-unassigned", "published", {}, False),
    ("unassigned API", "coordinator", "api:round-unassigned", "published", {}, False),
    ("objections page", "coordinator", "frontend:round-objections", "published", {}, False),
    ("student challenges API", "chooser", "api:round-open-challenges", "choosing", {}, False),
    (
        "coverage API",
        "coordinator",
        "api:offer-coverage",
        None,
        {"kwalificatie": "@programme"},
        False,
    ),
    (
        "coverage werkproces page",
        "coordinator",
        "frontend:coverage-werkproces",
        "werkproces",
        {"opleiding": "@programme"},
        False,
    ),
    (
        "coverage werkproces API",
        "coordinator",
        "api:offer-coverage-werkproces",
        "werkproces",
        {"kwalificatie": "@programme"},
        False,
    ),
    (
        "governance (samenwerking)",
        "coordinator",
        "frontend:governance-consortium-list",
        None,
        {},
        False,
    ),
)


def _database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = DEFAULT_BASE
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_database_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


# -- one size, in its own process ----------------------------------------------------------------


def _people() -> dict[str, Any]:
    """Who asks, and for which rounds: found in the database, so the demo works the same."""
    from django.db.models import Count

    from backend.accounts.models import Membership, Role
    from backend.allocations.models import AllocationRound, Assignment, Choice, ChoiceList
    from backend.offers.models import Offer

    found: dict[str, Any] = {}
    choosing = (
        AllocationRound.objects.filter(phase="choosing")
        .annotate(n=Count("choice_lists"))
        .order_by("-n", "pk")
        .first()
    )
    published = (
        AllocationRound.objects.filter(phase__in=["published", "objections"])
        .annotate(n=Count("assignments"))
        .order_by("-n", "pk")
        .first()
    )
    if choosing is not None:
        found["choosing"] = choosing.pk
        chooser = (
            ChoiceList.objects.filter(round=choosing)
            .annotate(n=Count("choices"))
            .filter(n__gt=0)
            .order_by("pk")
            .first()
        )
        if chooser is not None:
            found["chooser"] = chooser.student_id
            found["chosen"] = (
                Choice.objects.filter(choice_list=chooser)
                .order_by("position")
                .values_list("offer_id", flat=True)[0]
            )
    if published is not None:
        found["published"] = published.pk
        placed = Assignment.objects.filter(round=published).order_by("student_id").first()
        if placed is not None:
            found["placed"] = placed.student_id
            found["company"] = Offer.objects.get(pk=placed.offer_id).contact_id
    school_id = published.school_id if published is not None else None
    coordinators = Membership.objects.filter(role=Role.COORDINATOR, ended_at__isnull=True)
    if school_id is not None:
        coordinators = coordinators.filter(organisation_id=school_id)
    coordinator = coordinators.order_by("pk").first()
    if coordinator is not None:
        found["coordinator"] = coordinator.user_id
        found.update(_coverage_scope(coordinator.user_id))
    return found


def _coverage_scope(coordinator_id: int) -> dict[str, int]:
    """The first programme of this coordinator's coverage page that has covered werkprocessen,
    and its werkproces covered by the most challenges: what the "show all" lists are asked
    about."""
    from django.contrib.auth import get_user_model

    from backend.accounts.selectors import staff_school_ids
    from backend.offers.selectors.coverage import coverage_summary
    from backend.offers.selectors.curation import curation_programmes

    user = get_user_model().objects.get(pk=coordinator_id)
    programmes = sorted(
        curation_programmes(user),
        key=lambda p: (p.dossier.title, p.dossier_id, p.title, p.niveau, p.pk),
    )
    found: dict[str, int] = {}
    for programme in programmes:  # the first with a covered werkproces
        summary = coverage_summary(programme, schools=staff_school_ids(user))
        rows = [row for kerntaak in summary.kerntaken for row in kerntaak.rows if row.count]
        if rows:
            found["programme"] = programme.pk
            found["werkproces"] = max(rows, key=lambda row: row.count).werkproces.pk
            break
    return found


def _signed_in(user: Any) -> Any:
    """A test client signed in as `user`, past the second factor (staff must use one; the
    benchmark measures the pages, not the login)."""
    from django.test import Client

    from backend.core.second_factor import SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = "totp"
    session.save()
    return client


def _measure_all(repeat: int, only: str = "") -> list[dict[str, Any]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    people = _people()
    users = get_user_model().objects.in_bulk(
        [people[k] for k in ("chooser", "placed", "coordinator", "company") if k in people]
    )
    rows = []
    for label, who, name, key, query, htmx in PAGES:
        if only not in label:
            continue
        row: dict[str, Any] = {"page": label}
        rows.append(row)
        if who not in people or (key is not None and key not in people):
            row["status"] = "n/a"
            continue
        try:
            url = reverse(name, args=[people[key]] if key else [])
        except NoReverseMatch:
            row["status"] = "no url"
            continue
        wanted = [value[1:] for value in query.values() if value.startswith("@")]
        if any(key not in people for key in wanted):
            row["status"] = "n/a"
            continue
        query = {k: str(people[v[1:]]) if v.startswith("@") else v for k, v in query.items()}
        client = _signed_in(users[people[who]])
        headers = {"HX-Request": "true"} if htmx else {}
        client.get(url, query, headers=headers)  # warm up
        times, db_times = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, query, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
            db_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        row.update(
            status=response.status_code,
            ms=statistics.median(times),
            db_ms=statistics.median(db_times),
            queries=len(captured),
            bytes=len(response.content),
        )
    return rows


def _one(size: str, repeat: int, keep: bool) -> dict[str, Any]:
    name = f"koppel_bench_web_{size}"
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = _database_url(name)
        from bench.region import _setup

        started = time.perf_counter()
        _setup(None)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        migrated = time.perf_counter() - started
        started = time.perf_counter()
        if size == "demo":
            import io

            call_command("load_demo", verbosity=0, stdout=io.StringIO())
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            from bench.region import build_region

            build_region(students=int(size), verbose=True)
        from bench.region import counts

        print(", ".join(f"{name} {n:,}" for name, n in counts().items()), flush=True)
        built = time.perf_counter() - started
        rows = _measure_all(repeat)
        connection.close()
        return {"size": size, "migrate_s": migrated, "build_s": built, "rows": rows}
    finally:
        if not keep:
            from django.db import connections

            connections.close_all()
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _existing(name: str, repeat: int, only: str) -> int:
    from bench.region import _setup

    _setup(_database_url(name))  # migrates, so a database from an older checkout still works
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rows = _measure_all(repeat, only)
    _report([{"size": name, "migrate_s": 0.0, "build_s": 0.0, "rows": rows}])
    return 0


# -- the table -----------------------------------------------------------------------------------


def _flag(label: str, sizes: list[str], got: list[dict[str, Any]]) -> str:
    """Print the ratios of one page; return a flag or "".

    Time: largest size / the smallest (demo). Size and queries: between the region sizes
    (10,000 → 100,000), because a demo list is often shorter than one page while a region's is
    a full page at every size: "independent of the round size" means the page does not grow
    from one region size to the next. The size ratio against the demo is printed too."""
    measured = [row for row in got if "ms" in row]
    if len(measured) < 2:
        return ""
    first, last = measured[0], measured[-1]
    t, b = last["ms"] / first["ms"], last["bytes"] / max(1, first["bytes"])
    regional = [row for size, row in zip(sizes, got, strict=True) if size != "demo" and "ms" in row]
    grows = regional[-1]["bytes"] / max(1, regional[0]["bytes"]) if len(regional) >= 2 else b
    marks = []
    if t > FLAG_RATIO:
        marks.append("TIME")
    if grows > FLAG_RATIO:
        marks.append("SIZE")
    if len(regional) >= 2 and regional[-1]["queries"] > regional[0]["queries"]:
        marks.append(f"QUERIES {regional[0]['queries']}→{regional[-1]['queries']}")
    if any(row["status"] != 200 for row in measured):
        marks.append("STATUS")
    note = f"  <-- {', '.join(marks)}" if marks else ""
    print(
        f"{'':<28} {'ratio':>8} {'':>6} {t:>10.2f} {'':>8} {'':>8} {b:>8.2f}"
        f"  (size between region sizes x{grows:.2f}){note}"
    )
    return (
        f"{label}: {', '.join(marks)} (time x{t:.2f}, size x{b:.2f}, regional x{grows:.2f})"
        if marks
        else ""
    )


def _report(results: list[dict[str, Any]]) -> list[str]:
    flags: list[str] = []
    sizes = [r["size"] for r in results]
    print()
    for r in results:
        print(f"{r['size']:>8}: migrate {r['migrate_s']:.1f} s, build {r['build_s']:.1f} s")
    print(
        f"\n{'page':<28} {'size':>8} {'status':>6} {'median ms':>10} {'db ms':>8} "
        f"{'queries':>8} {'kB':>8}"
    )
    labels = [row["page"] for row in results[0]["rows"]]
    for index, label in enumerate(labels):
        got = [r["rows"][index] for r in results]
        for size, row in zip(sizes, got, strict=True):
            if "ms" not in row:
                print(f"{label:<28} {size:>8} {row.get('status', ''):>6}")
                continue
            print(
                f"{label:<28} {size:>8} {row['status']:>6} {row['ms']:>10.1f} {row['db_ms']:>8.1f} "
                f"{row['queries']:>8} {row['bytes'] / 1024:>8.1f}"
            )
        flag = _flag(label, sizes, got)
        if flag:
            flags.append(flag)
    print()
    for flag in flags:
        print(f"FLAG: {flag}")
    if not flags:
        print(
            "OK: no page takes more than 2x the demo's time, none grows more than 2x in size "
            "between region sizes, no query count grows"
        )
    return flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="demo,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--existing", default=None, help="measure this database as it is")
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    args = parser.parse_args(argv)
    if args.existing:
        return _existing(args.existing, args.repeat, args.only)
    if args.one:
        result = _one(args.one, args.repeat, args.keep)
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
        return 0
    import tempfile

    results = []
    for size in args.sizes.split(","):
        print(f"== {size}", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        command = [sys.executable, "-m", "bench.web", "--one", size, "--out", out]
        command += ["--repeat", str(args.repeat)] + (["--keep"] if args.keep else [])
        subprocess.run(command, check=True)
        with open(out, encoding="utf-8") as handle:
            results.append(json.load(handle))
        os.unlink(out)
    _report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
