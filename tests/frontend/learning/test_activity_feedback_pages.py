"""The student's feedback page and the summary page of an offer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.learning.models import ActivityFeedback
from backend.offers.models import OfferStatus
from tests.backend.learning.activity_factories import answer, classmates, ended_placement
from tests.backend.learning.factories import placement

pytestmark = pytest.mark.django_db

SCALE_ERROR = "Kies een getal van 1 tot en met 5."


def _form_url(offer):
    return reverse("frontend:activity-feedback", args=[offer.pk])


def _summary_url(offer):
    return reverse("frontend:offer-student-feedback", args=[offer.pk])


# --- the student's page --------------------------------------------------------------------------


def test_a_student_gives_feedback_on_an_ended_activity(cast, page_client):
    offer = ended_placement(cast).offer
    client = page_client(cast.sanne)

    page = client.get(_form_url(offer))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="activity-feedback-form"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'type="radio" name="learned" value="5"' in html

    response = client.post(
        _form_url(offer), {"learned": "4", "supported": "3", "comment": "Veel geleerd over HTML."}
    )

    assert response.status_code == 302
    assert response["Location"] == _form_url(offer)
    stored = ActivityFeedback.objects.get()
    assert (stored.student, stored.learned, stored.supported, stored.comment) == (
        cast.sanne,
        4,
        3,
        "Veel geleerd over HTML.",
    )
    after = client.get(_form_url(offer)).content.decode()
    assert "Bedankt voor je feedback!" in after
    assert 'id="activity-feedback-given"' in after
    assert 'id="activity-feedback-form"' not in after


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"learned": "7", "supported": "3"}, ["learned"]),
        ({"learned": "0", "supported": "-1"}, ["learned", "supported"]),
        ({"learned": "drie", "supported": "3"}, ["learned"]),
        ({"supported": "3"}, ["learned"]),
        ({}, ["learned", "supported"]),
    ],
)
def test_out_of_range_or_missing_values_are_shown_on_their_fields(cast, page_client, data, fields):
    offer = ended_placement(cast).offer

    response = page_client(cast.sanne).post(_form_url(offer), {**data, "comment": "Goed"})

    assert response.status_code == 400
    form = response.context["form"]
    assert {name: form.errors[name] for name in form.errors} == {
        name: [SCALE_ERROR] for name in fields
    }
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Goed</textarea>" in html  # what was typed is kept
    assert not ActivityFeedback.objects.exists()


def test_a_comment_over_1000_characters_is_shown_on_the_comment_field(cast, page_client):
    offer = ended_placement(cast).offer

    response = page_client(cast.sanne).post(
        _form_url(offer), {"learned": "3", "supported": "3", "comment": "x" * 1001}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["comment"] == ["Hoogstens 1000 tekens (nu 1001)."]
    assert not ActivityFeedback.objects.exists()


def test_an_ongoing_activity_shows_when_feedback_can_be_given_and_refuses_a_post(cast, page_client):
    offer = placement(cast).offer
    client = page_client(cast.sanne)

    page = client.get(_form_url(offer)).content.decode()
    assert 'id="activity-feedback-not-yet"' in page
    assert 'id="activity-feedback-form"' not in page

    response = client.post(_form_url(offer), {"learned": "5", "supported": "5"}, follow=True)

    assert response.redirect_chain == [(_form_url(offer), 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert messages[0].startswith("Deze activiteit loopt nog tot ")
    assert not ActivityFeedback.objects.exists()


def test_a_second_answer_is_refused_and_the_first_kept(cast, page_client):
    offer = ended_placement(cast).offer
    client = page_client(cast.sanne)
    client.post(_form_url(offer), {"learned": "5", "supported": "4", "comment": "Eerste"})

    response = client.post(
        _form_url(offer), {"learned": "1", "supported": "1", "comment": "Tweede"}, follow=True
    )

    messages = [str(m) for m in response.context["messages"]]
    assert messages[-1].startswith("Je hebt al feedback gegeven op deze activiteit, op ")
    stored = ActivityFeedback.objects.get()
    assert (stored.learned, stored.comment) == (5, "Eerste")


def test_a_student_who_was_not_placed_gets_404(cast, page_client):
    offer = ended_placement(cast).offer

    assert page_client(cast.ahmed).get(_form_url(offer)).status_code == 404
    response = page_client(cast.ahmed).post(_form_url(offer), {"learned": "1", "supported": "1"})
    assert response.status_code == 404
    assert not ActivityFeedback.objects.exists()


def test_the_student_page_reads_a_fixed_number_of_queries(
    cast, page_client, django_assert_max_num_queries
):
    offer = ended_placement(cast).offer
    client = page_client(cast.sanne)
    client.get(_form_url(offer))  # warm the session and role caches

    with django_assert_max_num_queries(12):
        assert client.get(_form_url(offer)).status_code == 200


# --- the summary page --------------------------------------------------------------------------


def _answered(cast, n, *, comment="Ik leerde veel over klanten"):
    team = classmates(cast, n)
    offer = ended_placement(cast, students=[cast.sanne, *team]).offer
    for i, person in enumerate(team):
        answer(offer, person, learned=4, supported=5, comment=f"{comment} ({i})")
    return offer, team


def test_with_four_answers_the_company_sees_only_how_many_are_needed(cast, page_client):
    offer, team = _answered(cast, 4)

    response = page_client(cast.jan).get(_summary_url(offer))

    assert response.status_code == 200
    html = response.content.decode()
    assert "4 van de 5 antwoorden nodig" in html
    assert 'id="activity-feedback-summary"' not in html
    assert "Ik leerde veel over klanten" not in html
    assert all(person.first_name not in html for person in team)


def test_with_five_answers_the_company_sees_averages_and_comments_without_names(cast, page_client):
    offer, team = _answered(cast, 5)
    answer(offer, cast.sanne, learned=1, supported=1, comment="Sanne's zesde antwoord")

    html = page_client(cast.jan).get(_summary_url(offer)).content.decode()

    assert "antwoorden nodig" not in html
    assert 'id="activity-feedback-summary"' in html
    assert "Op basis van 5 antwoorden." in html
    assert "Nieuwe antwoorden worden per 5 toegevoegd." in html
    assert "4,0" in html
    assert "5,0" in html
    for i in range(5):
        assert f"Ik leerde veel over klanten ({i})" in html
    # The sixth answer waits for the next batch; no name or e-mail address anywhere.
    assert "zesde" not in html
    for person in [cast.sanne, *team]:
        assert person.first_name not in html
        assert person.last_name not in html
        assert person.email not in html


def test_a_comment_with_html_is_escaped(cast, page_client):
    offer, _team = _answered(cast, 5, comment="<script>alert(1)</script>")

    html = page_client(cast.jan).get(_summary_url(offer)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_school_staff_of_the_school_see_the_same_summary(cast, page_client):
    offer, _team = _answered(cast, 5)

    for person in (cast.devries, cast.bos):
        response = page_client(person).get(_summary_url(offer))
        assert response.status_code == 200
        assert "Op basis van 5 antwoorden." in response.content.decode()


def test_another_company_and_another_school_get_404(cast, page_client):
    offer, _team = _answered(cast, 5)

    assert page_client(cast.eva).get(_summary_url(offer)).status_code == 404
    assert page_client(cast.peters).get(_summary_url(offer)).status_code == 404


def test_students_and_the_privacy_officer_are_refused(cast, page_client):
    offer, _team = _answered(cast, 5)

    assert page_client(cast.sanne).get(_summary_url(offer)).status_code == 403
    assert page_client(cast.fenna).get(_summary_url(offer)).status_code == 403


def test_an_unknown_offer_is_404(cast, page_client):
    url = reverse("frontend:offer-student-feedback", args=[999999])

    assert page_client(cast.jan).get(url).status_code == 404


def test_the_summary_page_reads_the_same_queries_for_5_and_15_answers(
    cast, page_client, django_assert_num_queries
):
    small, _ = _answered(cast, 5)
    large, _ = _answered(cast, 15)
    client = page_client(cast.jan)
    client.get(_summary_url(small))  # warm the session and role caches

    with CaptureQueriesContext(connection) as five:
        assert client.get(_summary_url(small)).status_code == 200
    with django_assert_num_queries(len(five.captured_queries)):
        assert client.get(_summary_url(large)).status_code == 200
    assert len(five.captured_queries) <= 10


def test_a_student_may_answer_once_the_school_marked_the_activity_completed(cast, page_client):
    offer = placement(cast).offer  # its end date is still ahead
    offer.status = OfferStatus.COMPLETED
    offer.save(update_fields=["status"])
    client = page_client(cast.sanne)

    assert 'id="activity-feedback-form"' in client.get(_form_url(offer)).content.decode()
    response = client.post(_form_url(offer), {"learned": "2", "supported": "3"})

    assert response.status_code == 302
    assert ActivityFeedback.objects.filter(student=cast.sanne, offer=offer).count() == 1
