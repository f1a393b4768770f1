"""The privacy officer's home and register pages (issue 14)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import PersonalDataRead, PersonalDataReadKind, Role
from backend.privacy.models import (
    RequestKind,
    RequestStatus,
    RetentionPolicy,
    RetentionRule,
    RetentionRun,
)
from tests.backend.privacy.factories import data_request
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

HOME = reverse("frontend:privacy-home")
REGISTER = reverse("frontend:privacy-register")


def _request(school, subject, *, due_in_days, status=RequestStatus.SUBMITTED):
    return data_request(school, subject, kind=RequestKind.ACCESS, due_in=due_in_days, status=status)


def _read(school, student_user, reader, *, days_ago, kind=PersonalDataReadKind.CARE_NOTES):
    return PersonalDataRead.objects.create(
        reader=reader,
        student=student_user,
        school=school,
        kind=kind,
        purpose="test",
        read_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def _run(school, *, dry_run, total, days_ago):
    at = timezone.now() - dt.timedelta(days=days_ago)
    return RetentionRun.objects.create(
        school=school, dry_run=dry_run, started_at=at, finished_at=at, as_of=at, total=total
    )


def test_home_counts_only_the_officer_s_school(cast, page_client, django_assert_max_num_queries):
    _request(cast.vista, cast.sanne, due_in_days=20)
    _request(cast.vista, cast.sanne, due_in_days=-2)
    _request(cast.vista, cast.sanne, due_in_days=-5, status=RequestStatus.DONE)
    _request(cast.gilde, cast.ahmed, due_in_days=-3)
    _read(cast.vista, cast.sanne, cast.devries, days_ago=1)
    _read(cast.vista, cast.sanne, cast.fenna, days_ago=2, kind=PersonalDataReadKind.EXPORT)
    _read(cast.vista, cast.sanne, cast.devries, days_ago=40)
    _read(cast.gilde, cast.ahmed, cast.peters, days_ago=1)
    real = _run(cast.vista, dry_run=False, total=7, days_ago=3)
    _run(cast.vista, dry_run=False, total=1, days_ago=10)
    dry = _run(cast.vista, dry_run=True, total=4, days_ago=1)
    _run(cast.gilde, dry_run=False, total=99, days_ago=0)

    client = page_client(cast.fenna)
    with django_assert_max_num_queries(14):
        response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="stat" id="open-requests">2</span>' in html
    assert "1 verzoek is over de termijn van een maand." in html
    assert '<span class="stat" id="reads-total">2</span>' in html
    assert "Zorgnotities gelezen: 1" in html
    assert "Gegevens geëxporteerd: 1" in html
    assert "Volledig dossier bekeken: 0" in html
    assert "7 gegevens verwijderd" in html
    assert reverse("frontend:privacy-retention-run", args=[real.pk]) in html
    assert reverse("frontend:privacy-retention-run", args=[dry.pk]) in html
    assert "99" not in html
    for name in (
        "privacy-requests",
        "privacy-access-log",
        "privacy-retention",
        "privacy-register",
        "privacy-students",
    ):
        assert f'href="{reverse("frontend:" + name)}"' in html, name


def test_home_without_anything_yet(cast, page_client):
    response = page_client(cast.fenna).get(HOME)

    html = response.content.decode()
    assert '<span class="stat" id="open-requests">0</span>' in html
    assert "Geen verzoeken over de termijn." in html
    assert "Er is nog geen ronde uitgevoerd." in html


def test_officer_sees_privacy_in_the_menu_and_on_the_dashboard(cast, page_client):
    _request(cast.vista, cast.sanne, due_in_days=-1)

    response = page_client(cast.fenna).get(reverse("frontend:dashboard"))

    html = response.content.decode()
    assert f'href="{HOME}"' in html
    assert "Privacy: verzoeken, inzagelog, bewaartermijnen en verwerkingsregister" in html
    assert "1 verzoek over persoonsgegevens is over de termijn" in html
    # Nothing of the day-to-day work of the school in the officer's menu.
    menu = [item["name"] for item in response.context["nav_items"]]
    assert "frontend:privacy-home" in menu
    for name in ("frontend:review-queue", "frontend:agreement-list", "frontend:round-list"):
        assert name not in menu


def test_others_get_no_privacy_menu_item(cast, page_client):
    for user in (cast.bos, cast.jan, cast.sanne):
        response = page_client(user).get(reverse("frontend:dashboard"))
        assert "frontend:privacy-home" not in [i["name"] for i in response.context["nav_items"]]


def test_register_page_groups_fields_by_category_with_the_school_s_periods(
    cast, page_client, django_assert_max_num_queries
):
    RetentionPolicy.objects.create(
        school=cast.vista, rule=RetentionRule.CHOICES, months=18, changed_at=timezone.now()
    )

    client = page_client(cast.fenna)
    with django_assert_max_num_queries(8):
        response = client.get(REGISTER)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="category-care"' in html
    assert "Zorg en begeleiding" in html
    assert "Zorgnotities" in html
    assert "Begeleiding afstemmen op wat de student nodig heeft" in html
    assert "De eigen coach en de schoolrollen die de school voor zorgnotities aanwijst" in html
    assert "Direct: zorgnotities, na vertrek van de student" in html
    # Vista's own period for choices, the default for the rest.
    assert "18 maanden: keuzes en uitleg van de toewijzing" in html
    assert "12 maanden: keuzes en uitleg" not in html
    assert "24 maanden: bewijs per werkproces" in html
    # What erasure keeps, and why.
    assert "Bewijs dat meetelt voor het diploma" in html


def test_register_page_of_another_school_is_404(cast, page_client):
    response = page_client(cast.fenna).get(REGISTER, {"school": cast.gilde.pk})
    assert response.status_code == 404


def test_officer_of_two_schools_chooses_the_school(cast, page_client):
    member(cast.fenna, cast.gilde, Role.PRIVACY_OFFICER)
    RetentionPolicy.objects.create(
        school=cast.gilde, rule=RetentionRule.CHOICES, months=3, changed_at=timezone.now()
    )

    response = page_client(cast.fenna).get(REGISTER, {"school": cast.gilde.pk})

    html = response.content.decode()
    assert "3 maanden: keuzes en uitleg van de toewijzing" in html
    assert 'name="school"' in html


def test_ended_officer_membership_closes_the_pages(cast, page_client):
    cast.fenna.memberships.update(ended_at=timezone.now())

    assert page_client(cast.fenna).get(HOME).status_code == 403
    assert page_client(cast.fenna).get(REGISTER).status_code == 403


@pytest.mark.parametrize("who", ["bos", "devries", "jan", "sanne"])
def test_others_may_not_open_the_officer_pages(cast, page_client, who):
    client = page_client(getattr(cast, who))
    assert client.get(HOME).status_code == 403
    assert client.get(REGISTER).status_code == 403


def test_another_school_s_officer_sees_only_their_school(cast, page_client):
    gilde_officer = member(UserFactory(first_name="Gijs"), cast.gilde, Role.PRIVACY_OFFICER)
    _request(cast.vista, cast.sanne, due_in_days=-2)

    html = page_client(gilde_officer).get(HOME).content.decode()

    assert '<span class="stat" id="open-requests">0</span>' in html
