"""The company contact rates a student of their team: every werkproces of the offer and no
other, on Koppel's scale, once; only their own company's team."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import StudentEnrolment
from backend.allocations.models import Assignment
from backend.core.errors import ApplicationError, PermissionDenied
from backend.curriculum.models import Werkproces
from backend.learning.models import CompanyFeedback, CompanyRating
from backend.learning.services.company_feedback import company_feedback_submit
from backend.notifications.models import Notification
from tests.backend.learning.factories import placement
from tests.backend.learning.feedback_factories import levels_for, open_feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def placed(cast):
    return placement(cast)


@pytest.fixture
def feedback(placed):
    return open_feedback(placed)


def _submit(feedback, actor, levels, comment="", now=None):
    return company_feedback_submit(
        feedback=feedback, actor=actor, levels=levels, comment=comment, now=now or timezone.now()
    )


def _werkproces(cast, code):
    return Werkproces.objects.get(kerntaak__dossier=cast.ict_niveau2.dossier, code=code)


def _nothing_saved(feedback):
    feedback.refresh_from_db()
    assert feedback.submitted_at is None
    assert feedback.submitted_by is None
    assert not CompanyRating.objects.exists()
    assert not Notification.objects.exists()


def test_jan_rates_every_werkproces_of_the_offer(cast, placed, feedback, now):
    w1, p1 = placed.werkprocessen
    result = _submit(
        feedback, cast.jan, {w1.pk: "goed", p1.pk: "oefenen"}, "  Sanne dacht goed mee.  ", now
    )
    result.refresh_from_db()
    assert (result.submitted_by, result.submitted_at) == (cast.jan, now)
    assert result.comment == "Sanne dacht goed mee."
    assert sorted(result.ratings.values_list("werkproces__code", "level")) == [
        ("B1-K1-W1", "goed"),
        ("P1-K1-W1", "oefenen"),
    ]


def test_the_student_and_the_coach_hear_about_it(cast, placed, feedback, now):
    StudentEnrolment.objects.filter(student=cast.sanne).update(coach=cast.devries)
    _submit(feedback, cast.jan, levels_for(placed), now=now)
    to_sanne = Notification.objects.get(recipient=cast.sanne)
    assert to_sanne.title == "Feedback van Bakkerij Jansen"
    assert to_sanne.url == reverse("frontend:my-activities")
    assert cast.jan.get_full_name() not in to_sanne.body  # the company, not the mentor
    to_coach = Notification.objects.get(recipient=cast.devries)
    assert to_coach.title == f"Feedback van Bakkerij Jansen over {cast.sanne.get_full_name()}"
    assert to_coach.url == reverse("frontend:student-portfolio", args=[cast.sanne.pk])
    assert Notification.objects.count() == 2


def test_without_a_coach_only_the_student_hears_about_it(cast, placed, feedback):
    _submit(feedback, cast.jan, levels_for(placed))
    assert list(Notification.objects.values_list("recipient", flat=True)) == [cast.sanne.pk]


def test_a_second_submit_is_refused_with_the_date_it_was_filled_in(cast, placed, feedback):
    first = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
    _submit(feedback, cast.jan, levels_for(placed, "goed"), "Eerste keer", now=first)
    with pytest.raises(ApplicationError) as refused:
        _submit(feedback, cast.jan, levels_for(placed, "nooit"), "Tweede keer")
    assert refused.value.message == (
        "Deze feedback is al ingevuld op 3 november 2026; u kunt hem niet nog eens invullen."
    )
    feedback.refresh_from_db()
    assert feedback.comment == "Eerste keer"
    assert set(CompanyRating.objects.values_list("level", flat=True)) == {"goed"}


def test_eva_of_pixelfabriek_cannot_rate_jans_team(cast, placed, feedback):
    with pytest.raises(PermissionDenied) as refused:
        _submit(feedback, cast.eva, levels_for(placed))
    assert refused.value.message == (
        "U kunt alleen feedback geven op studenten in een team van uw eigen bedrijf."
    )
    _nothing_saved(feedback)


def test_jan_cannot_rate_a_student_of_another_companys_team(cast):
    pixel = placement(cast, owner=cast.pixel, contact=cast.eva)
    feedback = open_feedback(pixel)
    with pytest.raises(PermissionDenied):
        _submit(feedback, cast.jan, levels_for(pixel))
    _nothing_saved(feedback)


@pytest.mark.parametrize("who", ["devries", "bos", "sanne", "ahmed", "peters", "fenna"])
def test_nobody_but_the_company_may_rate(cast, placed, feedback, who):
    with pytest.raises(PermissionDenied):
        _submit(feedback, getattr(cast, who), levels_for(placed))
    _nothing_saved(feedback)


def test_a_student_moved_off_the_team_can_no_longer_be_rated(cast, placed, feedback):
    Assignment.objects.filter(student=cast.sanne).delete()
    with pytest.raises(PermissionDenied) as refused:
        _submit(feedback, cast.jan, levels_for(placed))
    assert "Sanne zit niet (meer) in het team van „Webshop voor de bakkerij”" in (
        refused.value.message
    )
    _nothing_saved(feedback)


def test_a_werkproces_not_on_the_offer_is_refused_by_its_code(cast, placed, feedback):
    other = _werkproces(cast, "B1-K1-W2")  # in Sanne's kwalificatie, not on the offer
    levels = {**levels_for(placed), other.pk: "goed"}
    with pytest.raises(ApplicationError) as refused:
        _submit(feedback, cast.jan, levels)
    assert refused.value.extra["fields"] == {
        f"werkproces_{other.pk}": [
            "Werkproces B1-K1-W2 hoort niet bij deze activiteit; u beoordeelt alleen de "
            "werkprocessen van de activiteit."
        ]
    }
    _nothing_saved(feedback)


def test_a_werkproces_that_does_not_exist_is_refused(cast, placed, feedback):
    with pytest.raises(ApplicationError) as refused:
        _submit(feedback, cast.jan, {**levels_for(placed), 987654: "goed"})
    assert (
        refused.value.message == "Werkproces 987654 bestaat niet of hoort niet bij deze activiteit."
    )
    _nothing_saved(feedback)


def test_every_missing_werkproces_is_named(cast, placed, feedback):
    w1, p1 = placed.werkprocessen
    with pytest.raises(ApplicationError) as refused:
        _submit(feedback, cast.jan, {w1.pk: "voldoende"})
    assert (
        refused.value.message == "Kies een niveau voor werkproces P1-K1-W1 (Werkproces P1-K1-W1)."
    )
    assert list(refused.value.extra["fields"]) == [f"werkproces_{p1.pk}"]
    with pytest.raises(ApplicationError) as refused:
        _submit(feedback, cast.jan, {})
    assert list(refused.value.extra["fields"]) == [f"werkproces_{w1.pk}", f"werkproces_{p1.pk}"]
    _nothing_saved(feedback)


@pytest.mark.parametrize("level", ["uitstekend", "", "GOED", "<b>goed</b>"])
def test_a_level_off_the_scale_is_refused(cast, placed, feedback, level):
    w1, p1 = placed.werkprocessen
    with pytest.raises(ApplicationError) as refused:
        _submit(feedback, cast.jan, {w1.pk: "goed", p1.pk: level})
    assert list(refused.value.extra["fields"]) == [f"werkproces_{p1.pk}"]
    assert "P1-K1-W1" in refused.value.message
    _nothing_saved(feedback)


def test_a_comment_of_1000_characters_is_fine_and_1001_is_too_long(cast, placed, feedback):
    with pytest.raises(ApplicationError) as refused:
        _submit(feedback, cast.jan, levels_for(placed), "x" * 1001)
    assert refused.value.extra["fields"] == {
        "comment": ["De toelichting is 1001 tekens lang; maak hem korter (hooguit 1000)."]
    }
    _nothing_saved(feedback)
    _submit(feedback, cast.jan, levels_for(placed), "x" * 1000)
    feedback.refresh_from_db()
    assert len(feedback.comment) == 1000


def test_html_in_the_comment_is_stored_as_text(cast, placed, feedback):
    _submit(feedback, cast.jan, levels_for(placed), "<script>alert(1)</script>")
    feedback.refresh_from_db()
    assert feedback.comment == "<script>alert(1)</script>"  # escaped where it is shown


def test_an_offer_without_werkprocessen_needs_a_comment(cast):
    placed = placement(cast, codes=())
    feedback = open_feedback(placed)
    with pytest.raises(ApplicationError) as refused:
        _submit(feedback, cast.jan, {})
    assert list(refused.value.extra["fields"]) == ["comment"]
    _submit(feedback, cast.jan, {}, "Goed meegedacht.")
    assert CompanyFeedback.objects.get().submitted_at is not None
