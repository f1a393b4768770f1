"""The fixed cast every backend test can use (see STYLE.md):

- Vista (ROC) with coordinator Bos, teacher/coach De Vries and student Sanne (niveau 2).
- Gilde (ROC), Vista's partner in the Limburg ICT consortium, with student Ahmed and teacher Peters,
  who must see none of Sanne's data.
- Bakkerij Jansen (micro company, room for one) with contact Jan; Pixelfabriek with contact Eva.
"""

from types import SimpleNamespace

import pytest

from backend.accounts.models import Role
from backend.config.celery import app as celery_app
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

# Unit tests run Celery tasks in process even when CELERY_BROKER_URL points at Redis (CI's second
# run); the integration tests start a real worker and switch this off with `real_celery`.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


@pytest.fixture
def real_celery():
    """Send tasks to the configured broker instead of running them in process."""
    celery_app.conf.task_always_eager = False
    yield celery_app
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "nl"


@pytest.fixture
def cast(db):
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
        sanne=student(school=vista, kwalificatie=ict_niveau2, first_name="Sanne"),
        ahmed=student(school=gilde, kwalificatie=ict_niveau4, first_name="Ahmed"),
        password=PASSWORD,
    )


@pytest.fixture
def api():
    """An API client; `api.force_authenticate(user)` to act as someone."""
    from rest_framework.test import APIClient

    return APIClient()


def as_user(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def client_for():
    return as_user
