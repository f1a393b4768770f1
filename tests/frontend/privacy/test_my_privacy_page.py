"""The student's privacy page (issue 14): what Koppel keeps and why, links to their data and to a
new request, their consents with the wording and give/withdraw buttons, and their requests."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from backend.accounts.consent_wording import wording_text
from backend.accounts.models import Consent, ConsentPurpose
from backend.accounts.selectors import has_consent
from backend.accounts.services.consent import give_consent
from backend.privacy.models import DataRequest, RequestKind, RequestStatus

URL = reverse("frontend:my-privacy")
PHOTOS = ConsentPurpose.EVENT_PHOTOS
FOLLOW_UP = ConsentPurpose.FOLLOW_UP_CONTACT


def _change(purpose):
    return reverse("frontend:my-consent-change", args=[purpose])


def _html(page_client, user):
    response = page_client(user).get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_explains_and_links_to_the_students_data_and_requests(cast, page_client):
    html = _html(page_client, cast.sanne)
    assert "Privacy en jouw gegevens" in html
    assert "Een bedrijf ziet alleen je voornaam" in html
    for name in ("frontend:my-data", "frontend:my-data-json", "frontend:my-request-new"):
        assert f'href="{reverse(name)}"' in html
    assert "Je hebt nog geen verzoeken ingediend." in html


def test_each_purpose_shows_its_wording_and_a_give_button_until_given(cast, page_client):
    html = _html(page_client, cast.sanne)
    for purpose in (PHOTOS, FOLLOW_UP):
        assert escape(wording_text(purpose, "nl")) in html
        assert f'action="{_change(purpose)}"' in html
    assert html.count('value="give"') == 2
    assert 'value="withdraw"' not in html


def test_the_student_gives_and_withdraws_consent_and_sees_the_history(cast, page_client):
    client = page_client(cast.sanne)
    response = client.post(_change(PHOTOS), {"action": "give"})
    assert response.status_code == 302
    assert response.url == URL
    consent = Consent.objects.get(person=cast.sanne)
    assert (consent.purpose, consent.wording, consent.withdrawn_at) == (
        PHOTOS,
        wording_text(PHOTOS, "nl"),
        None,
    )
    html = client.get(URL).content.decode()
    assert "Je toestemming is vastgelegd." in html
    photos = html[html.index(f'id="consent-{PHOTOS}"') : html.index('id="consent-history"')]
    assert "toestemming gegeven" in photos
    assert 'value="withdraw"' in photos
    follow_up = html[html.index(f'id="consent-{FOLLOW_UP}"') : html.index(f'id="consent-{PHOTOS}"')]
    assert "geen toestemming" in follow_up
    assert 'value="give"' in follow_up

    assert client.post(_change(PHOTOS), {"action": "withdraw"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not has_consent(cast.sanne, PHOTOS)
    html = client.get(URL).content.decode()
    assert "Je toestemming is ingetrokken." in html
    history = html[html.index('id="consent-history"') :]
    assert "ingetrokken op" in history


def test_an_old_consent_shows_the_wording_it_was_given_with(cast, page_client):
    consent = give_consent(person=cast.sanne, purpose=FOLLOW_UP)
    Consent.objects.filter(pk=consent.pk).update(
        wording="Oude tekst van toen.", wording_version="v1"
    )
    html = _html(page_client, cast.sanne)
    assert "Oude tekst van toen." in html
    assert "tekst van v1" in html


def test_get_redirects_an_unknown_purpose_is_404_and_a_bad_action_changes_nothing(
    cast, page_client
):
    client = page_client(cast.sanne)
    response = client.get(_change(PHOTOS))
    assert response.status_code == 302
    assert response.url == URL
    assert client.post(_change("marketing"), {"action": "give"}).status_code == 404
    assert client.post(_change(PHOTOS), {"action": "nonsense"}).status_code == 302
    assert not Consent.objects.exists()


def test_only_the_student_gives_their_own_consent(cast, page_client):
    for user in (cast.jan, cast.devries, cast.fenna):
        assert page_client(user).post(_change(PHOTOS), {"action": "give"}).status_code == 403
        assert page_client(user).get(URL).status_code == 403
    assert not Consent.objects.exists()


def test_the_students_own_requests_are_listed_and_nobody_elses(cast, page_client):
    now = timezone.now()

    def request_of(person, kind, **fields):
        return DataRequest.objects.create(
            school=person.enrolment.school,
            subject=person,
            kind=kind,
            submitted_by=person,
            submitted_at=now,
            due_on=(now + dt.timedelta(days=30)).date(),
            **fields,
        )

    mine = request_of(cast.sanne, RequestKind.ACCESS)
    done = request_of(
        cast.sanne,
        RequestKind.CORRECTION,
        status=RequestStatus.DONE,
        handled_by=cast.fenna,
        handled_at=now,
        outcome="Je klas is aangepast.",
    )
    other = request_of(cast.ahmed, RequestKind.ERASURE)
    html = _html(page_client, cast.sanne)
    assert f'id="request-{mine.pk}"' in html
    assert f'id="request-{done.pk}"' in html
    assert f'id="request-{other.pk}"' not in html
    assert "Inzage en kopie (art. 15 en 20)" in html
    assert "Je klas is aangepast." in html


def test_students_find_the_page_in_the_menu(cast, page_client):
    assert (
        f'href="{URL}"'
        in page_client(cast.sanne).get(reverse("frontend:dashboard")).content.decode()
    )
    assert (
        f'href="{URL}"'
        not in page_client(cast.jan).get(reverse("frontend:dashboard")).content.decode()
    )
