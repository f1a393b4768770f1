"""What the load scenario reads from Koppel's pages and posts back, as a browser would: kept apart
from the locustfile so that a test checks it against the real round page (tests/bench)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_POSITION = re.compile(r'<input[^>]*\bname="position-(\d+)"[^>]*>')
_VALUE = re.compile(r'\bvalue="(\d+)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TEAMMATE = re.compile(r'<input type="hidden" name="teammates" value="(\d+)"')
_PAGES = re.compile(r"Pagina \d+ van (\d+)")


@dataclass
class RoundPage:
    """The student's round page as its choice form shows it."""

    token: str  # the CSRF token of the form
    ranked: list[int]  # offer ids, best first (position fields with a value)
    others: list[int] = field(default_factory=list)  # offered on the page, not chosen
    teammates: list[int] = field(default_factory=list)


def parse_round_page(html: str) -> RoundPage:
    token = _CSRF.search(html)
    ranked: list[tuple[int, int]] = []
    others: list[int] = []
    for match in _POSITION.finditer(html):
        offer_id = int(match.group(1))
        value = _VALUE.search(match.group(0))
        if value:
            ranked.append((int(value.group(1)), offer_id))
        else:
            others.append(offer_id)
    return RoundPage(
        token=token.group(1) if token else "",
        ranked=[pk for _position, pk in sorted(ranked)],
        others=others,
        teammates=[int(pk) for pk in _TEAMMATE.findall(html)],
    )


def choices_form(page: RoundPage, order: list[int], **extra: str) -> dict[str, Any]:
    """The choice form as posted: a position per chosen challenge, the teammates kept;
    `move="up:<id>"` makes it the ↑ button instead of "Keuzes opslaan"."""
    data: dict[str, Any] = {"csrfmiddlewaretoken": page.token, "form": "choices", **extra}
    data.update({f"position-{pk}": str(i) for i, pk in enumerate(order, 1)})
    data["teammates"] = [str(pk) for pk in page.teammates]
    return data


def page_count(html: str) -> int | None:
    """The number of pages of the challenge list ("Pagina 1 van 500"), if it is paged."""
    found = _PAGES.search(html)
    return int(found.group(1)) if found else None


def detail_ids(html: str, detail_prefix: str) -> list[int]:
    """The challenges linked from a page (their detail pages start with `detail_prefix`)."""
    return [int(pk) for pk in re.findall(re.escape(detail_prefix) + r"(\d+)/", html)]
