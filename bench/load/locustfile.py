"""The choice deadline at region size, as locust users (run by `python -m bench.load.run`).

Students in the round that is choosing open their round page, browse the challenges (a random
page of the paged list, then one challenge's page), move a choice up or down (the page's ↑/↓
buttons: the server reorders and shows the page again, nothing is saved) and save a new ranking
through the round page's own form (`form=choices`, one `position-<offer id>` field per challenge,
CSRF token from the page), exactly as a browser without JavaScript posts it. Coordinators of the
consortium's schools watch the round page and the round list.

Who signs in is prepared by the runner (bench/load/run.py): a JSON file, named by the
KOPPEL_LOAD_PEOPLE environment variable, with session keys of sampled students and coordinators
and the URLs to ask. Each simulated user takes the next person of its kind, so two users never
share a student (unless there are more users than people).

Request names (the rows of the report): "student round page", "student challenges (page)",
"student challenge detail", "student move choice (↑/↓)", "student save choices",
"coordinator round page", "coordinator round list".
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

from locust import HttpUser, between, task

from bench.load.pages import RoundPage, choices_form, detail_ids, page_count, parse_round_page

SAVE_CHOICES = "student save choices"


def _load() -> dict[str, Any]:
    path = os.environ.get("KOPPEL_LOAD_PEOPLE", "")
    if not path:
        raise RuntimeError("KOPPEL_LOAD_PEOPLE is not set: run `python -m bench.load.run`")
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


PEOPLE = _load()
_next_student = itertools.cycle(PEOPLE["students"])
_next_coordinator = itertools.cycle(PEOPLE["coordinators"])


class _SignedIn(HttpUser):
    abstract = True
    person: dict[str, Any]

    def sign_in(self, person: dict[str, Any]) -> None:
        self.person = person
        self.client.cookies.set(PEOPLE["session_cookie"], person["session"])


class Student(_SignedIn):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.sign_in(next(_next_student))
        self.pages = 1
        self.seen: list[int] = []

    def _round_page(self) -> RoundPage | None:
        with self.client.get(
            self.person["round"], name="student round page", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return None
            page = parse_round_page(response.text)
            if not page.token or not page.ranked:
                response.failure("no choice form or no ranked choices on the page")
                return None
            return page

    @task(3)
    def open_round(self) -> None:
        self._round_page()

    @task(3)
    def browse(self) -> None:
        page = random.randint(1, self.pages)
        with self.client.get(
            PEOPLE["urls"]["challenges"],
            params={"pagina": page} if page > 1 else None,
            name="student challenges (page)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return
            self.pages = page_count(response.text) or self.pages
            self.seen = detail_ids(response.text, PEOPLE["urls"]["detail_prefix"]) or self.seen

    @task(2)
    def detail(self) -> None:
        if not self.seen:
            self.browse()
        if not self.seen:
            return
        pk = random.choice(self.seen)
        with self.client.get(
            f"{PEOPLE['urls']['detail_prefix']}{pk}/",
            name="student challenge detail",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(1)
    def move(self) -> None:
        page = self._round_page()
        if page is None:
            return
        pk = random.choice(page.ranked[1:] or page.ranked)
        with self.client.post(
            self.person["round"],
            data=choices_form(page, page.ranked, move=f"up:{pk}"),
            name="student move choice (↑/↓)",
            headers={"Referer": self.host + self.person["round"]},
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(2)
    def save(self) -> None:
        """A new ranking: the current choices shuffled, sometimes one swapped for a challenge
        shown on the round page (those are open to this student)."""
        page = self._round_page()
        if page is None:
            return
        order = list(page.ranked)
        random.shuffle(order)
        if page.others and random.random() < 0.5:
            order[-1] = random.choice(page.others)
        with self.client.post(
            self.person["round"],
            data=choices_form(page, order),
            name=SAVE_CHOICES,
            headers={"Referer": self.host + self.person["round"]},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Saved: a redirect to the round page. Refused: the page again (200) with errors.
            if response.status_code != 302:
                response.failure(f"not saved (status {response.status_code})")
                return
        self.client.get(self.person["round"], name="student round page")


class Coordinator(_SignedIn):
    wait_time = between(2, 5)
    fixed_count = 2

    def on_start(self) -> None:
        self.sign_in(next(_next_coordinator))

    @task(4)
    def watch_round(self) -> None:
        with self.client.get(
            self.person["round"], name="coordinator round page", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(1)
    def round_list(self) -> None:
        with self.client.get(
            PEOPLE["urls"]["round_list"], name="coordinator round list", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
