"""The driehoekgesprek pages: the list, planning, a series and recording a conversation."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.accounts.models import StudentEnrolment
from backend.learning.models import TriadConversation, TriadSeries
from backend.notifications.models import Notification
from tests.backend.learning.factories import placement
from tests.backend.learning.triads_factories import triad_series
from tests.factories import student

pytestmark = pytest.mark.django_db

D = dt.timedelta
FIXED = dt.datetime(2027, 3, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def at_fixed_day(time_machine):
    time_machine.move_to(FIXED, tick=False)
    return FIXED.date()


@pytest.fixture
def series(cast, at_fixed_day):
    """Sanne's, with De Vries and Jan: 24 February held, 3 March missed, 17 March planned."""
    series = triad_series(cast, first_on=dt.date(2027, 2, 24), interval_days=7, count=4)
    held = series.conversations.get(planned_on=dt.date(2027, 2, 24))
    held.held_on = dt.date(2027, 2, 25)
    held.notes = "Sanne werkt zelfstandig.\n<script>alert(1)</script>"
    held.recorded_by = cast.jan
    held.save()
    return series


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- the list -----------------------------------------------------------------------------------


def test_the_coach_sees_the_series_with_dates_in_dutch_and_a_start_button(
    cast, series, page_client
):
    html = _html(page_client(cast.devries).get(reverse("frontend:triad-list")))

    assert cast.sanne.get_full_name() in html
    assert "Webshop voor de bakkerij" in html
    assert "10 maart 2027" in html  # the next one not yet held: today (10 March)
    assert "1 van 4" in html
    assert "1 niet vastgelegd" in html
    assert reverse("frontend:triad-new") in html


def test_the_mentor_sees_the_students_first_name_only_and_no_start_button(
    cast, series, page_client
):
    html = _html(page_client(cast.jan).get(reverse("frontend:triad-list")))

    assert cast.sanne.first_name in html
    assert cast.sanne.last_name not in html
    assert cast.sanne.email not in html
    assert reverse("frontend:triad-new") not in html


def test_the_student_sees_her_series_and_no_start_button(cast, series, page_client):
    html = _html(page_client(cast.sanne).get(reverse("frontend:triad-list")))

    assert reverse("frontend:triad-detail", args=[series.pk]) in html
    assert reverse("frontend:triad-new") not in html


@pytest.mark.parametrize("who", ["bos", "eva", "peters", "ahmed"])
def test_others_see_an_empty_list(cast, series, page_client, who):
    html = _html(page_client(getattr(cast, who)).get(reverse("frontend:triad-list")))

    assert reverse("frontend:triad-detail", args=[series.pk]) not in html
    assert "Webshop voor de bakkerij" not in html


def test_the_list_page_costs_the_same_queries_for_one_or_five_series(
    cast, at_fixed_day, page_client
):
    client = page_client(cast.devries)
    url = reverse("frontend:triad-list")
    triad_series(cast, first_on=at_fixed_day, count=3)
    client.get(url)  # warm the session

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(4):
        pupil = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=f"P{n}")
        triad_series(cast, student=pupil, first_on=at_fixed_day - D(days=n), count=3)
    with CaptureQueriesContext(connection) as five:
        html = _html(client.get(url))

    assert html.count("/leren/driehoekgesprekken/") - html.count("/nieuw/") >= 5
    assert len(five) == len(one)
    # The session, the user, their roles, the series with their counts: nothing per series.
    assert len(one) == 4, [q["sql"][:60] for q in one.captured_queries]


def test_dates_follow_the_readers_language(cast, series, page_client):
    client = page_client(cast.devries)
    client.cookies["django_language"] = "en"

    html = _html(client.get(reverse("frontend:triad-detail", args=[series.pk])))

    assert "24 February 2027" in html
    assert "maart" not in html


# --- planning -----------------------------------------------------------------------------------


def _plan_data(cast, offer, **overrides):
    data = {
        "placement": f"{cast.sanne.pk}-{offer.pk}",
        "mentor": "",
        "interval_days": "14",
        "first_on": "2027-03-15",
        "last_on": "2027-04-12",
    }
    data.update(overrides)
    return data


def test_the_coach_plans_a_series_for_a_placement(cast, at_fixed_day, page_client):
    offer = placement(cast).offer
    client = page_client(cast.devries)

    form = _html(client.get(reverse("frontend:triad-new")))
    assert "Webshop voor de bakkerij" in form
    # A date input reads ISO dates: today and the activity's end, whatever the language.
    assert 'name="first_on" value="2027-03-10"' in form
    assert f'name="last_on" value="{offer.ends_on.isoformat()}"' in form
    assert cast.jan.get_full_name() in form

    response = client.post(reverse("frontend:triad-new"), _plan_data(cast, offer), follow=True)

    series = TriadSeries.objects.get()
    assert response.redirect_chain[-1][0] == reverse("frontend:triad-detail", args=[series.pk])
    assert series.mentor == cast.jan  # the activity's contact, left empty
    assert list(series.conversations.values_list("planned_on", flat=True)) == [
        dt.date(2027, 3, 15),
        dt.date(2027, 3, 29),
        dt.date(2027, 4, 12),
    ]
    html = response.content.decode()
    assert "De driehoekgesprekken zijn gepland" in html
    assert "15 maart 2027" in html
    assert "12 april 2027" in html
    assert Notification.objects.filter(recipient__in=[cast.sanne, cast.jan]).count() == 2


def test_the_form_shows_the_services_refusal_on_the_field(cast, at_fixed_day, page_client):
    offer = placement(cast).offer

    html = _html(
        page_client(cast.devries).post(
            reverse("frontend:triad-new"),
            _plan_data(cast, offer, interval_days="50", last_on="2027-03-01"),
        )
    )

    assert "Kies om de hoeveel dagen het gesprek is: minimaal 7 en maximaal 42." in html
    assert TriadSeries.objects.count() == 0


def test_a_last_date_before_the_first_is_refused_on_the_page(cast, at_fixed_day, page_client):
    offer = placement(cast).offer

    html = _html(
        page_client(cast.devries).post(
            reverse("frontend:triad-new"), _plan_data(cast, offer, last_on="2027-03-14")
        )
    )

    assert "Het laatste gesprek kan niet vóór het eerste gesprek (15 maart 2027) liggen." in html
    assert TriadSeries.objects.count() == 0


def test_a_mentor_of_another_company_is_refused(cast, at_fixed_day, page_client):
    offer = placement(cast).offer
    placement(cast, students=[], owner=cast.pixel, contact=cast.eva, title="Logo")
    # Eva is a choice (another placement's company) but not for this placement.
    pupil = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Lotte")
    placement(cast, students=[pupil], owner=cast.pixel, contact=cast.eva, title="Huisstijl")

    html = _html(
        page_client(cast.devries).post(
            reverse("frontend:triad-new"), _plan_data(cast, offer, mentor=str(cast.eva.pk))
        )
    )

    assert "De mentor moet een contactpersoon zijn van Bakkerij Jansen" in html
    assert TriadSeries.objects.count() == 0


def test_staff_of_another_school_cannot_plan_for_sanne(cast, at_fixed_day, page_client):
    offer = placement(cast).offer

    html = _html(
        page_client(cast.peters).post(reverse("frontend:triad-new"), _plan_data(cast, offer))
    )

    assert 'id="no-placements"' in html  # nothing of Vista's to choose, nothing planned
    assert "Webshop voor de bakkerij" not in html
    assert TriadSeries.objects.count() == 0


def test_a_placement_that_is_not_a_choice_is_refused(cast, at_fixed_day, page_client):
    offer = placement(cast).offer
    placement(cast, students=[cast.ahmed], title="Gilde-klus")  # Ahmed is Gilde's student

    html = _html(
        page_client(cast.devries).post(
            reverse("frontend:triad-new"),
            {**_plan_data(cast, offer), "placement": f"{cast.ahmed.pk}-{offer.pk}"},
        )
    )

    assert "Kies een student en activiteit uit de lijst" in html
    assert TriadSeries.objects.count() == 0


def test_without_placements_the_page_says_so(cast, at_fixed_day, page_client):
    html = _html(page_client(cast.bos).get(reverse("frontend:triad-new")))

    assert 'id="no-placements"' in html
    assert '<form method="post" class="card' not in html


# --- one series ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sanne", "devries", "jan"])
def test_the_three_see_the_conversations_and_notes(cast, series, page_client, who):
    html = _html(
        page_client(getattr(cast, who)).get(reverse("frontend:triad-detail", args=[series.pk]))
    )

    assert "24 februari 2027" in html
    assert "gehouden op 25 februari 2027" in html
    assert "niet vastgelegd" in html  # 3 March
    assert "17 maart 2027" in html
    assert "Sanne werkt zelfstandig.<br>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Elke 7 dagen, van 24 februari 2027 tot uiterlijk 17 maart 2027" in html


@pytest.mark.parametrize("who", ["bos", "eva", "peters", "ahmed"])
def test_nobody_else_finds_the_series(cast, series, page_client, who):
    client = page_client(getattr(cast, who))
    conversation = series.conversations.first()

    assert client.get(reverse("frontend:triad-detail", args=[series.pk])).status_code == 404
    assert client.post(reverse("frontend:triad-detail", args=[series.pk])).status_code == 404
    assert (
        client.get(reverse("frontend:triad-conversation", args=[conversation.pk])).status_code
        == 404
    )


def test_the_mentor_reads_the_students_first_name_only(cast, series, page_client):
    html = _html(page_client(cast.jan).get(reverse("frontend:triad-detail", args=[series.pk])))

    assert f"Driehoekgesprekken met {cast.sanne.first_name}" in html
    assert cast.sanne.last_name not in html


def test_only_the_coach_sees_the_stop_button_with_a_confirmation(cast, series, page_client):
    url = reverse("frontend:triad-detail", args=[series.pk])

    coach_html = _html(page_client(cast.devries).get(url))
    assert 'data-confirm="De reeks driehoekgesprekken stoppen?' in coach_html
    for who in (cast.sanne, cast.jan):
        assert "Reeks stoppen" not in _html(page_client(who).get(url))


def test_the_coach_stops_the_series(cast, series, page_client):
    url = reverse("frontend:triad-detail", args=[series.pk])

    response = page_client(cast.devries).post(url, follow=True)

    html = _html(response)
    assert "De reeks is gestopt" in html
    assert "Gestopt op 10 maart 2027" in html
    assert "Vastleggen" not in html
    series.refresh_from_db()
    assert series.cancelled_at == FIXED


@pytest.mark.parametrize("who", ["sanne", "jan"])
def test_the_student_and_mentor_cannot_stop_it(cast, series, page_client, who):
    response = page_client(getattr(cast, who)).post(
        reverse("frontend:triad-detail", args=[series.pk])
    )

    assert response.status_code == 404
    series.refresh_from_db()
    assert series.cancelled_at is None


# --- recording a conversation -------------------------------------------------------------------


def _missed(series) -> TriadConversation:
    return series.conversations.get(planned_on=dt.date(2027, 3, 3))


def test_the_student_records_a_conversation_from_her_phone(cast, series, page_client):
    conversation = _missed(series)
    url = reverse("frontend:triad-conversation", args=[conversation.pk])
    client = page_client(cast.sanne)

    form = _html(client.get(url))
    assert "3 maart 2027" in form
    assert 'value="2027-03-03"' in form  # the planned date, as a start

    response = client.post(
        url, {"held_on": "2027-03-04", "notes": "Ik heb de planning laten zien."}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:triad-detail", args=[series.pk])
    conversation.refresh_from_db()
    assert (conversation.held_on, conversation.notes, conversation.recorded_by) == (
        dt.date(2027, 3, 4),
        "Ik heb de planning laten zien.",
        cast.sanne,
    )


def test_a_future_date_is_refused_on_the_page(cast, series, page_client):
    conversation = series.conversations.get(planned_on=dt.date(2027, 3, 17))

    html = _html(
        page_client(cast.jan).post(
            reverse("frontend:triad-conversation", args=[conversation.pk]),
            {"held_on": "2027-03-11", "notes": ""},
        )
    )

    assert (
        "De datum van het gesprek kan niet in de toekomst liggen; vandaag is 10 maart 2027." in html
    )
    conversation.refresh_from_db()
    assert conversation.held_on is None


def test_long_notes_are_refused_and_kept_in_the_form(cast, series, page_client):
    conversation = _missed(series)

    html = _html(
        page_client(cast.devries).post(
            reverse("frontend:triad-conversation", args=[conversation.pk]),
            {"held_on": "2027-03-03", "notes": "a" * 2001},
        )
    )

    assert "Houd de aantekeningen kort: hoogstens 2000 tekens (nu 2001)." in html
    assert "a" * 2001 in html
    conversation.refresh_from_db()
    assert conversation.held_on is None


@pytest.mark.parametrize("who", ["eva", "bos", "peters"])
def test_others_cannot_record(cast, series, page_client, who):
    conversation = _missed(series)

    response = page_client(getattr(cast, who)).post(
        reverse("frontend:triad-conversation", args=[conversation.pk]),
        {"held_on": "2027-03-03", "notes": "Ik was er niet bij"},
    )

    assert response.status_code == 404
    conversation.refresh_from_db()
    assert (conversation.held_on, conversation.notes) == (None, "")


def test_a_stopped_series_sends_the_recorder_back(cast, series, page_client):
    TriadSeries.objects.filter(pk=series.pk).update(cancelled_at=FIXED)
    conversation = _missed(series)

    response = page_client(cast.sanne).post(
        reverse("frontend:triad-conversation", args=[conversation.pk]),
        {"held_on": "2027-03-03", "notes": ""},
        follow=True,
    )

    assert "Deze reeks driehoekgesprekken is gestopt" in _html(response)
    conversation.refresh_from_db()
    assert conversation.held_on is None


def test_the_coordinator_who_planned_for_the_coach_is_not_a_participant(
    cast, at_fixed_day, page_client
):
    StudentEnrolment.objects.filter(student=cast.sanne).update(coach=cast.devries)
    offer = placement(cast).offer
    page_client(cast.bos).post(reverse("frontend:triad-new"), _plan_data(cast, offer))
    series = TriadSeries.objects.get()

    assert series.coach == cast.devries
    assert (
        page_client(cast.bos).get(reverse("frontend:triad-detail", args=[series.pk])).status_code
        == 404
    )


def test_an_empty_list_says_who_plans_in_the_readers_form_of_address(cast, page_client):
    url = reverse("frontend:triad-list")

    assert "je krijgt dan bericht" in _html(page_client(cast.sanne).get(url))
    assert "u krijgt dan bericht" in _html(page_client(cast.eva).get(url))
    assert "Plan ze voor een student" in _html(page_client(cast.bos).get(url))
