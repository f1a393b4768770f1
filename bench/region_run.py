"""`python -m bench.region_run --students 100000`: an allocation run at region size, start to stored.

For the region (bench/region.py at --students, in its own PostgreSQL database
koppel_bench_run_<students>, created and dropped afterwards unless --keep) and for the demo
(`manage.py load_demo`, koppel_bench_run_demo): take the round in "choosing" with the most choice
lists (the region's consortium round), close choosing through the services, then start an
allocation run through the real service path, `allocation_run_start` with eager Celery: the
outbox runs the task in process after the commit, so the call returns when the run is stored.

The run happens in a child process of its own (Django set up, nothing else loaded), so the peak
resident memory printed (os.wait4's rusage of that child, as getrusage(RUSAGE_CHILDREN) would
give after it) is that of the worker alone; the task modules are imported before the clock
starts, as a worker has them. Printed per database: wall time start to stored (the call), the
run's started_at → finished_at as stored (finished_at is set just before the commit), the run's
own steps with wall and CPU seconds (services/runs.py logs them: snapshot and problem, solve and
encoding the documents, each write of storing, the commit, ANALYZE), the worker's CPU seconds and
its peak RSS. On a shared machine compare CPU seconds and MB; wall time follows the load.

Options: --students 100000  --mode optimal|stable  --seed 0  --keep  --no-demo
         --existing DBNAME: run on an already built database (no build, no drop). It CHANGES that
           database (closes choosing, stores a run): never point it at a database others read.
           Run it again and it runs the round again (a round in allocating/review is runnable).
         --existing-demo DBNAME: the same for the demo comparison.
         --profile FILE: cProfile the run (pstats file, and the top functions printed); the
           profiler slows the run down, so its wall time is not comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.web import _admin, _database_url

# ----------------------------------------------------------------------------------------------
# Children: one process builds, another runs (so the run's peak memory is its own).


def _django(database: str) -> None:
    """Django set up for `database`, as bench/region.py does, without migrating (the builder
    migrated; migrating would load the migration graph into the worker being measured)."""
    os.environ["DATABASE_URL"] = _database_url(database)
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _child_build(database: str, size: str) -> None:
    from bench.region import _setup

    _setup(_database_url(database))  # migrates
    if size == "demo":
        import io

        from django.core.management import call_command
        from django.db import connection

        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif size != "migrate":
        from bench.region import build_region

        build_region(students=int(size), verbose=True)


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _round_to_run() -> tuple[Any, str]:
    """The round in choosing with the most choice lists, else (a second run on the same
    database) the runnable round with the most."""
    from django.db.models import Count

    from backend.allocations.models import RUNNABLE_PHASES, AllocationRound, Phase

    for phases in ((Phase.CHOOSING,), RUNNABLE_PHASES):
        found = (
            AllocationRound.objects.filter(phase__in=phases)
            .annotate(n=Count("choice_lists"))
            .order_by("-n", "pk")
            .first()
        )
        if found is not None:
            return found, found.phase
    raise SystemExit("no round in choosing, allocating or review")


def _child_run(database: str, mode: str, seed: int, profile: str | None) -> dict[str, Any]:
    import gc
    import logging
    import resource

    _django(database)
    from django.db import connection
    from django.utils import timezone

    from backend.allocations import services
    from backend.allocations.models import AllocationRun, Choice, ChoiceList, RunPlacement

    allocation_round, phase = _round_to_run()
    actor = allocation_round.created_by
    if phase == "choosing":
        allocation_round = services.allocation_round_close_choosing(
            allocation_round=allocation_round, actor=actor, now=timezone.now()
        )
    students = ChoiceList.objects.filter(round=allocation_round).count()
    choices = Choice.objects.filter(choice_list__round=allocation_round).count()

    laps: dict[str, float] = {}
    cpu: dict[str, float] = {}

    class Laps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            laps.update(getattr(record, "run_laps", {}))
            cpu.update(getattr(record, "run_cpu", {}))

    # A worker has its task modules loaded before its first task; so does this one, or the
    # first run would pay for importing them (seconds, at any size).
    from celery import current_app

    warm = time.perf_counter()
    current_app.loader.import_default_modules()
    warm = time.perf_counter() - warm
    run_logger = logging.getLogger("backend.allocations.services.runs")
    run_logger.addHandler(Laps(level=logging.INFO))
    run_logger.setLevel(logging.INFO)
    run_logger.propagate = False
    gc.collect()
    rss_before = _rss_mb()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    run = services.allocation_run_start(
        allocation_round=allocation_round, actor=actor, mode=mode, seed=seed
    )
    wall = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    status, error, started_at, finished_at, metrics = (
        AllocationRun.objects.filter(pk=run.pk)
        .values_list("status", "error", "started_at", "finished_at", "metrics")
        .get()
    )
    if status != "succeeded":
        raise SystemExit(f"run {run.pk} did not succeed: {status} {error}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT octet_length(problem), octet_length(result) FROM allocations_allocationrun "
            "WHERE id = %s",
            [run.pk],
        )
        problem_bytes, result_bytes = cursor.fetchone()
    return {
        "database": database,
        "round": allocation_round.pk,
        "from_phase": phase,
        "mode": mode,
        "students": students,
        "choices": choices,
        "assigned": metrics.get("assigned"),
        "placements": RunPlacement.objects.filter(run_id=run.pk).count(),
        "wall_s": wall,
        "stored_s": (finished_at - started_at).total_seconds(),
        "laps": laps,
        "cpu": cpu,
        "rss_before_mb": rss_before,
        "warm_up_s": warm,
        "peak_before_mb": peak_before,
        "peak_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "problem_kb": (problem_bytes or 0) / 1024,
        "result_kb": (result_bytes or 0) / 1024,
    }


# ----------------------------------------------------------------------------------------------
# The parent: databases, children, the table.


def _spawn(args: list[str]) -> tuple[float, float]:
    """Run `python -m bench.region_run <args>` to its end: its peak RSS in MB, its CPU seconds."""
    process = subprocess.Popen([sys.executable, "-m", "bench.region_run", *args])
    # wait4: the rusage of this child alone (getrusage(RUSAGE_CHILDREN) is the maximum over
    # every child waited for so far, the builder's included).
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"bench.region_run {' '.join(args)} failed ({process.returncode})")
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # maxrss is in kB on Linux


def _measure(
    size: str, existing: str | None, keep: bool, mode: str, seed: int, profile: str | None
) -> dict[str, Any]:
    database = existing or f"koppel_bench_run_{size}"
    try:
        started = time.perf_counter()
        if existing is None:
            _admin(f'DROP DATABASE IF EXISTS "{database}"')
            _admin(f'CREATE DATABASE "{database}"')
            print(f"== building {size} into {database}", flush=True)
            _spawn(["--child", "build", "--database", database, "--size", size])
        else:
            _spawn(["--child", "build", "--database", database, "--size", "migrate"])
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        built = time.perf_counter() - started
        print(f"== running the allocation of {database}", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        command = ["--child", "run", "--database", database, "--out", out, "--mode", mode]
        command += ["--seed", str(seed)] + (["--profile", profile] if profile else [])
        peak, cpu_s = _spawn(command)
        with open(out, encoding="utf-8") as handle:
            result: dict[str, Any] = json.load(handle)
        os.unlink(out)
        result.update(size=size, peak_mb=peak, worker_cpu_s=cpu_s, build_s=built)
        return result
    finally:
        if existing is None and not keep:
            _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _report(results: list[dict[str, Any]]) -> None:
    print()
    for r in results:
        print(
            f"{r['size']} ({r['database']}): round {r['round']} from {r['from_phase']}, mode "
            f"{r['mode']}, {r['students']:,} students, {r['choices']:,} choices, "
            f"{r['assigned']:,} assigned, {r['placements']:,} placements; problem "
            f"{r['problem_kb']:,.0f} kB, result {r['result_kb']:,.0f} kB (compressed)"
        )
    names: list[str] = []
    for r in results:
        names += [name for name in r["laps"] if name not in names]
    header = f"{'wall s (worker CPU s)':<34}" + "".join(f"{r['size']:>14}" for r in results)
    print("\n" + header)

    def line(label: str, values: list[str]) -> None:
        print(f"{label:<34}" + "".join(f"{v:>14}" for v in values))

    line("start to stored (s)", [f"{r['wall_s']:.2f}" for r in results])
    line("started_at → finished_at (s)", [f"{r['stored_s']:.2f}" for r in results])
    for name in names:
        line(
            f"  {name}",
            [f"{r['laps'].get(name, 0.0):.2f} ({r['cpu'].get(name, 0.0):.1f})" for r in results],
        )
    line("worker CPU, whole process (s)", [f"{r['worker_cpu_s']:.1f}" for r in results])
    line("worker peak RSS (MB)", [f"{r['peak_mb']:.0f}" for r in results])
    line("  of which before the run (MB)", [f"{r['rss_before_mb']:.0f}" for r in results])
    line("task modules imported first (s)", [f"{r['warm_up_s']:.2f}" for r in results])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", type=int, default=100000)
    parser.add_argument("--mode", default="optimal", choices=["optimal", "stable"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo comparison")
    parser.add_argument("--existing", default=None, help="run on this built region database")
    parser.add_argument("--existing-demo", default=None, help="run on this built demo database")
    parser.add_argument("--profile", default=None, help="cProfile the region run into this file")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--database", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--size", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "build":
        _child_build(args.database, args.size)
        return 0
    if args.child == "run":
        result = _child_run(args.database, args.mode, args.seed, args.profile)
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
        return 0
    results = [
        _measure(str(args.students), args.existing, args.keep, args.mode, args.seed, args.profile)
    ]
    if not args.no_demo:
        results.append(_measure("demo", args.existing_demo, args.keep, args.mode, args.seed, None))
    _report(results)
    if args.profile:
        import pstats

        print(f"\nprofile of the {args.students:,} run: {args.profile}")
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
