"""The command line: solve, then check the result; exit statuses 0, 1 and 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matching.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "fixtures" / "matching" / "golden"


def _problem_file(tmp_path: Path, name: str = "contended_challenge") -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(json.loads((GOLDEN / f"{name}.json").read_text())["problem"]))
    return path


def test_solve_then_check_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problem = _problem_file(tmp_path)
    result = tmp_path / "result.json"
    assert main(["solve", str(problem), "-o", str(result)]) == 0
    data = json.loads(result.read_text())
    assert data["format"] == "koppel-allocation-result/1"
    assert {a["student"] for a in data["assignments"]} == {"sanne", "ahmed", "lotte"}
    assert main(["check", str(problem), str(result)]) == 0
    assert "violations: 0" in capsys.readouterr().out


def test_solve_writes_to_stdout_and_takes_mode_and_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = _problem_file(tmp_path, "stable_differs_from_optimal__optimal")
    assert main(["solve", str(problem), "--mode", "stable", "--seed", "5"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["mode"], data["seed"]) == ("stable", 5)
    assert [a["student"] for a in data["assignments"]] == ["ahmed"]


def test_check_reports_violations_with_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = _problem_file(tmp_path)
    result = tmp_path / "result.json"
    main(["solve", str(problem), "-o", str(result)])
    data = json.loads(result.read_text())
    data["assignments"].append({"student": "lotte", "challenge": "c1", "rank": 1, "locked": False})
    data["assignments"] = [a for a in data["assignments"] if a["challenge"] != "c2"]
    result.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["check", str(problem), str(result)]) == 1
    out = capsys.readouterr().out
    assert "challenges[0] (id 'c1'): 3 students assigned, max 2" in out


def test_invalid_input_gives_status_2_and_names_the_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = _problem_file(tmp_path)
    data = json.loads(problem.read_text())
    data["students"][2]["preferences"] = ["c1", "c7"]
    problem.write_text(json.dumps(data))
    assert main(["solve", str(problem)]) == 2
    err = capsys.readouterr().err
    assert "students[2] (id 'lotte'): preference 'c7' names a challenge that does not exist" in err


def test_unreadable_json_gives_status_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    assert main(["solve", str(path)]) == 2


def test_it_runs_as_a_module(tmp_path: Path) -> None:
    problem = _problem_file(tmp_path)
    result = tmp_path / "result.json"
    solve_run = subprocess.run(
        [sys.executable, "-m", "matching", "solve", str(problem), "-o", str(result)], cwd=ROOT
    )
    assert solve_run.returncode == 0
    check_run = subprocess.run(
        [sys.executable, "-m", "matching", "check", str(problem), str(result)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check_run.returncode == 0
    assert "violations: 0; blocking pairs:" in check_run.stdout


def test_the_same_input_gives_byte_identical_output_across_processes(tmp_path: Path) -> None:
    from bench.engine_gen import generate

    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(generate(300, seed=4)))
    outputs = []
    for hash_seed in ("1", "2"):
        for mode in ("optimal", "stable"):
            run = subprocess.run(
                [sys.executable, "-m", "matching", "solve", str(problem), "--mode", mode],
                cwd=ROOT,
                capture_output=True,
                env={"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"},
                check=True,
            )
            outputs.append(run.stdout)
    assert outputs[0] == outputs[2]
    assert outputs[1] == outputs[3]
