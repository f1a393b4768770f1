"""Company offer pages (guided brief, autosave, status) and the school's review and curation."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.offers.models import Coverage, Offer, OfferKind, OfferStatus, WerkprocesMapping
from backend.offers.services.coverage import coverage_sync_offer
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _brief(cast, **overrides):
    data = {
        "kind": OfferKind.CHALLENGE,
        "title": "Bestellen via de website",
        "description": "Klanten bellen nu hun bestelling door. Kan dat online?",
        "expectations": "Een werkend voorbeeld",
        "deliverables": "",
        "starts_on": "2027-02-01",
        "ends_on": "2027-03-15",
        "location_kind": "company",
        "max_students": "4",
        "team_size": "",
        "niveau_min": "2",
        "niveau_max": "4",
        "schools": [str(cast.vista.pk)],
        "consortium": "",
        "offer_id": "",
    }
    data.update(overrides)
    return data


def _submitted(cast, **fields):
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        status=OfferStatus.SUBMITTED,
        status_changed_at=timezone.now() - dt.timedelta(days=3),
        **fields,
    )
    offer.schools.set([cast.vista])
    return offer


def test_saving_the_brief_makes_a_draft_and_keeps_editing(cast, page_client):
    response = page_client(cast.jan).post(
        reverse("frontend:offer-brief"), _brief(cast, action="save")
    )
    offer = Offer.objects.get()
    assert response["Location"] == reverse("frontend:offer-edit", args=[offer.pk])
    assert (offer.title, offer.status, offer.owner, offer.contact) == (
        "Bestellen via de website",
        OfferStatus.DRAFT,
        cast.bakkerij,
        cast.jan,
    )
    assert list(offer.schools.all()) == [cast.vista]


def test_submitting_the_brief_sends_it_to_the_school(cast, page_client):
    response = page_client(cast.jan).post(
        reverse("frontend:offer-brief"), _brief(cast, action="submit")
    )
    offer = Offer.objects.get()
    assert response["Location"] == reverse("frontend:offer-detail", args=[offer.pk])
    assert offer.status == OfferStatus.SUBMITTED


def test_a_brief_with_the_end_before_the_start_says_which_field_and_keeps_the_text(
    cast, page_client
):
    response = page_client(cast.jan).post(
        reverse("frontend:offer-brief"), _brief(cast, ends_on="2027-01-01", action="save")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Einde: De einddatum (2027-01-01) ligt vóór de startdatum (2027-02-01)." in html
    assert "Klanten bellen nu hun bestelling door. Kan dat online?" in html
    assert Offer.objects.count() == 0


def test_submitting_without_a_school_saves_the_draft_and_names_the_schools_field(cast, page_client):
    response = page_client(cast.jan).post(
        reverse("frontend:offer-brief"), _brief(cast, schools=[], action="submit")
    )
    html = response.content.decode()
    assert "Scholen: Kies minstens één school" in html
    offer = Offer.objects.get()
    assert offer.status == OfferStatus.DRAFT
    assert f'name="offer_id" id="id_offer_id" value="{offer.pk}"' in html


def test_autosave_creates_the_draft_once_then_updates_it(cast, page_client):
    client = page_client(cast.jan)
    first = client.post(reverse("frontend:offer-autosave"), _brief(cast), HTTP_HX_REQUEST="true")
    offer = Offer.objects.get()
    assert "Concept bewaard" in first.content.decode()
    assert f'value="{offer.pk}" hx-swap-oob="true"' in first.content.decode()
    assert first["HX-Replace-Url"] == reverse("frontend:offer-edit", args=[offer.pk])
    client.post(
        reverse("frontend:offer-autosave"),
        _brief(cast, title="Online bestellen", offer_id=str(offer.pk)),
        HTTP_HX_REQUEST="true",
    )
    offer.refresh_from_db()
    assert Offer.objects.count() == 1
    assert offer.title == "Online bestellen"


def test_autosave_of_an_empty_title_saves_nothing_and_says_why(cast, page_client):
    response = page_client(cast.jan).post(
        reverse("frontend:offer-autosave"), _brief(cast, title=""), HTTP_HX_REQUEST="true"
    )
    assert "Nog niet bewaard: Titel: Geef het aanbod een titel." in response.content.decode()
    assert Offer.objects.count() == 0


def test_a_company_cannot_autosave_into_another_companys_offer(cast, page_client):
    other = OfferFactory(owner=cast.pixel, contact=cast.eva, title="Van Pixel")
    response = page_client(cast.jan).post(
        reverse("frontend:offer-autosave"), _brief(cast, offer_id=str(other.pk))
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.title == "Van Pixel"


def test_the_brief_explains_the_werkprocessen_of_a_chosen_programme(cast, page_client):
    response = page_client(cast.jan).get(
        reverse("frontend:offer-werkprocessen-hint"), {"programmes": [cast.ict_niveau2.pk]}
    )
    html = response.content.decode()
    assert cast.ict_niveau2.title in html
    assert "Werkproces B1-K1-W1" in html


def test_the_offer_list_shows_status_since_when_by_whom_and_what_is_next(cast, page_client):
    offer = _submitted(cast, title="Kassasysteem")
    from backend.offers.services import offer_review_start

    offer_review_start(actor=cast.devries, offer=offer, now=timezone.now() - dt.timedelta(days=3))
    html = page_client(cast.jan).get(reverse("frontend:offer-list")).content.decode()
    assert "Kassasysteem" in html
    assert "In beoordeling sinds 3 dagen, door Karin de Vries" in html
    assert "Volgende stap:" in html


def test_the_offer_list_shows_only_the_companys_own_offers(cast, page_client):
    OfferFactory(owner=cast.pixel, contact=cast.eva, title="Van Pixel")
    html = page_client(cast.jan).get(reverse("frontend:offer-list")).content.decode()
    assert "Van Pixel" not in html


def test_the_review_queue_lists_the_oldest_first(cast, page_client):
    newer = _submitted(cast, title="Nieuwer")
    older = _submitted(cast, title="Ouder")
    Offer.objects.filter(pk=older.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=9)
    )
    html = page_client(cast.devries).get(reverse("frontend:review-queue")).content.decode()
    assert html.index("Ouder") < html.index("Nieuwer")
    assert newer.title in html


def test_the_review_queue_of_another_school_is_empty(cast, page_client):
    _submitted(cast, title="Voor Vista")
    html = page_client(cast.peters).get(reverse("frontend:review-queue")).content.decode()
    assert "Voor Vista" not in html


def test_a_teacher_accepts_an_offer(cast, page_client):
    offer = _submitted(cast)
    response = page_client(cast.devries).post(reverse("frontend:offer-publish", args=[offer.pk]))
    assert response["Location"] == reverse("frontend:offer-detail", args=[offer.pk])
    offer.refresh_from_db()
    assert (offer.status, offer.reviewer) == (OfferStatus.PUBLISHED, cast.devries)


def test_rejecting_without_a_reason_names_the_field_and_changes_nothing(cast, page_client):
    offer = _submitted(cast)
    response = page_client(cast.devries).post(
        reverse("frontend:offer-reject", args=[offer.pk]), {"reject-reason": ""}
    )
    assert response.status_code == 400
    assert "Reden van afwijzing: Dit veld is vereist." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED


def test_rejecting_with_a_reason_shows_it_to_the_company(cast, page_client):
    offer = _submitted(cast)
    page_client(cast.devries).post(
        reverse("frontend:offer-reject", args=[offer.pk]),
        {"reject-reason": "Dit is productiewerk zonder leerwaarde."},
    )
    html = (
        page_client(cast.jan)
        .get(reverse("frontend:offer-detail", args=[offer.pk]))
        .content.decode()
    )
    assert "Dit is productiewerk zonder leerwaarde." in html


def test_requesting_changes_keeps_the_typed_message_when_refused(cast, page_client):
    offer = _submitted(cast)
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.PUBLISHED)
    response = page_client(cast.devries).post(
        reverse("frontend:offer-request-changes", args=[offer.pk]),
        {"changes-message": "Graag een kleinere opdracht"},
    )
    assert response.status_code == 400
    assert "Graag een kleinere opdracht" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED


def test_a_teacher_of_another_school_cannot_accept(cast, page_client):
    offer = _submitted(cast)
    response = page_client(cast.peters).post(reverse("frontend:offer-publish", args=[offer.pk]))
    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED


def test_searching_werkprocessen_by_code_lists_them_with_a_map_form(cast, page_client):
    offer = _submitted(cast)
    html = (
        page_client(cast.devries)
        .get(reverse("frontend:werkproces-search", args=[offer.pk]), {"q": "P1-K1"})
        .content.decode()
    )
    assert "P1-K1-W1" in html
    assert reverse("frontend:offer-map", args=[offer.pk]) in html


def test_mapping_a_werkproces_records_it_and_mapping_again_updates_it(cast, page_client):
    offer = _submitted(cast)
    werkproces = cast.ict_niveau2.werkprocessen().get(code="B1-K1-W1")
    client = page_client(cast.devries)
    url = reverse("frontend:offer-map", args=[offer.pk])
    client.post(url, {"werkproces": werkproces.pk, "coverage": Coverage.PARTIAL, "q": "B1"})
    response = client.post(url, {"werkproces": werkproces.pk, "coverage": Coverage.FULL})
    assert response.status_code == 302
    mapping = WerkprocesMapping.objects.get()
    assert (mapping.offer, mapping.werkproces, mapping.coverage, mapping.mapped_by) == (
        offer,
        werkproces,
        Coverage.FULL,
        cast.devries,
    )


def test_unmapping_removes_only_that_mapping(cast, page_client):
    offer = _submitted(cast)
    first, second = cast.ict_niveau2.werkprocessen().order_by("code")[:2]
    keep = WerkprocesMapping.objects.create(
        offer=offer, werkproces=first, coverage="full", mapped_by=cast.devries
    )
    drop = WerkprocesMapping.objects.create(
        offer=offer, werkproces=second, coverage="full", mapped_by=cast.devries
    )
    page_client(cast.devries).post(reverse("frontend:offer-unmap", args=[offer.pk, drop.pk]))
    assert list(WerkprocesMapping.objects.all()) == [keep]


def test_the_coverage_view_marks_werkprocessen_no_challenge_covers(cast, page_client):
    offer = _submitted(cast, title="Webwinkel", niveau_min=2, niveau_max=2)
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.PUBLISHED)
    covered = cast.ict_niveau2.werkprocessen().get(code="B1-K1-W1")
    WerkprocesMapping.objects.create(
        offer=offer, werkproces=covered, coverage="full", mapped_by=cast.devries
    )
    coverage_sync_offer(offer.pk)  # published and mapped past the services
    response = page_client(cast.devries).get(
        reverse("frontend:coverage"), {"opleiding": cast.ict_niveau2.pk}
    )
    report = response.context["report"]
    assert [wp.code for wp in report.uncovered] == ["B1-K1-W2", "P1-K1-W1"]
    html = response.content.decode()
    assert "Webwinkel" in html
    assert html.count('class="cell-gap"') == 2
    assert "<title" in html
    assert "niet gedekt: 2" in html


def test_the_coverage_view_of_a_programme_from_another_school_is_refused(cast, page_client):
    response = page_client(cast.devries).get(
        reverse("frontend:coverage"), {"opleiding": cast.ict_niveau4.pk}
    )
    assert response.context["report"] is None
    assert response.context["not_found"] is True


def test_the_company_sees_the_team_placed_on_its_challenge_first_names_only(cast, page_client):
    from backend.allocations.models import AllocationRound, Assignment, AssignmentSource, Phase

    offer = _submitted(cast, title="Webshop")
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.PUBLISHED)
    now = timezone.now()
    round_ = AllocationRound.objects.create(
        name="Periode 3",
        school=cast.vista,
        choices_close_at=now,
        objections_close_at=now + dt.timedelta(days=7),
        phase=Phase.PUBLISHED,
        created_by=cast.bos,
    )
    Assignment.objects.create(
        round=round_,
        student=cast.sanne,
        offer=offer,
        rank=1,
        source=AssignmentSource.ENGINE,
        changed_by=cast.bos,
        changed_at=now,
    )
    for url in (reverse("frontend:offer-detail", args=[offer.pk]), reverse("frontend:offer-list")):
        html = page_client(cast.jan).get(url).content.decode()
        assert "Sanne (niveau 2)" in html or "Sanne — niveau 2" in html
        assert cast.sanne.last_name not in html


def test_the_offer_list_reads_a_fixed_number_of_queries(
    cast, page_client, django_assert_max_num_queries
):
    for index in range(8):
        _submitted(cast, title=f"Aanbod {index}")
    client = page_client(cast.jan)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("frontend:offer-list")).status_code == 200


def test_the_review_queue_reads_a_fixed_number_of_queries(
    cast, page_client, django_assert_max_num_queries
):
    for index in range(8):
        _submitted(cast, title=f"Aanbod {index}")
    client = page_client(cast.devries)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("frontend:review-queue")).status_code == 200


def test_the_dashboard_reads_a_bounded_number_of_queries(
    cast, page_client, django_assert_max_num_queries
):
    for index in range(8):
        _submitted(cast, title=f"Aanbod {index}")
    client = page_client(cast.jan)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("frontend:dashboard")).status_code == 200


def test_a_coordinator_records_and_proposes_the_agreement_about_a_published_offer(
    cast, page_client
):
    from backend.agreements.models import Agreement, AgreementStatus

    offer = _submitted(cast, title="Webshop")
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.PUBLISHED)
    # Step 1 shows the draft, "send" (after the preview) creates and proposes it.
    url = reverse("frontend:offer-agreement", args=[offer.pk])
    assert page_client(cast.bos).post(url, {"school": cast.vista.pk}).status_code == 200
    response = page_client(cast.bos).post(
        url,
        {
            "school": cast.vista.pk,
            "step": "send",
            "title": "Webshop",
            "starts_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
            "ends_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
            "mentoring_hours": "8",
            "provides": "een praktijkopdracht",
            "deliverables": "een webshop",
        },
    )
    agreement = Agreement.objects.get()
    assert response["Location"] == reverse("frontend:agreement-detail", args=[agreement.pk])
    assert (agreement.offer, agreement.status) == (offer, AgreementStatus.PROPOSED)
    assert set(agreement.parties.values_list("organisation_id", flat=True)) == {
        cast.vista.pk,
        cast.bakkerij.pk,
    }


def test_an_agreement_for_a_school_the_coordinator_does_not_run_is_refused(cast, page_client):
    from backend.agreements.models import Agreement

    offer = _submitted(cast, title="Webshop")
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.PUBLISHED)
    response = page_client(cast.bos).post(
        reverse("frontend:offer-agreement", args=[offer.pk]), {"school": cast.gilde.pk}
    )
    assert response.status_code == 302
    assert Agreement.objects.count() == 0


def test_the_agreement_button_shows_only_for_coordinators_of_a_published_offer(cast, page_client):
    offer = _submitted(cast, title="Webshop")
    url = reverse("frontend:offer-detail", args=[offer.pk])
    assert "Afspraak opstellen" not in page_client(cast.bos).get(url).content.decode()
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.PUBLISHED)
    assert "Afspraak opstellen" in page_client(cast.bos).get(url).content.decode()
    assert "Afspraak opstellen" not in page_client(cast.devries).get(url).content.decode()


def _status_line(html):
    return re.search(r'<p class="status-line">(.*?)</p>', html, re.S).group(1)


def test_a_resubmitted_offer_names_the_company_contact_who_resubmitted_it(cast, page_client):
    from backend.offers.services import offer_request_changes, offer_review_start, offer_submit

    offer = _submitted(cast)
    now = timezone.now()
    offer_review_start(actor=cast.devries, offer=offer, now=now)
    offer_request_changes(actor=cast.devries, offer=offer, message="Graag een datum", now=now)
    offer_submit(actor=cast.jan, offer=offer, now=now)
    url = reverse("frontend:offer-detail", args=[offer.pk])
    for reader in (cast.jan, cast.devries):
        line = _status_line(page_client(reader).get(url).content.decode())
        assert line.startswith("Ingediend sinds vandaag, door Jan Jansen · besluit verwacht vóór")
        assert "Karin de Vries" not in line


def test_a_published_offer_expects_its_start_not_a_decision(cast, page_client):
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        status=OfferStatus.PUBLISHED,
        status_changed_at=timezone.now(),
        starts_on=dt.date(2099, 4, 15),
        ends_on=dt.date(2099, 5, 15),
        schools=[cast.vista],
    )
    detail = page_client(cast.jan).get(reverse("frontend:offer-detail", args=[offer.pk]))
    listing = page_client(cast.jan).get(reverse("frontend:offer-list"))
    for html in (detail.content.decode(), listing.content.decode()):
        assert "start gepland op 15 april" in _status_line(html)
        assert "besluit verwacht" not in html


# ---- The guest lesson brief and the brief's intro, required fields and programme picker -------


def _lesson(cast, **overrides):
    data = {
        "kind": OfferKind.GUEST_LESSON,
        "title": "Toegankelijke websites in de praktijk",
        "description": "Hoe test je een webwinkel met een schermlezer? De klas doet mee.",
        "presenters": "Eva Smit, UX-designer",
        "niveau_min": "2",
        "niveau_max": "4",
        "max_students": "30",
        "starts_on": "2027-03-10",
        "ends_on": "",
        "start_time": "13:00",
        "duration_minutes": "90",
        "location_kind": "school",
        "schools": [str(cast.vista.pk)],
        "consortium": "",
        "offer_id": "",
    }
    data.update(overrides)
    return data


def _fieldsets(html):
    return re.findall(r'<fieldset class="card brief-step"', html)


def test_the_guest_lesson_brief_is_its_own_form_not_the_challenge(cast, page_client):
    html = (
        page_client(cast.jan)
        .get(reverse("frontend:offer-brief") + "?soort=guest_lesson")
        .content.decode()
    )

    assert "<title>Bied een gastles aan · Koppel</title>" in html
    assert "<h1>Bied een gastles aan</h1>" in html
    assert "Plaats een uitdaging</h1>" not in html
    assert 'name="start_time"' in html
    assert 'type="time"' in html
    assert 'name="duration_minutes"' in html
    assert 'name="presenters"' in html
    assert 'name="deliverables"' not in html
    assert 'name="expectations"' not in html
    assert "Vier korte stappen." in html
    assert len(_fieldsets(html)) == 4


def test_a_guest_lesson_gets_a_time_and_duration_and_shows_one_day(cast, page_client):
    client = page_client(cast.jan)
    response = client.post(reverse("frontend:offer-brief"), _lesson(cast, action="save"))

    offer = Offer.objects.get()
    assert response["Location"] == reverse("frontend:offer-edit", args=[offer.pk])
    assert (offer.kind, offer.starts_on, offer.start_time, offer.duration_minutes) == (
        OfferKind.GUEST_LESSON,
        dt.date(2027, 3, 10),
        dt.time(13, 0),
        90,
    )
    assert offer.presenters == "Eva Smit, UX-designer"
    detail = client.get(reverse("frontend:offer-detail", args=[offer.pk])).content.decode()
    assert "10 maart 2027, 13:00–14:30" in detail
    assert "10 maart 2027 – 10 maart 2027" not in detail
    listing = client.get(reverse("frontend:offer-list")).content.decode()
    assert "10 maart 2027, 13:00–14:30" in listing


def test_editing_a_guest_lesson_keeps_the_guest_lesson_form(cast, page_client):
    client = page_client(cast.jan)
    client.post(reverse("frontend:offer-brief"), _lesson(cast, action="save"))
    offer = Offer.objects.get()

    html = client.get(reverse("frontend:offer-edit", args=[offer.pk])).content.decode()

    assert 'value="13:00"' in html
    assert 'name="duration_minutes"' in html
    assert 'value="90"' in html
    assert 'name="deliverables"' not in html


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"duration_minutes": "0"}, "Duur in minuten: "),
        ({"duration_minutes": "481"}, "Duur in minuten: "),
        (
            {"start_time": "23:30", "duration_minutes": "60"},
            "Duur in minuten: Het moet op dezelfde dag eindigen: vóór middernacht.",
        ),
        ({"start_time": ""}, "Begintijd: Dit veld is vereist."),
    ],
)
def test_a_guest_lesson_with_an_impossible_time_says_which_field(
    cast, page_client, overrides, field_message
):
    response = page_client(cast.jan).post(
        reverse("frontend:offer-brief"), _lesson(cast, action="save", **overrides)
    )

    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Offer.objects.exists()


def test_the_challenge_brief_intro_counts_its_five_steps(cast, page_client):
    html = page_client(cast.jan).get(reverse("frontend:offer-brief")).content.decode()

    assert "<h1>Plaats een uitdaging</h1>" in html
    assert "Vijf korte stappen." in html
    assert "Vier korte stappen" not in html
    assert len(_fieldsets(html)) == 5
    assert "Velden gemarkeerd met ‘verplicht’ vult u altijd in" in html
    # Lessons have their own brief: the challenge brief does not offer them as a kind.
    assert 'value="guest_lesson"' not in html


def test_the_brief_marks_title_and_description_as_required(cast, page_client):
    from frontend.forms.offers import GuestLessonBriefForm, OfferBriefForm

    for form_class in (OfferBriefForm, GuestLessonBriefForm):
        required = {name for name, field in form_class.base_fields.items() if field.required}
        assert {"kind", "title", "description", "location_kind", "max_students"} <= required
        assert not {"programmes", "schools", "consortium", "ends_on"} & required
    assert {"start_time", "duration_minutes", "starts_on"} <= {
        name for name, field in GuestLessonBriefForm.base_fields.items() if field.required
    }


def test_the_programme_picker_is_a_grouped_checkbox_list_with_a_filter(cast, page_client):
    html = page_client(cast.jan).get(reverse("frontend:offer-brief")).content.decode()

    picker = re.search(r'<fieldset class="programme-picker".*?</fieldset>\s*</div>', html, re.S)
    assert picker is not None
    picker_html = picker.group(0)
    assert "<select" not in picker_html
    assert "<legend>Voor welke opleidingen?" in picker_html
    assert f'type="checkbox" name="programmes" value="{cast.ict_niveau2.pk}"' in picker_html
    assert "<legend>Niveau 2</legend>" in picker_html
    assert 'type="search" id="programme-filter"' in picker_html
    # The filter box only appears with JavaScript; without it the checkboxes just work.
    assert "data-programme-filter hidden" in picker_html
    assert "programme-picker.js" in html


def test_chosen_programmes_stay_ticked_after_an_error(cast, page_client):
    response = page_client(cast.jan).post(
        reverse("frontend:offer-brief"),
        _brief(cast, title="", programmes=[str(cast.ict_niveau2.pk)], action="save"),
    )

    html = response.content.decode()
    assert f'value="{cast.ict_niveau2.pk}" id="id_programmes_{cast.ict_niveau2.pk}" checked' in html
    assert "Titel: Geef het aanbod een titel." in html
