"""The demo schools' registered domains, for signing in with the school account (docs/sso.md).

Each school of a scenario gets `<school key>.<scenario domain>` (Vista college: "vista.digiwise.demo"),
students matched by student number. `make sso-provider` starts a local OpenID Connect provider
whose users (tests/sso_provider/demo_users.json) send these domains and the demo's student numbers.
"""

import datetime as dt

from backend.accounts.models import User
from backend.demo.data import JsonObject, scenarios
from backend.organisations.models import Organisation
from backend.sso.models import StudentMatching
from backend.sso.services import domain_register


def school_domain(scenario: JsonObject, school: JsonObject) -> str:
    return f"{school['key']}.{scenario['domain']}"


def register_domains(*, actor: User, now: dt.datetime) -> None:
    for scenario in scenarios():
        for school in scenario["schools"]:
            organisation = Organisation.objects.filter(name=school["name"]).first()
            if organisation is None or not organisation.is_school:
                continue
            domain_register(
                school=organisation,
                domain=school_domain(scenario, school),
                student_matching=StudentMatching.STUDENT_NUMBER,
                actor=actor,
                now=now,
            )
