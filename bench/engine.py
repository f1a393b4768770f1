"""Benchmark of the allocation engine: `python -m bench.engine [--sizes 500,2000] [--teams N]`.

The flow path: for each size (students; one challenge per 10 students) it generates a seeded
instance without minimum team sizes (bench/engine_gen.py, `minimums=False`: no team feature, so
the engine takes its min-cost-flow path) and measures, each as a whole separate process (wall
and CPU time and peak RSS from os.wait4): `python -m matching solve` in optimal and stable mode
and the bare min-cost-flow solve of the same instance (bench/engine_bare_mcf.py, both
formulations), in turn, one warm-up round and `--repeat` counted rounds: medians, and the
median of the per-round engine/bare ratios (target at the largest size: <= 1.3). Then the PyPI
package `matching` (daffidwilde) StudentAllocation once, in its own venv .venv-bench-matching
(created when missing) with a timeout.

The team path (bench/engine_teams.py): 10,000-student team rounds in format /2 solved by the
exact search; time, gap, groups kept together and the check verdict.

Prints the tables and writes bench/results/engine.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.engine_gen import generate
from bench.engine_teams import bench_teams, print_teams

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = ROOT / ".venv-bench-matching"
RESULTS = ROOT / "bench" / "results" / "engine.json"


def run(cmd: list[str], cwd: Path, timeout: float) -> dict[str, Any]:
    """Run `cmd` as a fresh process: wall seconds, peak RSS (MB), exit status, stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.send_signal(signal.SIGKILL)
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                return {
                    "seconds": None,
                    "cpu_seconds": None,
                    "peak_mb": None,
                    "status": "timeout",
                    "stdout": "",
                }
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "seconds": round(wall, 3),
            # CPU time (user + system) is far less disturbed by other load on a shared machine.
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "status": "ok" if code == 0 else f"exit {code}: {err.read().decode()[-300:]}",
            "stdout": out.read().decode(),
        }


def ensure_bench_venv() -> Path | None:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {BENCH_VENV} with the PyPI package 'matching' ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    check = subprocess.run(
        [str(python), "-c", "import matching.games"], cwd="/", capture_output=True
    )
    if check.returncode != 0:
        install = subprocess.run([str(python), "-m", "pip", "install", "-q", "matching"])
        if install.returncode != 0:
            return None
    return python


def package_instance(problem: dict[str, Any]) -> dict[str, Any]:
    """The same instance for StudentAllocation: eligible choices only, locks pre-assigned,
    host preferences = our host order (ranking, then the seeded lottery)."""
    from matching.instance import UNLIMITED, build_instance
    from matching.serialize import problem_from_dict
    from matching.stable import host_keys

    inst = build_instance(problem_from_dict(problem))
    cmax, hcap = inst.residual_capacities()
    open_c = [cmax[c] > 0 and hcap[inst.challenge_host[c]] != 0 for c in range(len(cmax))]
    student_prefs: dict[str, list[str]] = {}
    applicants: list[set[int]] = [set() for _ in inst.host_ids]
    for s, sid in enumerate(inst.student_ids):
        if s in inst.locked:
            continue
        prefs = [
            c for c, r in zip(inst.prefs[s], inst.rules[s], strict=True) if r is None and open_c[c]
        ]
        if prefs:
            student_prefs[sid] = [inst.challenge_ids[c] for c in prefs]
            for c in prefs:
                applicants[inst.challenge_host[c]].add(s)
    positions, lengths, lottery = host_keys(inst, problem["options"]["seed"])
    used = {inst.challenge_host[c] for c in range(len(cmax)) if open_c[c]}
    supervisor_prefs = {}
    supervisor_caps = {}
    for h in sorted(used):

        def key(s: int, h: int = h) -> int:
            position = positions[h].get(s)
            return position if position is not None else lengths[h] + lottery[s]

        supervisor_prefs[inst.host_ids[h]] = [
            inst.student_ids[s] for s in sorted(applicants[h], key=key)
        ]
        total = sum(cmax[c] for c in range(len(cmax)) if open_c[c] and inst.challenge_host[c] == h)
        supervisor_caps[inst.host_ids[h]] = total if hcap[h] == UNLIMITED else min(hcap[h], total)
    return {
        "student_prefs": student_prefs,
        "supervisor_prefs": supervisor_prefs,
        "project_supervisors": {
            inst.challenge_ids[c]: inst.host_ids[inst.challenge_host[c]]
            for c in range(len(cmax))
            if open_c[c]
        },
        "project_capacities": {
            inst.challenge_ids[c]: cmax[c] for c in range(len(cmax)) if open_c[c]
        },
        "supervisor_capacities": supervisor_caps,
    }


def summarise(problem: dict[str, Any], path: Path) -> dict[str, Any]:
    from matching.check import count_blocking_pairs
    from matching.serialize import problem_from_dict, result_from_dict

    with open(path, encoding="utf-8") as f:
        result = result_from_dict(json.load(f))
    m = result.metrics
    return {
        "assigned_pct": round(100 * m.assigned / m.students, 2),
        "first_pct": round(100 * m.share_first_choice, 2),
        "total_rank": m.total_rank,
        "penalised_rank_cost": m.penalised_rank_cost,
        "bound_gap": result.bound_gap,
        "closed": len(result.closed),
        "blocking_pairs": count_blocking_pairs(problem_from_dict(problem), result),
    }


ENGINE = ("optimal", "stable")
BARE = ("bare_mcf", "bare_maxflow_mcf")
RATIO_TARGET = 1.3  # the engine's flow path vs the bare solve at 50,000 students (issue 16)


def paired(commands: dict[str, list[str]], repeat: int, warmup: int = 1) -> dict[str, Any]:
    """Run the commands in turn, round after round (A B C D, A B C D, ...), so that each round
    sees the same machine; the first `warmup` rounds are not counted. Per command: the median
    wall and CPU seconds and peak MB; per engine/bare pair: the median of the per-round ratios."""
    rounds: list[dict[str, dict[str, Any]]] = []
    for i in range(warmup + repeat):
        measured = {name: run(cmd, ROOT, 600) for name, cmd in commands.items()}
        if i >= warmup:
            rounds.append(measured)
    return summarise_rounds(rounds)


def summarise_rounds(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Medians of each command over the rounds and, for engine a / bare b, the median over the
    rounds of a's time / b's time in the same round (a pairwise ratio: machine drift cancels)."""
    out: dict[str, Any] = {}
    for name in rounds[0]:
        runs = [r[name] for r in rounds]
        failed = next((r["status"] for r in runs if r["status"] != "ok"), None)
        out[name] = {"status": failed or "ok", "runs": len(runs)}
        if failed is None:
            for key in ("seconds", "cpu_seconds", "peak_mb"):
                out[name][key] = round(statistics.median(r[key] for r in runs), 3)
    ratios: dict[str, float | None] = {}
    for a in (n for n in ENGINE if n in out):
        for b in (n for n in BARE if n in out):
            for key, short in (("seconds", "wall"), ("cpu_seconds", "cpu")):
                ok = out[a]["status"] == out[b]["status"] == "ok"
                pairs = [r[a][key] / r[b][key] for r in rounds] if ok else []
                ratios[f"{a}/{b}/{short}"] = round(statistics.median(pairs), 3) if pairs else None
    out["ratios"] = ratios
    return out


def bench_size(
    n: int,
    seed: int,
    tmp: Path,
    package_python: Path | None,
    timeout: float,
    predicted: float | None,
    repeat: int = 5,
) -> dict[str, Any]:
    """One size on the flow path: the instance without minimums (no team feature), the engine
    in both modes and both bare solves, paired (see `paired`), then the PyPI package once."""
    problem = generate(n, seed, minimums=False)
    path = tmp / f"problem_{n}.json"
    path.write_text(json.dumps(problem))
    row: dict[str, Any] = {"students": n, "challenges": len(problem["challenges"])}
    engine = [sys.executable, "-m", "matching", "solve", str(path), "--mode"]
    bare = [sys.executable, "-m", "bench.engine_bare_mcf", str(path)]
    commands = {  # one round: A B C D
        "optimal": [*engine, "optimal", "-o", str(tmp / f"result_{n}_optimal.json")],
        "bare_mcf": bare,
        "stable": [*engine, "stable", "-o", str(tmp / f"result_{n}_stable.json")],
        "bare_maxflow_mcf": [*bare, "--max-flow"],
    }
    row.update(paired(commands, repeat))
    for mode in ENGINE:
        if row[mode]["status"] == "ok":
            row[mode].update(summarise(problem, tmp / f"result_{n}_{mode}.json"))
    row["package"] = {"status": "skipped"}
    if package_python is not None and predicted is not None and predicted > timeout:
        row["package"] = {"status": f"skipped (~{predicted:.0f} s predicted)"}
    elif package_python is not None:
        data = tmp / f"package_{n}.json"
        data.write_text(json.dumps(package_instance(problem)))
        script = tmp / "engine_daffidwilde.py"
        shutil.copy(ROOT / "bench" / "engine_daffidwilde.py", script)
        info = run([str(package_python), str(script), str(data)], tmp, timeout)
        if info["status"] == "ok":
            info.update(json.loads(info["stdout"]))
        info.pop("stdout")
        row["package"] = info
    return row


def _fmt(value: object, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}"


def _times(r: dict[str, Any], key: str) -> str:
    return _fmt(r.get(key), ".2f")


def print_table(rows: list[dict[str, Any]]) -> None:
    """Two tables: solution quality, then time and memory (wall and CPU) with the ratios."""
    head = (
        f"{'students':>8} {'mode':<8} {'assigned%':>9} {'1st%':>6} {'total rank':>10} "
        f"{'penalised':>10} {'vs optimal':>10} {'bound gap':>9} {'closed':>6} {'blocking':>8}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        best = row["optimal"].get("penalised_rank_cost")
        for mode in ("optimal", "stable"):
            r = row[mode]
            cost = r.get("penalised_rank_cost")
            gap = None if cost is None or best is None else f"{cost - best:+d}"
            print(
                f"{row['students']:>8} {mode:<8} {_fmt(r.get('assigned_pct'), '.1f'):>9} "
                f"{_fmt(r.get('first_pct'), '.1f'):>6} {_fmt(r.get('total_rank')):>10} "
                f"{_fmt(cost):>10} {_fmt(gap):>10} {_fmt(r.get('bound_gap')):>9} "
                f"{_fmt(r.get('closed')):>6} {_fmt(r.get('blocking_pairs')):>8}"
            )
    print()
    head = (
        f"{'students':>8} {'process':<16} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} "
        f"{'wall/bare':>9} {'cpu/bare':>8} {'wall/bare-mf':>12} {'cpu/bare-mf':>11} "
        f"{'pkg/this wall':>13} {'pkg/this cpu':>12}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        ratios, pkg = row["ratios"], row["package"]
        for name, key in (
            ("engine optimal", "optimal"),
            ("engine stable", "stable"),
            ("bare mcf", "bare_mcf"),
            ("bare max-flow", "bare_maxflow_mcf"),
            ("pypi matching", "package"),
        ):
            r = row[key]
            if r.get("status") != "ok":
                print(f"{row['students']:>8} {name:<16} {r.get('status')}")
                continue
            engine = key in ENGINE
            pair = [_pair(ratios, engine, key, b, c) for b in BARE for c in ("wall", "cpu")]
            print(
                f"{row['students']:>8} {name:<16} {_times(r, 'seconds'):>7} "
                f"{_times(r, 'cpu_seconds'):>7} {_fmt(r.get('peak_mb'), '.0f'):>8} "
                f"{pair[0]:>9} {pair[1]:>8} {pair[2]:>12} {pair[3]:>11} "
                f"{_ratio(pkg.get('seconds'), r['seconds']) if engine else '':>13} "
                f"{_ratio(pkg.get('cpu_seconds'), r['cpu_seconds']) if engine else '':>12}"
            )
    print(
        "times: medians of whole processes; x/bare: the median of the per-round ratios "
        "(the engine and the bare solve run in turn, round after round)"
    )


def _pair(ratios: dict[str, float | None], engine: bool, a: str, b: str, clock: str) -> str:
    return _fmt(ratios.get(f"{a}/{b}/{clock}"), ".2f") if engine else ""


def headline(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The largest size's engine (optimal) / bare min-cost-flow ratio against the target."""
    if not rows:
        return None
    row = max(rows, key=lambda r: r["students"])
    ratio = row["ratios"].get("optimal/bare_mcf/wall")
    return {
        "students": row["students"],
        "challenges": row["challenges"],
        "ratio_wall": ratio,
        "ratio_cpu": row["ratios"].get("optimal/bare_mcf/cpu"),
        "ratio_wall_maxflow": row["ratios"].get("optimal/bare_maxflow_mcf/wall"),
        "target": RATIO_TARGET,
        "met": ratio is not None and ratio <= RATIO_TARGET,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--sizes", default="500,2000,10000,50000", help="flow path; '' = none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--package-timeout", type=float, default=240.0)
    parser.add_argument("--no-package", action="store_true", help="skip the PyPI package")
    parser.add_argument(
        "--repeat", type=int, default=5, help="counted rounds of the paired flow-path runs"
    )
    parser.add_argument("--teams", type=int, default=10_000, help="team round size; 0 = none")
    parser.add_argument("--time-limit", type=float, default=30.0, help="options.time_limit")
    parser.add_argument("-o", "--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    package_python = None if args.no_package or not sizes else ensure_bench_venv()
    rows: list[dict[str, Any]] = []
    team_rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="koppel-bench-") as tmp:
        predicted = None
        for n in sizes:
            print(f"benchmarking {n} students (flow path: no team feature) ...", flush=True)
            row = bench_size(
                n,
                args.seed,
                Path(tmp),
                package_python,
                args.package_timeout,
                predicted,
                args.repeat,
            )
            rows.append(row)
            package = row["package"]
            if package["status"] == "timeout":
                package_python = None  # larger sizes will not finish either
            elif package.get("seconds"):
                # The package scales roughly quadratically here; skip sizes it cannot finish.
                predicted = (
                    None
                    if n == sizes[-1]
                    else package["seconds"] * (next(m for m in sizes if m > n) / n) ** 2
                )
        if args.teams:
            team_rows = bench_teams(Path(tmp), args.teams, args.seed, args.time_limit)
    if rows:
        print()
        print_table(rows)
    summary = headline(rows)
    if summary is not None:
        print(
            f"\nflow path at {summary['students']:,} students: engine / bare min-cost flow = "
            f"{_fmt(summary['ratio_wall'], '.2f')} wall, {_fmt(summary['ratio_cpu'], '.2f')} cpu "
            f"(paired medians; target <= {RATIO_TARGET}: "
            f"{'met' if summary['met'] else 'MISSED'}); "
            f"vs the max-flow bare solve {_fmt(summary['ratio_wall_maxflow'], '.2f')}"
        )
    if team_rows:
        print()
        print_teams(team_rows)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {"seed": args.seed, "rows": rows, "flow_vs_bare": summary, "teams": team_rows}
    output.write_text(json.dumps(document, indent=2))
    print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
