"""The officer's retention pages: periods with their defaults and an edit form, the runs (paged),
a dry run now, and one run's counts in words; another school's run is a 404."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import Role
from backend.notifications.models import Notification
from backend.privacy.models import RetentionPolicy, RetentionRule, RetentionRun
from tests.factories import UserFactory, member

PAGE = reverse("frontend:privacy-retention")


def _periods(**overrides):
    data = {
        "care_notes": "0",
        "choices": "12",
        "student_account": "12",
        "evidence": "24",
        "activities": "12",
        "notifications": "6",
        "agreements": "84",
        "access_log": "24",
    }
    data.update(overrides)
    return data


def test_it_shows_each_period_with_its_default(cast, page_client):
    RetentionPolicy.objects.create(
        school=cast.vista, rule=RetentionRule.CHOICES, months=18, changed_at=timezone.now()
    )
    response = page_client(cast.fenna).get(PAGE)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Vista college" in text
    assert "Keuzes en uitleg van de toewijzing, na publicatie van de ronde" in text
    assert "18 maanden" in text
    assert "eigen termijn" in text
    assert "Standaard: 84 maanden." in text
    assert 'name="choices"' in text
    assert 'value="18"' in text
    assert "Nog geen rondes." in text


def test_it_saves_the_periods(cast, page_client):
    response = page_client(cast.fenna).post(
        PAGE, {"school": cast.vista.pk, **_periods(choices="6", agreements="120")}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?school={cast.vista.pk}"
    assert sorted(RetentionPolicy.objects.values_list("rule", "months", "changed_by")) == [
        ("agreements", 120, cast.fenna.pk),
        ("choices", 6, cast.fenna.pk),
    ]


@pytest.mark.parametrize("months", ["241", "-1"])
def test_it_refuses_a_period_outside_0_to_240_with_an_error_on_that_field(
    cast, page_client, months
):
    response = page_client(cast.fenna).post(
        PAGE, {"school": cast.vista.pk, **_periods(evidence=months)}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"evidence": ["Kies een termijn van 0 tot en met 240 maanden."]}
    assert 'aria-invalid="true"' in response.content.decode()
    assert not RetentionPolicy.objects.exists()


def test_a_dry_run_counts_now_removes_nothing_and_shows_the_run(cast, page_client):
    old = timezone.now() - dt.timedelta(days=400)
    Notification.objects.create(recipient=cast.sanne, category="t", title="oud", created_at=old)
    client = page_client(cast.fenna)

    response = client.post(reverse("frontend:privacy-retention-dry-run"), {"school": cast.vista.pk})

    run = RetentionRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:privacy-retention-run", args=[run.pk])
    assert (run.school, run.dry_run, run.started_by, run.total) == (
        cast.vista,
        True,
        cast.fenna,
        1,
    )
    assert Notification.objects.count() == 1

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Proefdraai bewaartermijnen" in text
    assert "zou 1 gegeven verwijderen of legen" in text
    assert "<td>Meldingen, na verzending</td><td>Meldingen verwijderd</td><td>1</td>" in text
    assert "Fenna Visser" in text


def test_the_run_of_another_school_is_a_404(cast, page_client):
    now = timezone.now()
    run = RetentionRun.objects.create(
        school=cast.gilde, dry_run=False, started_at=now, finished_at=now, as_of=now
    )

    response = page_client(cast.fenna).get(reverse("frontend:privacy-retention-run", args=[run.pk]))

    assert response.status_code == 404


def test_an_officer_cannot_run_or_edit_another_schools_retention(cast, page_client):
    client = page_client(cast.fenna)

    assert (
        client.post(
            reverse("frontend:privacy-retention-dry-run"), {"school": cast.gilde.pk}
        ).status_code
        == 404
    )
    assert client.post(PAGE, {"school": cast.gilde.pk, **_periods(choices="6")}).status_code == 404
    assert client.get(PAGE, {"school": cast.gilde.pk}).status_code == 404
    assert not RetentionRun.objects.exists()
    assert not RetentionPolicy.objects.exists()


def test_an_officer_of_two_schools_chooses_the_school(cast, page_client):
    member(cast.fenna, cast.gilde, Role.PRIVACY_OFFICER)

    response = page_client(cast.fenna).get(PAGE, {"school": cast.gilde.pk})

    assert response.status_code == 200
    assert response.context["school"] == cast.gilde
    assert [s.name for s in response.context["schools"]] == ["Gilde Opleidingen", "Vista college"]


def test_the_runs_are_paged_within_a_query_budget(cast, page_client, django_assert_max_num_queries):
    now = timezone.now()
    starter = UserFactory(first_name="Piet")
    RetentionRun.objects.bulk_create(
        RetentionRun(
            school=cast.vista,
            dry_run=bool(i % 2),
            started_by=starter if i % 3 else None,
            started_at=now - dt.timedelta(days=i),
            finished_at=now - dt.timedelta(days=i),
            as_of=now - dt.timedelta(days=i),
            total=i,
        )
        for i in range(45)
    )
    RetentionRun.objects.create(
        school=cast.gilde, dry_run=False, started_at=now, finished_at=now, as_of=now, total=999
    )
    client = page_client(cast.fenna)

    with django_assert_max_num_queries(12):
        response = client.get(PAGE, {"pagina": "3"})

    page = response.context["page"]
    assert response.status_code == 200
    assert page.paginator.count == 45
    assert [run.total for run in page.object_list] == [40, 41, 42, 43, 44]
    assert "Pagina 3 van 3" in response.content.decode()
    assert "dagelijkse taak" in response.content.decode()
