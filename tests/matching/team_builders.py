"""Small format /2 problems for the check and explanation tests: two challenges at two hosts."""

from __future__ import annotations

import dataclasses
from typing import Any

from matching import Challenge, Host, Problem, Student


def student(sid: str, school: str = "vista", **fields: Any) -> Student:
    """A niveau-2 student of programme 25604 who lists c1, then c2 (unless told otherwise)."""
    fields.setdefault("preferences", ("c1", "c2"))
    return Student(sid, fields.pop("level", 2), "25604", school, **fields)


def two_challenges(*students: Student, c1_max: int, **changes: Any) -> Problem:
    """c1 at host jansen (c1_max seats) and c2 at host pixel (4 seats)."""
    base = Problem(
        students=students,
        challenges=(Challenge("c1", "jansen", max=c1_max), Challenge("c2", "pixel", max=4)),
        hosts=(Host("jansen"), Host("pixel")),
    )
    return dataclasses.replace(base, **changes)
