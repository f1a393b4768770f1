import dataclasses
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
        deliverables="een werkend prototype",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 3, 15),
        ends_on=dt.date(2027, 4, 15),
        schools=[cast.vista],
    )
    draft = services.offer_agreement_draft(offer=offer, school=cast.vista, actor=cast.bos, now=NOW)
    agreement = services.agreement_create_from_offer(
        offer=offer,
        school=cast.vista,
        actor=cast.bos,
        now=NOW,
        draft=dataclasses.replace(draft, mentoring_hours=6),
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
    services.agreement_accept(
        agreement=agreement,
        actor=cast.jan,
        now=NOW,
        ip_address="192.0.2.4",
        user_agent="Firefox/140",
    )
    page = (
        page_client(cast.bos)
        .get(reverse("frontend:agreement-print", args=[agreement.pk]) + "?lang=nl")
        .content.decode()
    )
    # The print styles live in a static file: the Content-Security-Policy blocks inline <style>.
    assert "/static/frontend/print.css" in page
    assert agreement.current_version().content_hash in page
    assert "Geaccepteerd door Jan Jansen (Bakkerij Jansen) op 1 maart 2027" in page
    # Audit data stays in the log and the API for admins, not on paper.
    assert "192.0.2.4" not in page
    assert "Firefox" not in page
    assert "company_contact" not in page
    assert "coordinator" not in page
    assert page.count("<tr><td>") >= 4 + 7  # commitments + log entries
    assert "wacht op 1 van 2: Vista college" in page


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
    assert "— open: Toezegging vastgelegd." in page
    assert "— open → te laat: Automatisch: de deadline van 26 februari 2027 is verstreken." in page
    assert "overdue" not in page
    assert "2027-02-26" not in page


def test_the_commitment_history_speaks_english_to_an_english_reader(cast, page_client, agreement):
    cast.jan.preferred_language = "en"
    cast.jan.save(update_fields=["preferred_language"])
    commitment = _overdue_commitment(cast, agreement, today=NOW.date())
    url = reverse("frontend:agreement-commitment-status", args=[commitment.pk])
    page = page_client(cast.jan).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "— open: Commitment recorded." in page
    assert "— open → overdue: Automatic: the deadline of 26 February 2027 has passed." in page
    assert "Toezegging vastgelegd" not in page
    assert "te laat" not in page


def test_the_print_view_names_the_accepting_role_in_words(cast, page_client, agreement):
    services.agreement_accept(agreement=agreement, actor=cast.jan, now=NOW)
    page = (
        page_client(cast.bos)
        .get(reverse("frontend:agreement-print", args=[agreement.pk]) + "?lang=nl")
        .content.decode()
    )
    assert "Geaccepteerd door Jan Jansen (Bakkerij Jansen) op 1 maart 2027" in page
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


# ---- Header badge, versions, what is missing ------------------------------------------------


def _header_badge(html):
    return re.search(r'id="agreement-status">(.*?)</span>', html, re.S).group(1).strip()


def test_the_header_says_accepted_only_when_every_party_accepted(cast, page_client, agreement):
    url = reverse("frontend:agreement-detail", args=[agreement.pk])
    client = page_client(cast.bos)
    assert _header_badge(client.get(url).content.decode()) == (
        "wacht op 2 van 2: Vista college, Bakkerij Jansen"
    )
    services.agreement_accept(agreement=agreement, actor=cast.jan, now=NOW)
    assert _header_badge(client.get(url).content.decode()) == "wacht op 1 van 2: Vista college"
    services.agreement_accept(agreement=agreement, actor=cast.bos, now=NOW)
    assert _header_badge(client.get(url).content.decode()) == "geaccepteerd"


def test_a_version_is_locked_only_once_a_party_accepted_it(cast, page_client, agreement):
    url = reverse("frontend:agreement-detail", args=[agreement.pk])
    client = page_client(cast.bos)
    before = client.get(url).content.decode()
    assert "nog door niemand geaccepteerd: kan nog worden gewijzigd" in before
    assert "niet meer te wijzigen" not in before
    services.agreement_accept(agreement=agreement, actor=cast.jan, now=NOW)
    after = client.get(url).content.decode()
    assert (
        "door een partij geaccepteerd: niet meer te wijzigen; een wijziging maakt een nieuwe versie"
        in after
    )
    # Exactly what the service enforces: this version can no longer be edited in place.
    from backend.agreements.models import VersionLocked

    with pytest.raises(VersionLocked):
        services.agreement_version_update(
            version=agreement.current_version(), actor=cast.bos, now=NOW, mentoring_hours=9
        )


def test_a_draft_shows_what_is_missing_and_cannot_be_accepted(cast, page_client):
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Kassasysteem",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 3, 15),
        ends_on=None,
        schools=[cast.vista],
    )
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.bos, now=NOW
    )
    page = (
        page_client(cast.bos)
        .get(reverse("frontend:agreement-detail", args=[agreement.pk]))
        .content.decode()
    )
    missing = re.search(r'id="agreement-missing">(.*?)</section>', page, re.S).group(1)
    assert (
        "Nog in te vullen: de einddatum, het aantal begeleidingsuren, wat de studenten opleveren."
        in missing
    )
    assert "bijvoorbeeld Marleen Bos, die deze afspraak opstelde" in missing
    assert 'id="accept-agreement"' not in page


# ---- My commitments ---------------------------------------------------------------------------


def test_my_commitments_name_their_agreement_and_counterpart(
    cast, page_client, agreement, django_assert_max_num_queries
):
    other_offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Taartenconfigurator",
        deliverables="een klikbaar ontwerp",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 5, 1),
        ends_on=dt.date(2027, 6, 1),
        schools=[cast.vista],
    )
    draft = services.offer_agreement_draft(
        offer=other_offer, school=cast.vista, actor=cast.bos, now=NOW
    )
    services.agreement_create_from_offer(
        offer=other_offer,
        school=cast.vista,
        actor=cast.bos,
        now=NOW,
        draft=dataclasses.replace(draft, mentoring_hours=4),
    )
    client = page_client(cast.jan)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("frontend:agreement-list")).content.decode()
    section = re.search(r'id="my-commitments">(.*?)</section>', page, re.S).group(1)
    rows = re.findall(r"<tr><td>(.*?)</tr>", section, re.S)
    kickoffs = [row for row in rows if row.startswith("Aftrap en briefing voor de studenten geven")]
    assert len(kickoffs) == 2
    titles = sorted(re.search(r'<a href="[^"]+">(.*?)</a>', row).group(1) for row in kickoffs)
    assert titles == ["Nieuwe bestelwebsite", "Taartenconfigurator"]
    assert all("<td>Vista college</td>" in row for row in kickoffs)
    assert reverse("frontend:agreement-detail", args=[agreement.pk]) in section


# ---- Drafting an agreement from an offer ------------------------------------------------------


@pytest.fixture
def published_offer(cast):
    return OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Nieuwe bestelwebsite",
        description="Onze klanten bellen hun taartbestelling door; dat kost ons uren.",
        deliverables="een werkend prototype",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 3, 15),
        ends_on=dt.date(2027, 4, 15),
        schools=[cast.vista],
    )


def _draft_data(cast, **changes):
    data = {
        "school": cast.vista.pk,
        "title": "Nieuwe bestelwebsite",
        "starts_on": "2027-03-15",
        "ends_on": "2027-04-15",
        "mentoring_hours": "6",
        "place": "",
        "provides": "een echte opdracht en een vaste begeleider",
        "deliverables": "een werkend prototype",
        "c0_title": "Studenten voorstellen",
        "c0_owner": f"{cast.vista.pk}:{cast.bos.pk}",
        "c0_due_on": "2027-03-08",
        "c1_title": "Aftrap geven",
        "c1_owner": f"{cast.bakkerij.pk}:{cast.jan.pk}",
        "c1_due_on": "2027-03-15",
    }
    data.update(changes)
    return data


def test_the_draft_is_prefilled_from_the_offer_without_guessing_hours(
    cast, page_client, published_offer
):
    from backend.agreements.models import Agreement

    url = reverse("frontend:offer-agreement", args=[published_offer.pk])
    response = page_client(cast.bos).post(url, {"school": cast.vista.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Nieuwe bestelwebsite"' in page
    assert 'name="starts_on" value="2027-03-15"' in page
    assert 'name="ends_on" value="2027-04-15"' in page
    # No default hours that could contradict the offer: empty and required.
    hours = re.search(r'<input[^>]*name="mentoring_hours"[^>]*>', page).group(0)
    assert "value=" not in hours
    assert "required" in hours
    # What the company offers, not its problem statement pasted in.
    assert (
        "een praktijkopdracht: “Nieuwe bestelwebsite” en een vaste contactpersoon (Jan Jansen) "
        "die de studenten begeleidt." in page
    )
    assert "taartbestelling door" not in page
    assert 'value="Aftrap en briefing voor de studenten geven"' in page
    assert f'<option value="{cast.bakkerij.pk}:{cast.jan.pk}" selected>' in page
    assert Agreement.objects.count() == 0


def test_the_preview_shows_exactly_the_clauses_that_are_sent(cast, page_client, published_offer):
    import html

    from backend.agreements.models import Agreement, AgreementStatus

    url = reverse("frontend:offer-agreement", args=[published_offer.pk])
    client = page_client(cast.bos)
    preview = client.post(url, {**_draft_data(cast), "step": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert Agreement.objects.count() == 0  # a preview writes nothing
    assert "Bakkerij Jansen biedt: een echte opdracht en een vaste begeleider" in page
    assert "Bakkerij Jansen begeleidt de studenten in totaal 6 uur." in page
    assert "(nog niet ingevuld)" not in page
    send_form = re.search(r'<form[^>]*id="agreement-send-form"[^>]*>', page, re.S).group(0)
    assert 'data-confirm="Deze afspraak ter acceptatie naar Bakkerij Jansen versturen?' in send_form
    assert "Wijzigen" in page
    assert "Versturen ter acceptatie" in page

    response = client.post(url, {**_draft_data(cast), "step": "send"})
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:agreement-detail", args=[agreement.pk])
    assert agreement.status == AgreementStatus.PROPOSED
    assert agreement.mentoring_hours == 6
    for clause in agreement.current_version().clauses:
        assert html.escape(clause["text_nl"], quote=False) in page.replace("&quot;", '"')
    assert list(agreement.commitments.values_list("title", "owner", "due_on")) == [
        ("Studenten voorstellen", cast.bos.pk, dt.date(2027, 3, 8)),
        ("Aftrap geven", cast.jan.pk, dt.date(2027, 3, 15)),
    ]


def test_wijzigen_goes_back_to_the_form_with_the_values_kept(cast, page_client, published_offer):
    url = reverse("frontend:offer-agreement", args=[published_offer.pk])
    response = page_client(cast.bos).post(
        url, {**_draft_data(cast, mentoring_hours="7", title="Bestelsite"), "step": "edit"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="title" value="Bestelsite"' in page
    assert 'name="mentoring_hours" value="7"' in page
    assert 'value="Studenten voorstellen"' in page
    assert 'id="agreement-preview"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mentoring_hours": ""}, "Dit veld is vereist."),
        ({"deliverables": ""}, "Dit veld is vereist."),
        (
            {"starts_on": "2026-01-05", "ends_on": "2026-02-27"},
            "De looptijd is al voorbij (eindigde op 27 februari 2026).",
        ),
        (
            {"starts_on": "2027-05-01", "ends_on": "2027-04-01"},
            "De einddatum ligt voor de startdatum.",
        ),
        ({"c1_owner": "999999:1"}, "Selecteer een geldige keuze."),
        ({"c0_due_on": "2020-01-01"}, "Deze datum ligt in het verleden."),
    ],
)
@pytest.mark.parametrize("step", ["preview", "send"])
def test_an_incomplete_or_past_draft_is_refused_with_the_reason(
    cast, page_client, published_offer, changes, message, step
):
    from backend.agreements.models import Agreement

    url = reverse("frontend:offer-agreement", args=[published_offer.pk])
    response = page_client(cast.bos).post(url, {**_draft_data(cast, **changes), "step": step})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Agreement.objects.count() == 0


def test_a_commitment_owner_from_another_company_is_refused(cast, page_client, published_offer):
    from backend.agreements.models import Agreement

    url = reverse("frontend:offer-agreement", args=[published_offer.pk])
    response = page_client(cast.bos).post(
        url, {**_draft_data(cast, c1_owner=f"{cast.pixel.pk}:{cast.eva.pk}"), "step": "send"}
    )
    assert response.status_code == 400
    assert Agreement.objects.count() == 0


@pytest.mark.parametrize("who", ["jan", "devries", "sanne", "peters"])
def test_only_a_coordinator_of_the_school_drafts_it(cast, page_client, published_offer, who):
    from backend.agreements.models import Agreement

    url = reverse("frontend:offer-agreement", args=[published_offer.pk])
    response = page_client(getattr(cast, who)).post(url, {**_draft_data(cast), "step": "send"})
    assert response.status_code in (302, 403, 404)
    assert Agreement.objects.count() == 0
