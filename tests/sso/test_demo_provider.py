"""`make sso-provider`: the demo provider's users (tests/sso_provider/demo_users.json) fit the demo
(backend/demo): their home organisations are the domains the demo registers, and the students'
codes are the student numbers of the demo's named students."""

import json
from pathlib import Path

import pytest
from django.utils import timezone

from backend.accounts.models import User
from backend.demo import sso as demo_sso
from backend.demo.data import scenarios
from backend.demo.people import SHOWCASE_COHORT
from backend.sso.claims import Kind, kind_of, student_number
from backend.sso.models import RegisteredDomain, StudentMatching
from tests.factories import SchoolFactory

DEMO_USERS = json.loads(
    (Path(__file__).parents[1] / "sso_provider" / "demo_users.json").read_text(encoding="utf-8")
)


def _demo_students() -> dict[str, tuple[str, str]]:
    """Named demo student's e-mail -> (registered domain, student number), as the demo makes
    them (the first student of each school: backend/demo/people.py)."""
    students = {}
    for scenario in scenarios():
        schools = {school["key"]: school for school in scenario["schools"]}
        for login in scenario["logins"]:
            if login["role"] != "student":
                continue
            school = schools[login["organisation"]]
            number = f"{school['class_prefix']}{SHOWCASE_COHORT % 100:02d}{1:04d}"
            students[login["email"]] = (demo_sso.school_domain(scenario, school), number)
    return students


def test_every_demo_student_at_the_provider_is_a_demo_student_of_a_registered_school():
    expected = _demo_students()
    at_provider = {
        user["claims"]["email"]: user
        for user in DEMO_USERS
        if kind_of(user["claims"]["eduperson_affiliation"]) == Kind.STUDENT
    }
    assert set(at_provider) == set(expected)
    for email, user in at_provider.items():
        domain, number = expected[email]
        assert user["claims"]["schac_home_organization"] == domain
        assert student_number(user["claims"], domain=domain) == number


def test_the_demo_employee_is_the_demo_teacher_of_vista():
    karin = next(user for user in DEMO_USERS if user["username"] == "karin")
    teacher = next(
        login for login in scenarios()[0]["logins"] if login["email"] == "docent@digiwise.demo"
    )
    assert (karin["claims"]["given_name"], karin["claims"]["family_name"]) == (
        teacher["first_name"],
        teacher["last_name"],
    )
    assert karin["claims"]["schac_home_organization"] == "vista.digiwise.demo"


@pytest.mark.django_db
def test_the_demo_registers_a_domain_for_each_school():
    admin = User.objects.create_superuser(email="admin@koppel.demo", password="x")
    vista = SchoolFactory(name="Vista college")
    gilde = SchoolFactory(name="Gilde Opleidingen")

    demo_sso.register_domains(actor=admin, now=timezone.now())

    assert list(
        RegisteredDomain.objects.values_list("organisation", "domain", "student_matching")
    ) == [
        (gilde.pk, "gilde.digiwise.demo", StudentMatching.STUDENT_NUMBER),
        (vista.pk, "vista.digiwise.demo", StudentMatching.STUDENT_NUMBER),
    ]
