"""What the builders share while a scenario is being built."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from backend.accounts.models import User
from backend.curriculum.models import Kwalificatie, Werkproces
from backend.demo.data import JsonObject
from backend.organisations.models import Consortium, Location, Organisation


@dataclass
class Demo:
    """Across scenarios: the clock, the one random stream, the password hash, used addresses."""

    now: dt.datetime
    rng: random.Random
    password_hash: str
    kwalificaties: dict[str, Kwalificatie]  # crebo -> Kwalificatie
    werkprocessen: dict[int, list[Werkproces]]  # kwalificatie id -> its werkprocessen
    emails: set[str] = field(default_factory=set)
    kvks: set[str] = field(default_factory=set)

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass
class Scenario:
    data: JsonObject
    consortium: Consortium | None = None
    schools: dict[str, Organisation] = field(default_factory=dict)  # key -> school/hogeschool
    organisations: dict[str, Organisation] = field(default_factory=dict)  # key -> other orgs
    companies: dict[str, Organisation] = field(default_factory=dict)  # name -> company
    locations: dict[int, Location] = field(default_factory=dict)  # organisation id -> main location
    contacts: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    staff: dict[tuple[str, str], list[User]] = field(default_factory=lambda: defaultdict(list))
    students: dict[str, list[User]] = field(default_factory=lambda: defaultdict(list))
    named: dict[str, User] = field(default_factory=dict)  # e-mail -> memorable login

    @property
    def key(self) -> str:
        return str(self.data["key"])

    @property
    def domain(self) -> str:
        return str(self.data["domain"])

    def organisation(self, key_or_name: str) -> Organisation:
        for pool in (self.schools, self.organisations, self.companies):
            if key_or_name in pool:
                return pool[key_or_name]
        raise KeyError(f"{self.key}: no organisation {key_or_name!r} in the scenario file")

    def first_school(self) -> Organisation:
        return next(s for s in self.schools.values() if s.kind == "school")
