"""The learning pages under attack: other people's ids in URLs and POST fields, oversize uploads,
header injection through file names, HTML in free text on the public badge pages, GETs that would
change state, and the company's and other schools' view of a student."""

import json

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.learning.attachments import MAX_ATTACHMENT_BYTES
from backend.learning.models import Badge, EvidenceAttachment, SelfAssessment
from backend.learning.services.badges import badge_revoke
from backend.learning.services.self_assessment import attachment_add
from tests.backend.learning.activity_factories import answer, classmates, ended_placement
from tests.backend.learning.assess_factories import PDF_BYTES, assessment, upload
from tests.backend.learning.badges_factories import issued_badge
from tests.backend.learning.factories import placement
from tests.backend.learning.feedback_factories import open_feedback

READ: list[int] = []


class RecordingUploadHandler(FileUploadHandler):
    """Counts every chunk of an uploaded file Django reads from the request body."""

    def receive_data_chunk(self, raw_data, start):
        READ.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token(client: Client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def test_an_upload_over_the_limit_is_refused_before_its_body_is_read(cast, settings):
    """Otherwise the CSRF check parses the whole multipart body (to temporary files on disk)
    before the 10 MB rule is ever asked: a student could fill the server's disk."""
    placed = placement(cast)
    draft = assessment(placed, submit=False)
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.RecordingUploadHandler"]
    READ.clear()
    client = _csrf_client(cast.sanne)
    url = reverse("frontend:self-assessment", args=[placed.offer.pk, placed.werkprocessen[0].pk])
    token = _token(client, url)
    too_big = b"%PDF-1.4\n" + b"0" * (MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024)

    response = client.post(
        url,
        {"csrfmiddlewaretoken": token, "intent": "upload", "file": upload(content=too_big)},
        follow=True,
    )

    assert READ == []
    assert not EvidenceAttachment.objects.filter(self_assessment=draft).exists()
    assert "groter dan 10 MB" in response.content.decode()


def test_the_self_assessment_still_needs_a_csrf_token(cast):
    placed = placement(cast)
    assessment(placed, submit=False)
    client = _csrf_client(cast.sanne)
    url = reverse("frontend:self-assessment", args=[placed.offer.pk, placed.werkprocessen[0].pk])

    refused = client.post(url, {"intent": "upload", "file": upload()})
    token = _token(client, url)
    accepted = client.post(
        url, {"csrfmiddlewaretoken": token, "intent": "upload", "file": upload()}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert EvidenceAttachment.objects.count() == 1


def test_a_file_name_cannot_inject_a_header_or_be_rendered(cast, page_client):
    placed = placement(cast)
    draft = assessment(placed, submit=False)
    attachment = attachment_add(
        self_assessment=draft,
        actor=cast.sanne,
        upload=upload(name='a"\r\nSet-Cookie: x=1; .pdf', content=PDF_BYTES),
        now=timezone.now(),
    )

    response = page_client(cast.sanne).get(
        reverse("frontend:evidence-attachment", args=[attachment.pk])
    )

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert not response.has_header("Set-Cookie") or "x=1" not in response["Set-Cookie"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_other_people_get_nothing_of_sannes_evidence(cast, page_client):
    placed = placement(cast)
    submitted = assessment(placed)
    draft = assessment(placed, werkproces=placed.werkprocessen[1], submit=False)
    attachment = attachment_add(
        self_assessment=draft, actor=cast.sanne, upload=upload(), now=timezone.now()
    )
    urls = {
        "download": reverse("frontend:evidence-attachment", args=[attachment.pk]),
        "validate": reverse("frontend:validation-detail", args=[submitted.pk]),
        "portfolio": reverse("frontend:student-portfolio", args=[cast.sanne.pk]),
        "self": reverse(
            "frontend:self-assessment", args=[placed.offer.pk, placed.werkprocessen[0].pk]
        ),
    }
    expected = {
        # Ahmed is a student too: the student pages answer 404 for what is not his.
        cast.ahmed: {"download": 404, "validate": 403, "portfolio": 403, "self": 404},
        # Peters is staff at Gilde: Sanne is not his student.
        cast.peters: {"download": 404, "validate": 404, "portfolio": 404, "self": 403},
        cast.jan: {"download": 403, "validate": 403, "portfolio": 403, "self": 403},
        cast.eva: {"download": 403, "validate": 403, "portfolio": 403, "self": 403},
        cast.fenna: {"download": 403, "validate": 403, "portfolio": 403, "self": 403},
    }
    for person, codes in expected.items():
        client = page_client(person)
        got = {name: client.get(url).status_code for name, url in urls.items()}
        assert got == codes, person.first_name
    # Nor may anyone else delete it, or validate it by POST.
    assert (
        page_client(cast.ahmed)
        .post(reverse("frontend:evidence-attachment-delete", args=[attachment.pk]))
        .status_code
        == 404
    )
    assert (
        page_client(cast.peters)
        .post(urls["validate"], {"action": "validate", "level": "goed"})
        .status_code
        == 404
    )
    assert EvidenceAttachment.objects.filter(pk=attachment.pk).exists()
    assert SelfAssessment.objects.get(pk=submitted.pk).status == "submitted"


def test_another_company_cannot_open_or_post_jans_feedback(cast, page_client):
    placed = placement(cast)
    feedback = open_feedback(placed)
    url = reverse("frontend:company-feedback-form", args=[feedback.pk])
    post = {f"werkproces_{w.pk}": "goed" for w in placed.werkprocessen} | {"comment": "x"}

    assert page_client(cast.eva).get(url).status_code == 404
    assert page_client(cast.eva).post(url, post).status_code == 404
    feedback.refresh_from_db()
    assert feedback.submitted_at is None


def test_the_company_form_shows_no_email_or_last_name(cast, page_client):
    placed = placement(cast)
    feedback = open_feedback(placed)

    html = (
        page_client(cast.jan)
        .get(reverse("frontend:company-feedback-form", args=[feedback.pk]))
        .content.decode()
    )

    assert cast.sanne.first_name in html
    assert cast.sanne.email not in html
    assert cast.sanne.last_name not in html


def test_get_never_changes_a_badge_or_an_attachment(cast, page_client):
    placed = placement(cast)
    draft = assessment(placed, submit=False)
    attachment = attachment_add(
        self_assessment=draft, actor=cast.sanne, upload=upload(), now=timezone.now()
    )
    badge = issued_badge(cast, published=False)

    responses = [
        page_client(cast.sanne).get(reverse("frontend:badge-publish", args=[badge.uid])),
        page_client(cast.sanne).get(
            reverse("frontend:evidence-attachment-delete", args=[attachment.pk])
        ),
        page_client(cast.devries).get(reverse("frontend:badge-issue", args=[cast.sanne.pk])),
    ]

    assert [r.status_code for r in responses] == [405, 405, 405]
    badge.refresh_from_db()
    assert badge.published_at is None
    assert EvidenceAttachment.objects.filter(pk=attachment.pk).exists()


def test_staff_of_another_school_cannot_issue_or_revoke_a_badge(cast, page_client):
    badge = issued_badge(cast)
    client = page_client(cast.peters)

    issue = client.post(
        reverse("frontend:badge-issue", args=[cast.sanne.pk]),
        {"werkproces": str(badge.werkproces_id)},
    )
    revoke = client.post(reverse("frontend:badge-revoke", args=[badge.uid]), {"reason": "nep"})

    assert (issue.status_code, revoke.status_code) == (404, 404)
    badge.refresh_from_db()
    assert badge.revoked_at is None
    assert Badge.objects.count() == 1


def test_html_in_the_revocation_reason_is_text_on_the_public_page_and_in_the_json(cast):
    badge = issued_badge(cast)
    badge_revoke(
        badge=badge,
        actor=cast.devries,
        reason='<script>alert(1)</script><img src=x onerror="alert(2)">',
        now=timezone.now(),
    )
    anonymous = Client()

    page = anonymous.get(reverse("frontend:badge-verify", args=[badge.uid]))
    document = anonymous.get(reverse("frontend:badge-assertion", args=[badge.uid]))

    html = page.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert document.status_code == 410
    assert document["Content-Type"].startswith("application/ld+json")
    assert document["X-Content-Type-Options"] == "nosniff"
    assert json.loads(document.content)["revocationReason"].startswith("<script>")


def test_the_public_badge_pages_hold_no_email_or_last_name(cast):
    badge = issued_badge(cast)
    anonymous = Client()

    bodies = [
        anonymous.get(reverse("frontend:badge-verify", args=[badge.uid])).content.decode(),
        anonymous.get(reverse("frontend:badge-assertion", args=[badge.uid])).content.decode(),
    ]

    for body in bodies:
        assert cast.sanne.email not in body
        assert cast.sanne.last_name not in body


def test_an_unpublished_or_unknown_badge_is_404_for_an_anonymous_visitor(cast):
    badge = issued_badge(cast, published=False)
    anonymous = Client()

    codes = [
        anonymous.get(reverse("frontend:badge-verify", args=[badge.uid])).status_code,
        anonymous.get(reverse("frontend:badge-assertion", args=[badge.uid])).status_code,
    ]

    assert codes == [404, 404]


def test_fewer_than_five_answers_show_no_comment_to_company_or_staff(cast, page_client):
    placed = ended_placement(cast, students=classmates(cast, 4))
    for person in placed.students:
        answer(placed.offer, person, comment=f"Geheim van {person.first_name}")
    url = reverse("frontend:offer-student-feedback", args=[placed.offer.pk])

    for reader in (cast.jan, cast.devries):
        html = page_client(reader).get(url).content.decode()
        assert "Geheim van" not in html, reader.first_name
    assert page_client(cast.eva).get(url).status_code == 404
    assert page_client(cast.peters).get(url).status_code == 404
