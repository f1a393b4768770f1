import datetime as dt
import re

import pytest
from django.urls import reverse

from backend.agreements import services
from backend.agreements.models import Acceptance, CommitmentStatus
from backend.offers.models import OfferStatus
from tests.factories import OfferFactory

NOW = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def agreement(cast):
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Nieuwe bestelwebsite",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 3, 15),
        ends_on=dt.date(2027, 4, 15),
        schools=[cast.vista],
    )
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.bos, now=NOW
    )
    services.agreement_set_participants(
        agreement=agreement, students=[cast.sanne], actor=cast.bos, now=NOW
    )
    services.agreement_propose(agreement=agreement, actor=cast.bos, now=NOW)
    return agreement


def test_the_company_reads_the_agreement_in_dutch_and_english_and_accepts_it(
    cast, page_client, agreement
):
    client = page_client(cast.jan)
    url = reverse("frontend:agreement-detail", args=[agreement.pk])
    dutch = client.get(url + "?lang=nl").content.decode()
    assert "Ze loopt van 15 maart 2027 tot en met 15 april 2027." in dutch
    assert 'id="accept-agreement"' in dutch
    # Jan may update his own two commitments, not the school's.
    assert dutch.count("/status/") == 2
    english = client.get(url + "?lang=en").content.decode()
    assert "It runs from 15 March 2027 up to and including 15 April 2027." in english
    assert "Data protection (GDPR)" in english
    response = client.post(
        reverse("frontend:agreement-accept", args=[agreement.pk]) + "?lang=en",
        {"version": "1"},
        HTTP_USER_AGENT="Firefox/140",
    )
    assert response.status_code == 302
    assert response["Location"] == url + "?lang=en"
    acceptance = Acceptance.objects.get()
    assert (acceptance.person, acceptance.organisation, acceptance.user_agent) == (
        cast.jan,
        cast.bakkerij,
        "Firefox/140",
    )
    after = client.get(url).content.decode()
    assert 'id="accept-agreement"' not in after


def test_another_company_gets_nothing(cast, page_client, agreement):
    client = page_client(cast.eva)
    assert client.get(reverse("frontend:agreement-detail", args=[agreement.pk])).status_code == 404
    assert client.post(reverse("frontend:agreement-accept", args=[agreement.pk])).status_code == 404
    assert client.get(reverse("frontend:agreement-print", args=[agreement.pk])).status_code == 404
    assert Acceptance.objects.count() == 0


def test_the_student_reads_but_cannot_accept(cast, page_client, agreement):
    client = page_client(cast.sanne)
    page = client.get(reverse("frontend:agreement-detail", args=[agreement.pk])).content.decode()
    assert "Nieuwe bestelwebsite" in page
    assert 'id="accept-agreement"' not in page
    assert client.post(reverse("frontend:agreement-accept", args=[agreement.pk])).status_code == 403
    assert Acceptance.objects.count() == 0


def test_the_coordinator_sees_what_needs_attention(cast, page_client, agreement):
    services.agreement_accept(agreement=agreement, actor=cast.jan, now=NOW)
    services.agreement_accept(agreement=agreement, actor=cast.bos, now=NOW)
    services.commitment_escalate_overdue(now=dt.datetime(2027, 3, 16, tzinfo=dt.UTC))
    page = page_client(cast.bos).get(reverse("frontend:agreement-attention")).content.decode()
    assert "Aftrap en briefing voor de studenten geven" in page
    assert "Jan Jansen" in page
    assert page_client(cast.devries).get(reverse("frontend:agreement-attention")).status_code == 403
    assert page_client(cast.jan).get(reverse("frontend:agreement-attention")).status_code == 403


def test_a_commitment_update_needs_a_note_and_keeps_what_was_typed(cast, page_client, agreement):
    commitment = agreement.commitments.filter(owner=cast.jan).first()
    url = reverse("frontend:agreement-commitment-status", args=[commitment.pk])
    client = page_client(cast.jan)
    response = client.post(url, {"status": "done", "note": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<label for="id_note">Notitie</label>' in body
    assert "Dit veld is vereist." in body
    assert '<option value="done" selected>' in body
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN
    response = client.post(url, {"status": "waived", "note": "geen tijd"})
    assert response.status_code == 400  # a company contact may only mark it done
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN
    response = client.post(url, {"status": "done", "note": "Briefing gehouden"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.DONE
    assert commitment.updates.get(to_status="done").note == "Briefing gehouden"


def test_a_teacher_cannot_update_a_commitment(cast, page_client, agreement):
    commitment = agreement.commitments.filter(owner=cast.jan).first()
    response = page_client(cast.devries).post(
        reverse("frontend:agreement-commitment-status", args=[commitment.pk]),
        {"status": "done", "note": "x"},
    )
    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN


def test_the_printable_agreement_holds_versions_and_the_log(cast, page_client, agreement):
    services.agreement_accept(agreement=agreement, actor=cast.jan, now=NOW, ip_address="192.0.2.4")
    page = (
        page_client(cast.bos)
        .get(reverse("frontend:agreement-print", args=[agreement.pk]) + "?lang=en")
        .content.decode()
    )
    # The print styles live in a static file: the Content-Security-Policy blocks inline <style>.
    assert "/static/frontend/print.css" in page
    assert agreement.current_version().content_hash in page
    assert "192.0.2.4" in page
    assert "Jan Jansen" in page
    assert page.count("<tr><td>") >= 4 + 7  # commitments + log entries
    assert "Data protection (GDPR)" in page


def test_the_list_shows_my_agreements_and_commitments(
    cast, page_client, agreement, django_assert_max_num_queries
):
    client = page_client(cast.jan)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("frontend:agreement-list")).content.decode()
    assert "Nieuwe bestelwebsite" in page
    assert "Wacht op jouw acceptatie" in page
    assert "Mijn toezeggingen" in page
    assert (
        "Nieuwe bestelwebsite"
        not in page_client(cast.eva).get(reverse("frontend:agreement-list")).content.decode()
    )


def test_the_page_itself_speaks_english_to_an_english_reader(cast, page_client, agreement):
    page = page_client(cast.jan).get(
        reverse("frontend:agreement-detail", args=[agreement.pk]) + "?lang=en",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = page.content.decode()
    assert "Accept agreement" in body
    assert "Commitments" in body
    assert "Give the students a kick-off and briefing" not in body  # stored titles stay as written
    assert "It runs from 15 March 2027" in body


def _overdue_commitment(cast, agreement, *, today):
    """Jan's commitment, its due date three days before `today`, marked overdue by the check."""
    from backend.agreements.models import Commitment

    commitment = agreement.commitments.filter(owner=cast.jan).first()
    Commitment.objects.filter(pk=commitment.pk).update(due_on=today - dt.timedelta(days=3))
    services.commitment_escalate_overdue(now=dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC))
    commitment.refresh_from_db()
    return commitment


def test_the_commitment_history_names_statuses_in_words(cast, page_client, agreement):
    commitment = _overdue_commitment(cast, agreement, today=NOW.date())
    url = reverse("frontend:agreement-commitment-status", args=[commitment.pk])
    page = page_client(cast.jan).get(url).content.decode()
    assert "— · → open:" in page
    assert "— open → te laat: Automatisch: de deadline van" in page
    assert "→ overdue" not in page


def test_the_print_view_names_the_accepting_role_in_words(cast, page_client, agreement):
    services.agreement_accept(agreement=agreement, actor=cast.jan, now=NOW)
    page = (
        page_client(cast.bos)
        .get(reverse("frontend:agreement-print", args=[agreement.pk]) + "?lang=nl")
        .content.decode()
    )
    assert "Jan Jansen — Bakkerij Jansen (contactpersoon bedrijf)," in page
    assert "company_contact" not in page


def test_the_commitments_csv_gives_the_status_in_words(cast, page_client, agreement):
    import csv
    import io

    commitment = _overdue_commitment(cast, agreement, today=NOW.date())
    response = page_client(cast.bos).get(
        reverse("api:commitment-export-csv") + f"?agreement={agreement.pk}"
    )
    rows = {row[2]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows[commitment.title][6] == "te laat"
    assert "overdue" not in response.content.decode()


def test_an_overdue_commitment_on_the_dashboard_is_late_not_today(cast, page_client, agreement):
    from django.utils import timezone

    commitment = _overdue_commitment(cast, agreement, today=timezone.localdate())
    page = page_client(cast.jan).get(reverse("frontend:dashboard")).content.decode()
    item = re.search(
        r"<li>(?:(?!</li>).)*Te laat: " + re.escape(commitment.title) + r".*?</li>", page, re.S
    ).group(0)
    assert '<span class="badge badge-danger">te laat</span>' in item
    assert "vandaag" not in item
