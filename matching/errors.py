"""The engine's single error type."""

from __future__ import annotations


class ProblemError(ValueError):
    """An invalid problem (or result file): `record` names the offending record precisely.

    `record` looks like ``"students[3] (id 's4')"``; `message` says what is wrong with it.
    """

    def __init__(self, record: str, message: str) -> None:
        super().__init__(f"{record}: {message}")
        self.record = record
        self.message = message
