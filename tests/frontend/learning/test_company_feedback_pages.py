"""The company mentor's feedback pages: the list of requests and the form per student, which
must work on a phone in under three minutes and show nothing but first name, niveau and team."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import StudentEnrolment
from backend.learning.models import CompanyFeedback, CompanyRating, Moment
from backend.learning.services.company_feedback import company_feedback_submit
from tests.backend.learning.factories import placement
from tests.backend.learning.feedback_factories import levels_for, open_feedback
from tests.factories import student

pytestmark = pytest.mark.django_db

LIST = reverse("frontend:company-feedback-list")
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def _form_url(feedback):
    return reverse("frontend:company-feedback-form", args=[feedback.pk])


@pytest.fixture
def placed(cast):
    StudentEnrolment.objects.filter(student=cast.sanne).update(
        care_notes="Dyslexie; extra tijd bij toetsen", class_code="ICT2A"
    )
    return placement(cast)


@pytest.fixture
def feedback(placed):
    return open_feedback(placed)


def _post_data(placed, level="voldoende", comment="Sanne werkte zelfstandig."):
    data = {f"werkproces_{w.pk}": level for w in placed.werkprocessen}
    data["comment"] = comment
    return data


# --- the list -----------------------------------------------------------------------------------


def test_jan_sees_the_open_request_with_first_name_niveau_and_team_only(
    cast, placed, feedback, page_client
):
    response = page_client(cast.jan).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sanne" in html
    assert "niveau 2" in html
    assert "Team: Webshop voor de bakkerij" in html
    assert _form_url(feedback) in html
    for secret in (
        cast.sanne.email,
        cast.sanne.last_name,
        "Dyslexie",
        "ICT2A",
        StudentEnrolment.objects.get(student=cast.sanne).student_number,
    ):
        assert secret not in html


def test_an_overdue_request_says_so(cast, placed, page_client):
    open_feedback(placed, due_on=timezone.localdate() - dt.timedelta(days=2))
    html = page_client(cast.jan).get(LIST).content.decode()
    assert "te laat" in html


def test_submitted_feedback_is_listed_apart(cast, placed, feedback, page_client):
    company_feedback_submit(
        feedback=feedback, actor=cast.jan, levels=levels_for(placed), comment="", now=timezone.now()
    )
    html = page_client(cast.jan).get(LIST).content.decode()
    assert 'id="done-feedback"' in html
    assert 'id="open-feedback"' not in html
    assert "Er staat geen feedback voor u open." in html


def test_eva_sees_none_of_jans_team(cast, feedback, page_client):
    html = page_client(cast.eva).get(LIST).content.decode()
    assert "Sanne" not in html
    assert "Er staat geen feedback voor u open." in html


@pytest.mark.parametrize("who", ["devries", "bos", "sanne", "ahmed", "peters", "fenna"])
def test_only_companies_open_the_list(cast, feedback, page_client, who):
    assert page_client(getattr(cast, who)).get(LIST).status_code == 403


def test_the_list_takes_the_same_queries_for_two_or_twenty_students(
    cast, page_client, django_assert_num_queries
):
    client = page_client(cast.jan)
    small = placement(cast, title="Klein")
    open_feedback(small)
    client.get(LIST)  # the session and caches warm up once
    with django_assert_num_queries(QUERIES) as counted:
        client.get(LIST)
    team = [
        student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=f"S{i}")
        for i in range(20)
    ]
    big = placement(cast, students=team, title="Groot")
    for person in team:
        open_feedback(big, student=person)
        open_feedback(big, student=person, moment=Moment.MIDPOINT)
    with django_assert_num_queries(len(counted.captured_queries)):
        response = client.get(LIST)
    assert response.content.decode().count("Invullen") == 41


# The session, the user, the memberships, the open and the submitted feedback.
QUERIES = 5


# --- the form -----------------------------------------------------------------------------------


def test_the_form_has_one_radio_row_per_werkproces_one_comment_and_one_button(
    cast, placed, feedback, page_client
):
    response = page_client(cast.jan).get(_form_url(feedback), HTTP_USER_AGENT=PHONE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    start = html.index('id="company-feedback-form"')
    form = html[start : html.index("</form>", start)]
    for werkproces in placed.werkprocessen:
        assert f"{werkproces.code} {werkproces.title}" in form
        radios = re.findall(rf'type="radio" name="werkproces_{werkproces.pk}" value="(\w+)"', form)
        assert radios == ["nooit", "oefenen", "voldoende", "goed"]
    assert len(re.findall(r'type="radio"', form)) == 4 * len(placed.werkprocessen)
    # Each werkproces's four levels sit in one wrapping row, not a drop-down or a table.
    assert form.count('class="button-row choice-list rating-row"') == len(placed.werkprocessen)
    assert form.count("<textarea") == 1
    assert len(re.findall(r"<button", form)) == 1
    assert "<select" not in form
    assert "<table" not in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert "data-confirm=" in html
    assert "Sanne" in html
    assert "niveau 2" in html
    for secret in (cast.sanne.email, cast.sanne.last_name, "Dyslexie"):
        assert secret not in html


def test_jan_submits_the_form_and_returns_to_the_list(cast, placed, feedback, page_client):
    client = page_client(cast.jan)
    response = client.post(_form_url(feedback), _post_data(placed), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Dank u wel. Uw feedback over Sanne is verstuurd." in response.content.decode()
    feedback.refresh_from_db()
    assert (feedback.submitted_by, feedback.comment) == (cast.jan, "Sanne werkte zelfstandig.")
    assert sorted(feedback.ratings.values_list("werkproces__code", "level")) == [
        ("B1-K1-W1", "voldoende"),
        ("P1-K1-W1", "voldoende"),
    ]


def test_a_missing_level_is_named_and_nothing_is_saved(cast, placed, feedback, page_client):
    data = _post_data(placed)
    w1 = placed.werkprocessen[0]
    del data[f"werkproces_{w1.pk}"]
    response = page_client(cast.jan).post(_form_url(feedback), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert "B1-K1-W1 Werkproces B1-K1-W1: Kies een niveau voor dit werkproces." in html
    assert "Sanne werkte zelfstandig." in html  # what was typed is kept
    feedback.refresh_from_db()
    assert feedback.submitted_at is None
    assert not CompanyRating.objects.exists()


def test_a_level_off_the_scale_is_refused(cast, placed, feedback, page_client):
    response = page_client(cast.jan).post(_form_url(feedback), _post_data(placed, level="top"))
    assert "Kies nooit, oefenen, voldoende of goed voor dit werkproces." in (
        response.content.decode()
    )
    assert not CompanyRating.objects.exists()


def test_a_posted_werkproces_that_is_not_on_the_offer_is_not_rated(
    cast, placed, feedback, page_client
):
    data = _post_data(placed)
    other = cast.ict_niveau2.dossier.kerntaken.get(code="B1-K1").werkprocessen.get(code="B1-K1-W2")
    data[f"werkproces_{other.pk}"] = "goed"
    page_client(cast.jan).post(_form_url(feedback), data)
    assert sorted(CompanyRating.objects.values_list("werkproces__code", flat=True)) == [
        "B1-K1-W1",
        "P1-K1-W1",
    ]


def test_a_comment_over_1000_characters_is_refused(cast, placed, feedback, page_client):
    response = page_client(cast.jan).post(
        _form_url(feedback), _post_data(placed, comment="x" * 1001)
    )
    assert "Maak de toelichting korter: hooguit 1000 tekens (nu 1001)." in (
        response.content.decode()
    )
    feedback.refresh_from_db()
    assert feedback.submitted_at is None


def test_submitted_feedback_is_shown_read_only_and_cannot_be_sent_again(
    cast, placed, feedback, page_client
):
    client = page_client(cast.jan)
    client.post(_form_url(feedback), _post_data(placed, comment="<b>Top</b> gedaan"))
    html = client.get(_form_url(feedback)).content.decode()
    assert 'id="company-feedback-form"' not in html
    assert 'id="given-ratings"' in html
    assert "voldoende" in html
    assert "&lt;b&gt;Top&lt;/b&gt; gedaan" in html
    assert "<b>Top</b>" not in html
    response = client.post(_form_url(feedback), _post_data(placed, level="nooit"), follow=True)
    assert "al ingevuld op" in response.content.decode()
    assert set(CompanyRating.objects.values_list("level", flat=True)) == {"voldoende"}


def test_eva_gets_a_404_for_jans_request_and_changes_nothing(cast, placed, feedback, page_client):
    client = page_client(cast.eva)
    assert client.get(_form_url(feedback)).status_code == 404
    assert client.post(_form_url(feedback), _post_data(placed)).status_code == 404
    feedback.refresh_from_db()
    assert feedback.submitted_at is None


def test_a_request_about_ahmed_on_jans_offer_is_a_404(cast, placed, page_client):
    stray = open_feedback(placed, student=cast.ahmed)  # Ahmed is not on Jan's team
    assert page_client(cast.jan).get(_form_url(stray)).status_code == 404
    assert page_client(cast.jan).post(_form_url(stray), _post_data(placed)).status_code == 404
    assert CompanyFeedback.objects.get(pk=stray.pk).submitted_at is None


@pytest.mark.parametrize("who", ["devries", "bos", "sanne", "ahmed", "fenna"])
def test_others_are_refused_the_form(cast, placed, feedback, page_client, who):
    client = page_client(getattr(cast, who))
    assert client.get(_form_url(feedback)).status_code == 403
    assert client.post(_form_url(feedback), _post_data(placed)).status_code == 403
    assert not CompanyRating.objects.exists()


def test_an_unknown_request_is_a_404(cast, page_client):
    assert page_client(cast.jan).get("/leren/feedback/987654321/").status_code == 404
