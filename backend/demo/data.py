"""Reading the demo scenario definitions (fixtures/demo/*.json) and small deterministic helpers."""

import json
import random
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

# One scenario file, or names.json, as read: JSON objects with string keys.
JsonObject = dict[str, Any]

REPO = Path(__file__).resolve().parents[2]
DEMO_FIXTURES = REPO / "fixtures" / "demo"
CURRICULUM_FIXTURES = REPO / "fixtures" / "curriculum"
SCENARIO_FILES = ("digiwise.json", "mica.json", "glr.json")

# Letters used in Dutch postcodes (PostNL skips F, I, O, Q, U, Y and the pairs SA, SD, SS).
POSTCODE_LETTERS = "ABCDEGHJKLMNPRTVWXZ"


@cache
def scenarios() -> tuple[JsonObject, ...]:
    return tuple(
        json.loads((DEMO_FIXTURES / name).read_text(encoding="utf-8")) for name in SCENARIO_FILES
    )


@cache
def names() -> JsonObject:
    loaded: JsonObject = json.loads((DEMO_FIXTURES / "names.json").read_text(encoding="utf-8"))
    return loaded


def curriculum_files() -> list[Path]:
    return sorted(CURRICULUM_FIXTURES.glob("*.json"))


def slug(text: str) -> str:
    """'Zoë El Amrani' → 'zoe.el.amrani' (for e-mail addresses)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_text.lower()).strip(".")


def postcode(rng: random.Random, prefixes: list[str]) -> str:
    return f"{rng.choice(prefixes)} {rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
