"""What the people who use the privacy pages read (review r2, issue 14): no technical keys or raw
JSON, the consent wording in the language of the page, links that go where they say, empty states
that say what to do, and a clear message per field."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from backend.accounts.consent_wording import wording_text
from backend.accounts.models import Consent, ConsentPurpose, PersonalDataReadKind
from backend.accounts.services.sensitive_reads import record_sensitive_read
from backend.allocations.models import Assignment
from backend.privacy.models import DataRequest, RequestKind, RequestStatus, RetentionRun
from tests.backend.allocations.conftest import to_review, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PHOTOS = ConsentPurpose.EVENT_PHOTOS


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _english(page_client, user):
    client = page_client(user)
    client.cookies["django_language"] = "en"
    return client


# --- the student ---------------------------------------------------------------------------------


def test_the_consent_wording_follows_the_language_of_the_page_and_is_stored_as_read(
    cast, page_client
):
    client = _english(page_client, cast.sanne)
    html = _get(client, reverse("frontend:my-privacy"))
    english = wording_text(PHOTOS, "en")
    assert english != wording_text(PHOTOS, "nl")
    assert escape(english) in html
    assert escape(wording_text(PHOTOS, "nl")) not in html

    client.post(reverse("frontend:my-consent-change", args=[PHOTOS]), {"action": "give"})

    consent = Consent.objects.get(person=cast.sanne, purpose=PHOTOS)
    assert (consent.wording, consent.language) == (english, "en")


def test_the_students_own_data_names_the_qualification_and_explains_a_placement_in_words(
    world,  # noqa: F811
    page_client,
):
    to_review(world)
    assignment = Assignment.objects.filter(student__in=world.students).first()
    placed, title = assignment.student, assignment.offer.title

    html = _get(page_client(placed), reverse("frontend:my-data"))

    assert "<dt>Kwalificatie</dt>" in html
    assert escape(f"Je bent ingedeeld bij '{title}'") in html
    for raw in ("offer_id", "passed_over", "{&quot;"):
        assert raw not in html, raw
    # The run's plain numbers: the student is not told their own id, the assignment is named.
    assert "Student (nummer)" not in html
    assert "Opdracht of aanbod (nummer)" not in html
    placement = html[html.index("Plaatsingen in een run") :]
    assert escape(title) in placement[: placement.index("Uitleg")]


def test_the_students_own_access_log_says_where_it_was_read_not_the_url_name(cast, page_client):
    record_sensitive_read(
        reader=cast.devries,
        student=cast.sanne,
        kind=PersonalDataReadKind.CARE_NOTES,
        purpose="api:student-detail",
    )

    html = _get(page_client(cast.sanne), reverse("frontend:my-data"))

    assert "het dossier van de student in Koppel" in html
    assert "api:student-detail" not in html


def test_a_request_without_a_kind_says_so_at_the_field(cast, page_client):
    response = page_client(cast.sanne).post(reverse("frontend:my-request-new"), {"details": "x"})

    assert response.status_code == 200
    assert "Kies wat je wilt vragen." in response.content.decode()
    assert not DataRequest.objects.exists()


# --- the privacy officer -------------------------------------------------------------------------


def test_the_access_log_shows_where_data_was_read_in_words(cast, page_client):
    read = record_sensitive_read(
        reader=cast.devries,
        student=cast.sanne,
        kind=PersonalDataReadKind.STUDENT_RECORD,
        purpose="admin:accounts_user_change",
    )

    html = _get(page_client(cast.fenna), reverse("frontend:privacy-access-log"))

    row = html[html.index(f'id="read-{read.pk}"') :]
    row = row[: row.index("</tr>")]
    assert '<td title="admin:accounts_user_change">De beheeromgeving (account)</td>' in row
    assert "<code>" not in row


def test_empty_access_log_and_empty_filter_say_what_happens_and_how_to_go_back(cast, page_client):
    client = page_client(cast.fenna)
    url = reverse("frontend:privacy-access-log")

    assert "Zodra iemand zorgnotities leest" in _get(client, url)
    filtered = _get(client, url, student="niemand")
    assert "Geen inzages gevonden met deze filters." in filtered
    assert f'<a href="{url}">Alle inzages tonen</a>' in filtered


def test_home_links_overdue_requests_to_the_overdue_filter_and_names_each_run_link(
    cast, page_client
):
    now = timezone.now()
    DataRequest.objects.create(
        school=cast.vista,
        subject=cast.sanne,
        kind=RequestKind.ERASURE,
        submitted_by=cast.sanne,
        submitted_at=now - dt.timedelta(days=40),
        due_on=timezone.localdate() - dt.timedelta(days=9),
        status=RequestStatus.SUBMITTED,
    )
    run = RetentionRun.objects.create(
        school=cast.vista, dry_run=False, started_at=now, finished_at=now, as_of=now, total=3
    )
    dry = RetentionRun.objects.create(
        school=cast.vista, dry_run=True, started_at=now, finished_at=now, as_of=now, total=0
    )
    requests_url = reverse("frontend:privacy-requests")

    html = _get(page_client(cast.fenna), reverse("frontend:privacy-home"))

    assert f'href="{requests_url}?status=overdue">Te late verzoeken bekijken</a>' in html
    run_url = reverse("frontend:privacy-retention-run", args=[run.pk])
    dry_url = reverse("frontend:privacy-retention-run", args=[dry.pk])
    assert f'href="{run_url}">Ronde bekijken</a>' in html
    assert f'href="{dry_url}">Proefdraai bekijken</a>' in html
    overdue = _get(page_client(cast.fenna), requests_url, status="overdue")
    assert cast.sanne.get_full_name() in overdue


def test_empty_request_list_says_where_requests_come_from(cast, page_client):
    client = page_client(cast.fenna)
    url = reverse("frontend:privacy-requests")

    assert "Studenten dienen een verzoek in via hun privacypagina" in _get(client, url)
    closed = _get(client, url, status="closed")
    assert "Geen verzoeken met deze status." in closed
    assert f'<a href="{url}">Alle verzoeken tonen</a>' in closed


def test_closing_a_request_without_a_decision_says_so_at_the_field(cast, page_client):
    request = DataRequest.objects.create(
        school=cast.vista,
        subject=cast.sanne,
        kind=RequestKind.CORRECTION,
        submitted_by=cast.sanne,
        submitted_at=timezone.now(),
        due_on=timezone.localdate() + dt.timedelta(days=30),
        status=RequestStatus.SUBMITTED,
    )

    response = page_client(cast.fenna).post(
        reverse("frontend:privacy-request", args=[request.pk]), {"outcome": "klaar"}
    )

    assert response.status_code == 200
    assert "Kies of het verzoek is afgehandeld of afgewezen." in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_the_erasure_plan_names_each_kind_of_data_with_a_capital(cast, page_client):
    request = DataRequest.objects.create(
        school=cast.vista,
        subject=cast.sanne,
        kind=RequestKind.ERASURE,
        submitted_by=cast.sanne,
        submitted_at=timezone.now(),
        due_on=timezone.localdate() + dt.timedelta(days=30),
        status=RequestStatus.SUBMITTED,
    )

    html = _get(
        page_client(cast.fenna), reverse("frontend:privacy-request-erase", args=[request.pk])
    )

    plan = html[html.index('id="erasure-plan"') :]
    assert "<tr><td>Gebruikers</td>" in plan
    assert "<tr><td>gebruikers</td>" not in plan


def test_a_search_without_result_says_how_to_search(cast, page_client):
    html = _get(page_client(cast.fenna), reverse("frontend:privacy-students"), q="zzzz")

    assert 'Geen student gevonden voor "zzzz".' in html
    assert "het begin van het studentnummer" in html


def test_retention_runs_have_an_empty_state_that_explains(cast, page_client):
    html = _get(page_client(cast.fenna), reverse("frontend:privacy-retention"))

    assert '<h2 id="runs-heading">Rondes en proefdraaien</h2>' in html
    assert "De dagelijkse taak voert elke nacht een ronde uit" in html


def test_the_runs_heading_differs_from_the_name_of_the_table_of_runs(cast, page_client):
    # Two regions with one name (the section and the scrolling table) are ambiguous.
    now = timezone.now()
    RetentionRun.objects.create(
        school=cast.vista, dry_run=True, started_at=now, finished_at=now, as_of=now, total=0
    )

    html = _get(page_client(cast.fenna), reverse("frontend:privacy-retention"))

    assert '<h2 id="runs-heading">Rondes en proefdraaien</h2>' in html
    assert '<caption class="visually-hidden">Rondes van de bewaartermijnen</caption>' in html


def test_the_students_requests_table_has_its_own_name(cast, page_client):
    DataRequest.objects.create(
        school=cast.vista,
        subject=cast.sanne,
        kind=RequestKind.ACCESS,
        submitted_by=cast.sanne,
        submitted_at=timezone.now(),
        due_on=timezone.localdate() + dt.timedelta(days=30),
        status=RequestStatus.SUBMITTED,
    )

    html = _get(page_client(cast.sanne), reverse("frontend:my-privacy"))

    section = html[html.index('id="requests"') :]
    assert '<caption class="visually-hidden">Je verzoeken</caption>' in section


def test_the_dashboard_counts_match_the_home_and_the_overdue_item_opens_the_overdue_list(
    cast, page_client
):
    now = timezone.now()
    for days in (-3, 5, 20):
        DataRequest.objects.create(
            school=cast.vista,
            subject=cast.sanne,
            kind=RequestKind.ACCESS,
            submitted_by=cast.sanne,
            submitted_at=now,
            due_on=timezone.localdate() + dt.timedelta(days=days),
            status=RequestStatus.SUBMITTED,
        )
    client = page_client(cast.fenna)
    requests_url = reverse("frontend:privacy-requests")

    dashboard = _get(client, reverse("frontend:dashboard"))
    home = _get(client, reverse("frontend:privacy-home"))

    assert "3 open verzoeken" in dashboard
    assert '<span class="stat" id="open-requests">3</span>' in home
    assert f'href="{requests_url}?status=overdue"' in dashboard
    assert "1 verzoek over persoonsgegevens is over de termijn" in dashboard
    assert "1 verzoek is over de termijn van een maand." in home


def test_the_consent_history_shows_a_dated_wording_version_as_a_date(cast, page_client):
    Consent.objects.create(
        person=cast.sanne,
        purpose=PHOTOS,
        wording="Tekst.",
        wording_version="2026-12-04",
        language="nl",
        given_at=timezone.now(),
    )

    html = _get(page_client(cast.sanne), reverse("frontend:my-privacy"))

    history = html[html.index('id="consent-history"') :]
    assert "(tekst van 4 december 2026)" in history
    assert "2026-12-04" not in history
