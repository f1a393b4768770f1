"""Runs the PyPI package `matching` (daffidwilde) StudentAllocation on a prepared instance.

Executed by bench.engine with the separate venv .venv-bench-matching, from a temporary
directory (our own `matching/` must not be importable). Prints one JSON line.

    python engine_daffidwilde.py INSTANCE.json
"""

import json
import sys
import threading
import time
import warnings

from matching.games import StudentAllocation


def main(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    game = StudentAllocation.create_from_dictionaries(
        data["student_prefs"],
        data["supervisor_prefs"],
        data["project_supervisors"],
        data["project_capacities"],
        data["supervisor_capacities"],
    )
    built = time.perf_counter()
    matching = game.solve(optimal="student")
    solved = time.perf_counter()
    assigned = sum(len(students) for students in matching.values())
    print(
        json.dumps(
            {"assigned": assigned, "build_seconds": built - start, "solve_seconds": solved - built}
        )
    )


if __name__ == "__main__":
    # The package deep-copies its linked player objects recursively: give it room to.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    worker = threading.Thread(target=main, args=(sys.argv[1],))
    worker.start()
    worker.join()
