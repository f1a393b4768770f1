"""`python -m bench.load.run`: the choice deadline at region size, under load (`make bench-load`).

1. A database of its own, koppel_bench_load (dropped and created again, then bench/region.py at
   --students, 100,000 by default; dropped at the end unless --keep), or --existing NAME to reuse
   one built earlier with --keep. The run writes into it (sessions, saved choices), so the shared
   read-only databases (koppel_region, koppel_demo_bench) are refused.
2. Sign-ins: --sample students of the choosing round (spread over the schools) and the
   coordinators of the consortium's schools get a session, written straight into Django's session
   table as `django.contrib.auth.login` would write it. Nobody signs in through the login form:
   the region's users have no usable password, and a password hash per simulated user would
   measure PBKDF2 on two shared cores rather than the pages.
3. collectstatic (whitenoise's compressed manifest storage) and gunicorn (--workers, 3 by default)
   on 127.0.0.1 with production settings: DEBUG off, a random SECRET_KEY with REQUIRE_SECRET_KEY,
   DB_CONN_MAX_AGE=60, Celery tasks in process (no broker; a save enqueues nothing heavy).
4. every worker is asked a few times first (a worker's first requests import the views), then
   locust runs headless (bench/load/locustfile.py): --users (20) at --spawn-rate (5/s) for
   --run-time (75s). Printed per request type: count, failures, median and 95th percentile as
   the users saw them (waiting for a free worker included) and inside the workers (gunicorn's
   access log), the workers' peak memory, the machine's load average, and the check of issue 17:
   saving choices has a p95 under 1 s and no request failed. Exit code 1 when not.

Results (locust's CSV files and log, gunicorn's access and error logs) go to bench/results/load/.
Needs locust: `pip install -e ".[load]"` (`make bench-load` does that on first use).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.web import _admin, _database_url

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "bench" / "results" / "load"
DATABASE = "koppel_bench_load"
# Shared databases that other work only reads: a load run writes, so never into these.
PROTECTED = {"koppel_region", "koppel_demo_bench", "postgres", "template0", "template1"}
SAVE_CHOICES = "student save choices"  # the request name in locustfile.py
P95_LIMIT_MS = 1000.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _build(url: str, students: int) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    command = [sys.executable, "-m", "bench.region", "--students", str(students)]
    subprocess.run([*command, "--database-url", url], check=True, cwd=ROOT)


def _prepare(url: str, sample: int, secret_key: str, out: Path) -> dict[str, Any]:
    """Sessions for sampled students and the coordinators, and the URLs to ask (in a separate
    process: Django is set up with the run's SECRET_KEY, which signs the sessions)."""
    env = {**os.environ, "SECRET_KEY": secret_key}
    command = [sys.executable, "-m", "bench.load.run", "--prepare-only", str(out)]
    command += ["--database-url", url, "--sample", str(sample)]
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    with out.open(encoding="utf-8") as handle:
        people: dict[str, Any] = json.load(handle)
    return people


def session_for(user: Any) -> str:
    """A signed-in session of `user`, stored as `django.contrib.auth.login` stores one (with the
    second factor marked done, as after a federation login, where a role needs one); its key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    try:
        from backend.core import second_factor

        store[second_factor.SESSION_KEY] = "sso"
    except ImportError:
        pass
    store.create()
    return str(store.session_key)


def _sessions(url: str, sample: int, out: Path) -> None:
    from bench.region import _setup

    _setup(url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.urls import reverse

    from backend.accounts.models import Membership, Role
    from backend.allocations.models import AllocationRound, ChoiceList

    choosing = (
        AllocationRound.objects.filter(phase="choosing")
        .annotate(n=Count("choice_lists"))
        .order_by("-n", "pk")
        .first()
    )
    if choosing is None:
        raise SystemExit("no round in phase 'choosing' in this database")
    everyone = list(
        ChoiceList.objects.filter(round=choosing, choices__isnull=False)
        .distinct()
        .order_by("student_id")
        .values_list("student_id", flat=True)
    )
    student_ids = random.Random(17).sample(everyone, min(sample, len(everyone)))
    schools = set(
        Membership.objects.filter(
            role=Role.STUDENT, user_id__in=student_ids, ended_at__isnull=True
        ).values_list("organisation_id", flat=True)
    )
    coordinator_ids = list(
        Membership.objects.filter(
            role=Role.COORDINATOR, organisation_id__in=schools, ended_at__isnull=True
        )
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    users = get_user_model().objects.in_bulk([*student_ids, *coordinator_ids])

    def session(user_id: int) -> str:
        return session_for(users[user_id])

    detail = reverse("frontend:student-challenge-detail", args=[1])
    people = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "round_id": choosing.pk,
        "urls": {
            "challenges": reverse("frontend:student-challenges"),
            "detail_prefix": detail[: detail.rindex("1/")],
            "round_list": reverse("frontend:round-list"),
            "round_student": reverse("frontend:round-student", args=[choosing.pk]),
            "round_detail": reverse("frontend:round-detail", args=[choosing.pk]),
        },
        "students": [
            {
                "id": pk,
                "session": session(pk),
                "round": reverse("frontend:round-student", args=[choosing.pk]),
            }
            for pk in student_ids
        ],
        "coordinators": [
            {
                "id": pk,
                "session": session(pk),
                "round": reverse("frontend:round-detail", args=[choosing.pk]),
            }
            for pk in coordinator_ids
        ],
    }
    out.write_text(json.dumps(people, indent=1), encoding="utf-8")


def _server_env(url: str, secret_key: str) -> dict[str, str]:
    env = {**os.environ}
    for name in ("DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER", "CACHE_URL"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=secret_key,
        REQUIRE_SECRET_KEY="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB_CONN_MAX_AGE="60",
        STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
        CELERY_BROKER_URL="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return env


def _collectstatic(env: dict[str, str]) -> None:
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
    subprocess.run(command, check=True, cwd=ROOT, env=env)


def _serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "backend.config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--error-logfile", str(RESULTS / "gunicorn.log"), "--timeout", "60"]
    # Per request the time inside the worker (%(D)s µs), without the wait for a free worker.
    (RESULTS / "access.log").unlink(missing_ok=True)
    command += ["--access-logfile", str(RESULTS / "access.log")]
    command += ["--access-logformat", "%(m)s %(U)s %(s)s %(D)s"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode}): see gunicorn.log")
        if _get(f"http://127.0.0.1:{port}/login/", timeout=5):
            _warm_up(port, workers)
            return server
        time.sleep(0.5)
    _stop(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def _get(url: str, timeout: float) -> bool:
    try:
        urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError:
        return True  # it answers
    except OSError:
        return False
    return True


def _warm_up(port: int, workers: int) -> None:
    """A worker imports the views and compiles templates on its first requests (seconds on a
    busy machine): ask every worker a few times before the users come."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        urls = [f"http://127.0.0.1:{port}/login/"] * (6 * workers)
        list(pool.map(lambda url: _get(url, timeout=60), urls))


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class _Memory(threading.Thread):
    """The largest resident size of each gunicorn worker (children of the master), every 2 s."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.peak_kb: dict[int, int] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(2):
            for pid, kb in _children_rss(self.master).items():
                self.peak_kb[pid] = max(kb, self.peak_kb.get(pid, 0))


def _children_rss(master: int) -> dict[int, int]:
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:  # fields[1] is the parent pid
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                found[int(stat.parent.name)] = int(line.split()[1])
    return found


def _locust(port: int, people: Path, args: argparse.Namespace) -> int:
    command = [sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "locustfile.py")]
    command += ["--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate)]
    command += ["--run-time", args.run_time, "--host", f"http://127.0.0.1:{port}"]
    command += ["--csv", str(RESULTS / "locust"), "--only-summary", "--stop-timeout", "10"]
    command += ["--loglevel", "WARNING"]
    env = {**os.environ, "KOPPEL_LOAD_PEOPLE": str(people)}
    with (RESULTS / "locust.log").open("w", encoding="utf-8") as log:
        done = subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=log, stderr=log)
    return done.returncode


def request_name(method: str, path: str, status: int, urls: dict[str, str]) -> str:
    """The locustfile's name of a request, from gunicorn's access log."""
    if method == "POST" and path == urls["round_student"]:
        return SAVE_CHOICES if status == 302 else "student move choice (↑/↓)"
    names = {
        urls["round_student"]: "student round page",
        urls["challenges"]: "student challenges (page)",
        urls["round_detail"]: "coordinator round page",
        urls["round_list"]: "coordinator round list",
    }
    if path in names:
        return names[path]
    if path.startswith(urls["detail_prefix"]):
        return "student challenge detail"
    return "other"


def server_times(access_log: Path, urls: dict[str, str]) -> dict[str, list[float]]:
    """{request name: milliseconds inside a gunicorn worker per request}."""
    times: dict[str, list[float]] = {}
    if not access_log.exists():
        return times
    for line in access_log.read_text(encoding="utf-8").splitlines():
        try:
            method, path, status, micros = line.split()
            name = request_name(method, path, int(status), urls)
            times.setdefault(name, []).append(int(micros) / 1000)
        except ValueError:
            continue
    return times


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def report(
    stats_csv: Path, failures_csv: Path, server: dict[str, list[float]] | None = None
) -> bool:
    """Print the table; True when saving choices has p95 < 1 s and nothing failed. `server`:
    the times inside gunicorn's workers per request name, printed beside what locust saw."""
    server = server or {}
    with stats_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(
        f"\n{'request':<34} {'count':>6} {'fail':>5} {'median ms':>10} {'p95 ms':>8} {'req/s':>6}"
        f" {'server median':>14} {'server p95':>11}"
    )
    total = save = None
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        if row["Name"] == SAVE_CHOICES:
            save = row
        _line(f"{row['Type']} {row['Name']}", row, server.get(row["Name"], []))
    if total is not None:
        measured = [t for name, ts in server.items() if name != "other" for t in ts]
        _line("all requests", total, measured)
    if failures_csv.exists():
        with failures_csv.open(encoding="utf-8") as handle:
            for failure in csv.DictReader(handle):
                print(
                    f"FAILURE {failure['Method']} {failure['Name']}: {failure['Error']} "
                    f"(x{failure['Occurrences']})"
                )
    failed = int(total["Failure Count"]) if total else -1
    if save is None or not int(save["Request Count"]):
        print("\nCHECK FAILED: no choice was saved")
        return False
    p95 = float(save["95%"])
    ok = p95 < P95_LIMIT_MS and failed == 0
    verdict = "OK" if ok else "CHECK FAILED"
    print(
        f"\n{verdict}: saving choices p95 {p95:.0f} ms (limit {P95_LIMIT_MS:.0f} ms), "
        f"median {float(save['Median Response Time']):.0f} ms over {save['Request Count']} saves; "
        f"{failed} failed requests of {total['Request Count'] if total else '?'}"
    )
    return ok


def _line(label: str, row: dict[str, str], server: list[float]) -> None:
    inside = f" {statistics.median(server):>14.0f} {_p95(server):>11.0f}" if server else ""
    print(
        f"{label:<34} {int(row['Request Count']):>6} {int(row['Failure Count']):>5} "
        f"{float(row['Median Response Time']):>10.0f} {float(row['95%']):>8.0f} "
        f"{float(row['Requests/s']):>6.1f}{inside}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", type=int, default=100000)
    parser.add_argument("--existing", default=None, help="reuse this database (built earlier)")
    parser.add_argument("--keep", action="store_true", help=f"keep {DATABASE} afterwards")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", default="75s")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--sample", type=int, default=200, help="students who get a session")
    parser.add_argument("--skip-collectstatic", action="store_true")
    parser.add_argument("--prepare-only", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare_only:
        _sessions(args.database_url, args.sample, Path(args.prepare_only))
        return 0
    if importlib.util.find_spec("locust") is None:  # not imported here: it patches with gevent
        print('locust is missing: `.venv/bin/pip install -e ".[load]"` (or `make bench-load`)')
        return 2
    name = args.existing or DATABASE
    if name in PROTECTED:
        print(f"{name} is shared and read-only for benchmarks; a load run writes. Build your own.")
        return 2
    url = _database_url(name)
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"start: {_load()}", flush=True)
    started = time.perf_counter()
    if args.existing is None:
        print(f"== building {DATABASE} at {args.students:,} students", flush=True)
        _build(url, args.students)
        print(f"   built in {time.perf_counter() - started:.0f} s", flush=True)
    secret_key = secrets.token_urlsafe(50)
    people_file = RESULTS / "people.json"
    people = _prepare(url, args.sample, secret_key, people_file)
    print(
        f"== {len(people['students'])} students and {len(people['coordinators'])} coordinators "
        f"signed in (round {people['round_id']})",
        flush=True,
    )
    env = _server_env(url, secret_key)
    if not args.skip_collectstatic:
        _collectstatic(env)
    port = _free_port()
    server = _serve(env, port, args.workers)
    try:
        print(
            f"== gunicorn ({args.workers} workers) on 127.0.0.1:{port}; locust {args.users} users, "
            f"{args.spawn_rate}/s, {args.run_time}; {_load()}",
            flush=True,
        )
        memory = _Memory(server.pid)
        memory.start()
        code = _locust(port, people_file, args)
        memory.stopped.set()
        print(f"   locust exited with {code}; its output: {RESULTS / 'locust.log'}", flush=True)
        peaks = sorted(memory.peak_kb.values(), reverse=True)
        print(f"   gunicorn worker peak RSS: {', '.join(f'{kb / 1024:.0f} MB' for kb in peaks)}")
    finally:
        _stop(server)
        people_file.unlink(missing_ok=True)  # session keys: not left lying around
    print(f"end: {_load()}")
    server = server_times(RESULTS / "access.log", people["urls"])
    print(
        "\nmedian/p95: as the users saw it (waiting for a free worker included); server median/"
        "p95: inside a gunicorn worker (its access log)"
    )
    ok = report(RESULTS / "locust_stats.csv", RESULTS / "locust_failures.csv", server)
    if args.existing is None and not args.keep:
        _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
