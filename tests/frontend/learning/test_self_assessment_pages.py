"""The student's learning pages: the hub, the self-assessment form, attachments' upload,
download and delete, and what other people get."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from backend.curriculum.models import Werkproces
from backend.learning.models import (
    CompanyFeedback,
    CompanyRating,
    EvidenceAttachment,
    Moment,
    ReviewStatus,
    SelfAssessment,
)
from backend.learning.services.self_assessment import attachment_add
from backend.learning.services.validation import evidence_validate
from tests.backend.learning.assess_factories import EXE_BYTES, PDF_BYTES, STARR, assessment, upload
from tests.backend.learning.factories import placement


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(placed, index=0):
    return reverse(
        "frontend:self-assessment", args=[placed.offer.pk, placed.werkprocessen[index].pk]
    )


def test_the_hub_shows_each_werkproces_with_its_status_and_the_companys_feedback(cast, page_client):
    placed = placement(cast)
    assessment(placed)
    feedback = CompanyFeedback.objects.create(
        student=cast.sanne,
        offer=placed.offer,
        moment=Moment.MIDPOINT,
        due_on=timezone.localdate(),
        submitted_at=timezone.now(),
    )
    CompanyRating.objects.create(
        feedback=feedback, werkproces=placed.werkprocessen[1], level="oefenen"
    )

    response = page_client(cast.sanne).get(reverse("frontend:my-activities"))

    assert response.status_code == 200
    (activity,) = response.context["activities"]
    rows = [(r.werkproces.code, r.status, r.company_rated) for r in activity.werkprocessen]
    assert rows == [("B1-K1-W1", ReviewStatus.SUBMITTED, False), ("P1-K1-W1", None, True)]
    html = response.content.decode()
    assert _url(placed) in html
    assert _url(placed, 1) in html
    for name in ("my-portfolio", "my-badges", "triad-list"):
        assert reverse(f"frontend:{name}") in html
    assert reverse("frontend:activity-feedback", args=[placed.offer.pk]) not in html


def test_the_hub_links_to_activity_feedback_once_the_activity_ended(cast, page_client):
    today = timezone.localdate()
    placed = placement(
        cast, starts_on=today - dt.timedelta(days=40), ends_on=today - dt.timedelta(days=1)
    )

    response = page_client(cast.sanne).get(reverse("frontend:my-activities"))

    assert (
        reverse("frontend:activity-feedback", args=[placed.offer.pk]) in response.content.decode()
    )


def test_the_hub_shows_nothing_of_another_students_activities(cast, page_client):
    placement(cast)

    response = page_client(cast.ahmed).get(reverse("frontend:my-activities"))

    assert response.context["activities"] == []
    assert "Webshop voor de bakkerij" not in response.content.decode()


def test_the_hub_costs_the_same_for_one_or_three_activities(
    cast, page_client, django_assert_num_queries
):
    client = page_client(cast.sanne)
    placement(cast)
    client.get(reverse("frontend:my-activities"))  # session, caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("frontend:my-activities")).status_code == 200
        return len(queries)

    one = count()
    placement(cast, title="Tweede")
    third = placement(cast, title="Derde")
    assessment(third)
    assert count() == one


def test_a_student_saves_a_draft_then_submits(cast, page_client):
    placed = placement(cast)
    client = page_client(cast.sanne)

    response = client.post(
        _url(placed), {"intent": "save", "level": "oefenen", "situation": "Begin"}
    )
    assert response.status_code == 302
    assert SelfAssessment.objects.get().status == ReviewStatus.DRAFT

    response = client.post(_url(placed), {"intent": "submit", "level": "voldoende", **STARR})
    assert response.status_code == 302
    assert SelfAssessment.objects.get().status == ReviewStatus.SUBMITTED


def test_submitting_an_incomplete_form_names_each_missing_field(cast, page_client):
    placed = placement(cast)

    response = page_client(cast.sanne).post(
        _url(placed), {"intent": "submit", "situation": "Alleen dit"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "Vul taak in voordat je indient.",
        "Vul reflectie in voordat je indient.",
        "Kies het niveau dat je jezelf geeft voordat je indient.",
    ):
        assert message in html
    assert "Alleen dit" in html


def test_someone_elses_activity_is_not_found(cast, page_client):
    placed = placement(cast)

    assert page_client(cast.ahmed).get(_url(placed)).status_code == 404
    assert (
        page_client(cast.ahmed).post(_url(placed), {"intent": "save", **STARR}).status_code == 404
    )
    assert not SelfAssessment.objects.exists()


def test_a_werkproces_not_on_the_offer_is_not_found(cast, page_client):
    placed = placement(cast)
    other = Werkproces.objects.get(kerntaak__dossier=cast.ict_niveau2.dossier, code="B1-K1-W2")
    url = reverse("frontend:self-assessment", args=[placed.offer.pk, other.pk])

    assert page_client(cast.sanne).get(url).status_code == 404
    assert page_client(cast.sanne).post(url, {"intent": "save", **STARR}).status_code == 404
    huge = reverse("frontend:self-assessment", args=[2**70, other.pk])
    assert page_client(cast.sanne).get(huge).status_code == 404


def test_html_in_the_reflection_is_shown_as_text(cast, page_client):
    placed = placement(cast)
    item = assessment(placed, reflection="<script>alert(1)</script><b>vet</b>")

    student_page = page_client(cast.sanne).get(_url(placed)).content.decode()
    coach_page = (
        page_client(cast.devries)
        .get(reverse("frontend:validation-detail", args=[item.pk]))
        .content.decode()
    )

    for html in (student_page, coach_page):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;" in html


def test_a_validated_assessment_is_read_only(cast, page_client):
    placed = placement(cast)
    item = assessment(placed)
    evidence_validate(
        self_assessment=item, actor=cast.devries, level="goed", note="", now=timezone.now()
    )
    client = page_client(cast.sanne)

    page = client.get(_url(placed)).content.decode()
    response = client.post(_url(placed), {"intent": "save", **STARR, "situation": "anders"})

    assert 'id="self-assessment-form"' not in page
    assert response.status_code == 400
    assert "al gevalideerd en kan niet meer veranderen" in response.content.decode()
    assert SelfAssessment.objects.get().situation == STARR["situation"]


def test_uploading_a_program_renamed_to_pdf_shows_why(cast, page_client):
    placed = placement(cast)
    assessment(placed, submit=False)

    response = page_client(cast.sanne).post(
        _url(placed), {"intent": "upload", "file": upload("cv.pdf", EXE_BYTES)}
    )

    assert response.status_code == 400
    assert "“cv.pdf” is geen bestand dat je mag toevoegen." in response.content.decode()
    assert not EvidenceAttachment.objects.exists()


def test_uploading_before_a_draft_exists_asks_to_save_first(cast, page_client):
    placed = placement(cast)

    response = page_client(cast.sanne).post(_url(placed), {"intent": "upload", "file": upload()})

    assert response.status_code == 400
    assert "Sla eerst je concept op" in response.content.decode()


def _attachment(cast):
    placed = placement(cast)
    draft = assessment(placed, submit=False)
    attachment = attachment_add(
        self_assessment=draft,
        actor=cast.sanne,
        upload=upload("<img src=x onerror=alert(1)>.pdf"),
        now=timezone.now(),
    )
    return placed, attachment


def test_the_student_uploads_and_downloads_as_an_attachment_never_inline(cast, page_client):
    placed = placement(cast)
    assessment(placed, submit=False)
    client = page_client(cast.sanne)
    assert (
        client.post(_url(placed), {"intent": "upload", "file": upload("verslag.pdf")}).status_code
        == 302
    )
    attachment = EvidenceAttachment.objects.get()

    response = client.get(reverse("frontend:evidence-attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="verslag.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_staff_of_the_students_school_download_others_do_not(cast, page_client):
    _placed, attachment = _attachment(cast)
    url = reverse("frontend:evidence-attachment", args=[attachment.pk])

    assert page_client(cast.devries).get(url).status_code == 200
    assert page_client(cast.bos).get(url).status_code == 200
    assert page_client(cast.peters).get(url).status_code == 404
    assert page_client(cast.ahmed).get(url).status_code == 404
    assert page_client(cast.jan).get(url).status_code == 403
    assert page_client(cast.fenna).get(url).status_code == 403


def test_an_attachment_name_with_html_is_escaped(cast, page_client):
    placed, _attachment_row = _attachment(cast)

    html = page_client(cast.sanne).get(_url(placed)).content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in html


def test_the_student_deletes_an_attachment_others_cannot(cast, page_client):
    placed, attachment = _attachment(cast)
    url = reverse("frontend:evidence-attachment-delete", args=[attachment.pk])

    assert page_client(cast.ahmed).post(url).status_code == 404
    assert page_client(cast.devries).post(url).status_code == 403
    assert page_client(cast.sanne).get(url).status_code == 405
    assert EvidenceAttachment.objects.exists()

    response = page_client(cast.sanne).post(url)

    assert response.status_code == 302
    assert response["Location"] == _url(placed)
    assert not EvidenceAttachment.objects.exists()


def test_a_big_id_is_simply_not_found(cast, page_client):
    url = reverse("frontend:evidence-attachment", args=[2**70])

    assert page_client(cast.sanne).get(url).status_code == 404
    assert User.objects.filter(pk=cast.sanne.pk).exists()
