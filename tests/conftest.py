"""The fixed cast every backend test can use (see STYLE.md):

- Vista (ROC) with coordinator Bos, teacher/coach De Vries, student Sanne (niveau 2) and privacy
  officer Fenna.
- Gilde (ROC), Vista's partner in the Limburg ICT consortium, with student Ahmed and teacher Peters,
  who must see none of Sanne's data.
- Bakkerij Jansen (micro company, room for one) with contact Jan; Pixelfabriek with contact Eva.

This file imports no Django at module level: the engine's tests run without it
(`pytest tests/matching -p no:django`). Everything that needs Django (the database checks, the
settings every test gets, the fixtures) is the plugin tests/django_plugin.py, loaded only when
pytest-django is.
"""

import os
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from tests.ci_policy import skip_must_fail

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from backend.accounts.models import User


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.has_plugin("django"):
        config.pluginmanager.import_plugin("tests.django_plugin")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skip of a test whose service the run promised is a failure (see tests/ci_policy)."""
    report = (yield).get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    if skip_must_fail({marker.name for marker in item.iter_markers()}, os.environ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI promised the service this test needs, but it skipped: {reason}"


def build_cast() -> SimpleNamespace:
    """The cast itself, for fixtures that build a world once per module (permission matrix)."""
    from backend.accounts.models import Role
    from tests.factories import (
        PASSWORD,
        CompanyFactory,
        ConsortiumFactory,
        SchoolFactory,
        UserFactory,
        consortium_member,
        kwalificatie_with_werkprocessen,
        member,
        student,
    )

    vista = SchoolFactory(name="Vista college", brin="25LX")
    gilde = SchoolFactory(name="Gilde Opleidingen", brin="25LW")
    consortium = ConsortiumFactory(name="Digiwise Limburg")
    consortium_member(consortium, vista)
    consortium_member(consortium, gilde)
    bakkerij = CompanyFactory(name="Bakkerij Jansen", kvk="12345678", employee_count=3)
    pixel = CompanyFactory(name="Pixelfabriek", kvk="87654321", employee_count=12)
    consortium_member(consortium, pixel)

    ict_niveau2 = kwalificatie_with_werkprocessen(niveau=2)
    ict_niveau4 = kwalificatie_with_werkprocessen(niveau=4)

    def staff(first, last, email, organisation, *roles):
        user = UserFactory(first_name=first, last_name=last, email=email)
        for role in roles:
            member(user, organisation, role)
        return user

    return SimpleNamespace(
        vista=vista,
        gilde=gilde,
        consortium=consortium,
        bakkerij=bakkerij,
        pixel=pixel,
        ict_niveau2=ict_niveau2,
        ict_niveau4=ict_niveau4,
        bos=staff("Marleen", "Bos", "bos@vista.test", vista, Role.COORDINATOR),
        devries=staff("Karin", "de Vries", "devries@vista.test", vista, Role.TEACHER, Role.COACH),
        peters=staff("Tom", "Peters", "peters@gilde.test", gilde, Role.TEACHER, Role.COORDINATOR),
        jan=staff("Jan", "Jansen", "jan@bakkerijjansen.test", bakkerij, Role.COMPANY_CONTACT),
        eva=staff("Eva", "Smit", "eva@pixelfabriek.test", pixel, Role.COMPANY_CONTACT),
        # Vista's privacy officer (functionaris gegevensbescherming).
        fenna=staff("Fenna", "Visser", "fg@vista.test", vista, Role.PRIVACY_OFFICER),
        sanne=student(school=vista, kwalificatie=ict_niveau2, first_name="Sanne"),
        ahmed=student(school=gilde, kwalificatie=ict_niveau4, first_name="Ahmed"),
        password=PASSWORD,
    )


def as_user(user: "User") -> "APIClient":
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
