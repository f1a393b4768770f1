"""Engine tests are pure: no database, no Django. They run with or without pytest-django."""

import sys
from pathlib import Path

# `import matching` must find the repository package even under plain `pytest`, and the
# helper module next to this file must be importable by the test modules.
ROOT = Path(__file__).resolve().parents[2]
for path in (str(ROOT), str(Path(__file__).parent)):
    if path not in sys.path:
        sys.path.insert(0, path)
