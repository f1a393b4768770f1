"""Benchmark of the allocation engine: `python -m bench.engine [--sizes 500,2000]`.

For each size (students; one challenge per 10 students) it generates a seeded instance
(bench/engine_gen.py) and measures, each as a whole separate process (wall time and peak RSS
from os.wait4): `python -m matching solve` in optimal and stable mode, the bare min-cost-flow
solve of the same instance (bench/engine_bare_mcf.py, both formulations), and the PyPI package
`matching` (daffidwilde) StudentAllocation in its own venv .venv-bench-matching (created when
missing) with a timeout. Prints a table and writes bench/results/engine.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.engine_gen import generate

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


def best_of(cmd: list[str], repeat: int) -> dict[str, Any]:
    """Run `cmd` `repeat` times; keep the least wall, CPU and memory (noise only adds)."""
    runs = [run(cmd, ROOT, 600) for _ in range(repeat)]
    best = dict(runs[0])
    if all(r["status"] == "ok" for r in runs):
        for key in ("seconds", "cpu_seconds", "peak_mb"):
            best[key] = min(r[key] for r in runs)
    best["runs"] = len(runs)
    best.pop("stdout")
    return best


def bench_size(
    n: int,
    seed: int,
    tmp: Path,
    package_python: Path | None,
    timeout: float,
    predicted: float | None,
    repeat: int = 3,
) -> dict[str, Any]:
    problem = generate(n, seed)
    path = tmp / f"problem_{n}.json"
    path.write_text(json.dumps(problem))
    row: dict[str, Any] = {"students": n, "challenges": len(problem["challenges"])}
    for mode in ("optimal", "stable"):
        out = tmp / f"result_{n}_{mode}.json"
        cmd = [sys.executable, "-m", "matching", "solve", str(path), "--mode", mode, "-o", str(out)]
        run_info = best_of(cmd, repeat)
        if run_info["status"] == "ok":
            run_info.update(summarise(problem, out))
        row[mode] = run_info
    for name, extra in (("bare_mcf", []), ("bare_maxflow_mcf", ["--max-flow"])):
        bare = [sys.executable, "-m", "bench.engine_bare_mcf", str(path), *extra]
        row[name] = best_of(bare, repeat)
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
        bare, bare_mf, pkg = row["bare_mcf"], row["bare_maxflow_mcf"], row["package"]
        for name, r in (
            ("engine optimal", row["optimal"]),
            ("engine stable", row["stable"]),
            ("bare mcf", bare),
            ("bare max-flow", bare_mf),
            ("pypi matching", pkg),
        ):
            if r.get("status") != "ok":
                print(f"{row['students']:>8} {name:<16} {r.get('status')}")
                continue
            engine = name.startswith("engine")
            print(
                f"{row['students']:>8} {name:<16} {_times(r, 'seconds'):>7} "
                f"{_times(r, 'cpu_seconds'):>7} {_fmt(r.get('peak_mb'), '.0f'):>8} "
                f"{_ratio(r['seconds'], bare['seconds']) if engine else '':>9} "
                f"{_ratio(r['cpu_seconds'], bare['cpu_seconds']) if engine else '':>8} "
                f"{_ratio(r['seconds'], bare_mf['seconds']) if engine else '':>12} "
                f"{_ratio(r['cpu_seconds'], bare_mf['cpu_seconds']) if engine else '':>11} "
                f"{_ratio(pkg.get('seconds'), r['seconds']) if engine else '':>13} "
                f"{_ratio(pkg.get('cpu_seconds'), r['cpu_seconds']) if engine else '':>12}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--sizes", default="500,2000,10000,50000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--package-timeout", type=float, default=240.0)
    parser.add_argument("--no-package", action="store_true", help="skip the PyPI package")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per engine/bare measurement (best kept)"
    )
    parser.add_argument("-o", "--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    package_python = None if args.no_package else ensure_bench_venv()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="koppel-bench-") as tmp:
        predicted = None
        for n in sorted(sizes):
            print(f"benchmarking {n} students ...", flush=True)
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
                    if n == max(sizes)
                    else package["seconds"] * (next(m for m in sorted(sizes) if m > n) / n) ** 2
                )
    print()
    print_table(rows)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"seed": args.seed, "rows": rows}, indent=2))
    print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
