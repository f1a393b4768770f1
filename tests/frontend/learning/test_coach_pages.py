"""The coach overview and the "feedback ontbreekt" page as a teacher sees them, the learning items
on each role's dashboard and the one menu entry per role group."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from backend.accounts.models import StudentEnrolment
from backend.learning.models import ReviewStatus
from tests.backend.learning.factories import placement
from tests.backend.learning.portfolio_factories import (
    company_feedback,
    self_assessment,
    validated_evidence,
    werkproces,
)
from tests.factories import student

DAY = dt.timedelta(days=1)


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _vista(cast, first_name, **fields):
    return student(
        school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=first_name, **fields
    )


def _rows(html):
    table = html[html.index('id="class-overview"') :]
    return re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :])


def test_the_overview_shows_each_student_with_the_nearest_date_and_the_counts(cast, page_client):
    today = timezone.localdate()
    StudentEnrolment.objects.filter(student=cast.sanne).update(
        class_code="ICT2A", exam_on=today + 20 * DAY, coach=cast.devries
    )
    lotte = _vista(cast, "Lotte", class_code="ICT2B", bpv_starts_on=today + 5 * DAY)
    offer = placement(cast, students=[cast.sanne, lotte]).offer
    validated_evidence(cast.sanne, werkproces(cast, "B1-K1-W1"), by=cast.devries)
    self_assessment(cast.sanne, offer, werkproces(cast, "P1-K1-W1"))
    company_feedback(cast.sanne, offer, due_on=today - 2 * DAY)

    html = _text(page_client(cast.devries).get(reverse("frontend:coach-overview")))

    assert "2 studenten" in html
    lotte_row, sanne_row = _rows(html)
    assert "Lotte" in lotte_row
    assert "Sanne" in sanne_row
    assert f"BPV vanaf {date_format(today + 5 * DAY, 'j F Y')}" in lotte_row
    assert f"examen {date_format(today + 20 * DAY, 'j F Y')}" in sanne_row
    portfolio = reverse("frontend:student-portfolio", args=[cast.sanne.pk])
    assert f'href="{portfolio}"' in sanne_row
    nums = re.findall(r'<td class="num">(.*?)</td>', sanne_row)
    assert nums[0] == "2"  # open werkprocessen: B1-K1-W2 and P1-K1-W1
    assert nums[1] == "1"  # the submitted self-assessment
    assert nums[2].startswith("1 ")
    assert "1 te laat" in nums[2]
    assert "coach Karin de Vries" in sanne_row
    assert re.findall(r'<td class="num">(.*?)</td>', lotte_row) == ["3", "0", "0"]


def test_the_filters_keep_one_class_or_my_coachees(cast, page_client):
    StudentEnrolment.objects.filter(student=cast.sanne).update(
        class_code="ICT2A", coach=cast.devries
    )
    _vista(cast, "Lotte", class_code="ICT2B")
    client = page_client(cast.devries)
    url = reverse("frontend:coach-overview")

    by_class = _text(client.get(url, {"klas": "ict2b"}))
    mine = _text(client.get(url, {"mine": "1"}))
    nobody = _text(client.get(url, {"klas": "ICT9Z"}))

    assert [("Lotte" in r) for r in _rows(by_class)] == [True]
    assert '<option value="ICT2B" selected>' in by_class
    assert [("Sanne" in r) for r in _rows(mine)] == [True]
    assert 'name="mine" value="1" checked' in mine
    assert "Geen studenten met deze filters." in nobody


def test_another_school_sees_none_of_sanne_in_the_overview(cast, page_client):
    html = _text(page_client(cast.peters).get(reverse("frontend:coach-overview")))

    assert "Ahmed" in html
    assert "Sanne" not in html
    assert reverse("frontend:student-portfolio", args=[cast.sanne.pk]) not in html


def test_the_overview_page_does_not_grow_in_queries_with_students(cast, page_client):
    client = page_client(cast.bos)
    url = reverse("frontend:coach-overview")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    offer = placement(cast).offer
    for i in range(10):
        person = _vista(cast, f"Student {i}", class_code=f"K{i % 4}", exam_on=timezone.localdate())
        self_assessment(person, offer, werkproces(cast, "B1-K1-W1"))
        company_feedback(person, offer)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert "11 studenten" in _text(response)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_missing_feedback_shows_the_overdue_first_with_a_te_laat_badge(cast, page_client):
    today = timezone.localdate()
    lotte = _vista(cast, "Lotte", class_code="ICT2B")
    offer = placement(cast, students=[cast.sanne, lotte, cast.ahmed]).offer
    company_feedback(cast.sanne, offer, due_on=today + 3 * DAY)
    company_feedback(lotte, offer, due_on=today - 4 * DAY)
    company_feedback(cast.ahmed, offer, due_on=today - 9 * DAY)

    html = _text(page_client(cast.devries).get(reverse("frontend:coach-missing-feedback")))

    table = html[html.index('id="missing-feedback"') :]
    assert table.index("Lotte") < table.index("Sanne")
    assert "Ahmed" not in html
    lotte_row = re.search(r"<tr>(.*?Lotte.*?)</tr>", table).group(1)
    assert (
        f'{date_format(today - 4 * DAY, "j F Y")} <span class="badge badge-danger">te laat'
        in lotte_row
    )
    assert "Webshop voor de bakkerij" in lotte_row
    assert "Bakkerij Jansen" in lotte_row
    assert "ICT2B" in lotte_row


def test_missing_feedback_says_so_when_nothing_is_missing(cast, page_client):
    html = _text(page_client(cast.bos).get(reverse("frontend:coach-missing-feedback")))

    assert "Er ontbreekt geen feedback: alle bedrijven hebben hun feedback gegeven." in html


# --- dashboard and menu ---------------------------------------------------------------------------


def _dashboard(page_client, user):
    return _text(page_client(user).get(reverse("frontend:dashboard")))


def test_the_student_dashboard_counts_werkprocessen_waiting_for_a_self_assessment(
    cast, page_client
):
    offer = placement(cast).offer
    html = _dashboard(page_client, cast.sanne)
    assert "2 werkprocessen wachten op je zelfbeoordeling" in html
    assert f'href="{reverse("frontend:my-activities")}"' in html

    self_assessment(
        cast.sanne, offer, werkproces(cast, "B1-K1-W1"), status=ReviewStatus.MORE_REQUESTED
    )
    html = _dashboard(page_client, cast.sanne)
    assert "1 werkproces wacht op je zelfbeoordeling" in html
    assert "Je coach vraagt meer bewijs voor 1 werkproces" in html


def test_the_staff_dashboard_counts_validations_and_late_company_feedback(cast, page_client):
    offer = placement(cast, students=[cast.sanne, cast.ahmed]).offer
    for code in ("B1-K1-W1", "P1-K1-W1"):
        self_assessment(cast.sanne, offer, werkproces(cast, code))
    self_assessment(cast.ahmed, offer, werkproces(cast, "B1-K1-W1"))
    company_feedback(cast.sanne, offer, due_on=timezone.localdate() - DAY)

    html = _dashboard(page_client, cast.devries)

    assert "2 zelfbeoordelingen wachten op validatie" in html
    assert f'href="{reverse("frontend:validation-queue")}"' in html
    assert "Feedback van het bedrijf is te laat voor 1 student" in html
    assert "1 zelfbeoordeling wacht op validatie" in _dashboard(page_client, cast.peters)


def test_the_company_dashboard_asks_for_feedback_per_student(cast, page_client):
    lotte = _vista(cast, "Lotte")
    offer = placement(cast, students=[cast.sanne, lotte]).offer
    company_feedback(cast.sanne, offer, due_on=timezone.localdate() + DAY)
    company_feedback(lotte, offer, due_on=timezone.localdate() + 5 * DAY)

    html = _dashboard(page_client, cast.jan)

    assert "Feedback gevraagd voor 2 studenten" in html
    assert f'href="{reverse("frontend:company-feedback-list")}"' in html
    assert "Feedback gevraagd" not in _dashboard(page_client, cast.eva)


def test_nothing_to_do_shows_no_learning_items(cast, page_client):
    for user in (cast.sanne, cast.devries, cast.jan):
        html = _dashboard(page_client, user)
        assert "zelfbeoordeling" not in html
        assert "Feedback gevraagd" not in html


@pytest.mark.parametrize(
    ("who", "entry"),
    [
        ("sanne", "frontend:my-activities"),
        ("devries", "frontend:coach-overview"),
        ("bos", "frontend:coach-overview"),
        ("jan", "frontend:company-feedback-list"),
    ],
)
def test_each_role_group_gets_one_learning_menu_entry(cast, page_client, who, entry):
    learning = {
        "frontend:my-activities",
        "frontend:coach-overview",
        "frontend:company-feedback-list",
    }
    response = page_client(getattr(cast, who)).get(reverse("frontend:dashboard"))

    menu = {item["name"] for item in response.context["nav_items"]}

    assert menu & learning == {entry}


def test_the_privacy_officer_gets_no_learning_menu_entry(cast, page_client):
    response = page_client(cast.fenna).get(reverse("frontend:dashboard"))
    names = {item["name"] for item in response.context["nav_items"]}

    assert not names & {
        "frontend:my-activities",
        "frontend:coach-overview",
        "frontend:company-feedback-list",
    }
