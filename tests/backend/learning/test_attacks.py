"""The learning services under attack: other people's ids, werkprocessen not on the offer, staff of
another school, spoofed files, and the same action twice."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.curriculum.models import WerkprocesEvidence
from backend.learning.models import EvidenceStep, StepKind
from backend.learning.services.activity_feedback import activity_feedback_give
from backend.learning.services.badges import badge_issue, badge_publish, badge_revoke
from backend.learning.services.company_feedback import company_feedback_submit
from backend.learning.services.self_assessment import attachment_add
from backend.learning.services.triads import triad_conversation_record, triad_series_start
from backend.learning.services.validation import evidence_validate
from tests.backend.learning.activity_factories import ended_placement
from tests.backend.learning.assess_factories import assessment, upload
from tests.backend.learning.badges_factories import issued_badge, werkproces
from tests.backend.learning.factories import placement
from tests.backend.learning.feedback_factories import levels_for, open_feedback
from tests.backend.learning.triads_factories import triad_series


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_company_cannot_rate_a_werkproces_that_is_not_on_the_offer(cast):
    placed = placement(cast)
    feedback = open_feedback(placed)
    other = werkproces(cast, "B1-K1-W2")

    with pytest.raises(ApplicationError) as error:
        company_feedback_submit(
            feedback=feedback,
            actor=cast.jan,
            levels=levels_for(placed) | {other.pk: "goed"},
            comment="",
            now=timezone.now(),
        )

    assert f"werkproces_{other.pk}" in error.value.extra["fields"]
    assert "B1-K1-W2 hoort niet bij deze activiteit" in str(
        error.value.extra["fields"][f"werkproces_{other.pk}"]
    )
    feedback.refresh_from_db()
    assert feedback.submitted_at is None


def test_another_company_cannot_submit_feedback_on_jans_team(cast):
    feedback = open_feedback(placement(cast))

    with pytest.raises(PermissionDenied):
        company_feedback_submit(
            feedback=feedback, actor=cast.eva, levels={}, comment="", now=timezone.now()
        )


def test_staff_of_another_school_cannot_validate_issue_revoke_or_plan(cast):
    placed = placement(cast)
    submitted = assessment(placed)
    badge = issued_badge(cast)
    now = timezone.now()

    with pytest.raises(PermissionDenied):
        evidence_validate(
            self_assessment=submitted, actor=cast.peters, level="goed", note="", now=now
        )
    with pytest.raises(PermissionDenied):
        badge_issue(
            actor=cast.peters, student=cast.sanne, kerntaak=badge.werkproces.kerntaak, now=now
        )
    with pytest.raises(PermissionDenied):
        badge_revoke(badge=badge, actor=cast.peters, reason="nep", now=now)
    with pytest.raises(PermissionDenied):
        triad_series_start(
            actor=cast.peters,
            student=cast.sanne,
            offer=placed.offer,
            mentor=cast.jan,
            interval_days=14,
            first_on=timezone.localdate(),
            last_on=timezone.localdate() + dt.timedelta(days=10),
            now=now,
        )


def test_a_second_validation_is_refused_and_leaves_one_step(cast):
    submitted = assessment(placement(cast))
    evidence_validate(
        self_assessment=submitted, actor=cast.devries, level="goed", note="", now=timezone.now()
    )

    with pytest.raises(Conflict):
        evidence_validate(
            self_assessment=submitted, actor=cast.bos, level="nooit", note="", now=timezone.now()
        )

    assert EvidenceStep.objects.filter(kind=StepKind.VALIDATED).count() == 1
    assert WerkprocesEvidence.objects.get(student=cast.sanne).level == "goed"


def test_a_student_cannot_publish_someone_elses_badge(cast):
    badge = issued_badge(cast, published=False)

    with pytest.raises(PermissionDenied):
        badge_publish(badge=badge, actor=cast.ahmed, published=True, now=timezone.now())


def test_a_mentor_of_another_company_cannot_be_planned_or_record_a_conversation(cast):
    placed = placement(cast)
    with pytest.raises(ApplicationError) as error:
        triad_series_start(
            actor=cast.devries,
            student=cast.sanne,
            offer=placed.offer,
            mentor=cast.eva,
            interval_days=14,
            first_on=timezone.localdate(),
            last_on=timezone.localdate() + dt.timedelta(days=10),
            now=timezone.now(),
        )
    assert "mentor" in error.value.extra["fields"]
    series = triad_series(cast, first_on=timezone.localdate() - dt.timedelta(days=3), count=1)
    conversation = series.conversations.get()

    for stranger in (cast.eva, cast.ahmed, cast.bos, cast.peters):
        with pytest.raises(PermissionDenied):
            triad_conversation_record(
                conversation=conversation,
                actor=stranger,
                held_on=timezone.localdate(),
                notes="vervalst",
                now=timezone.now(),
            )
    conversation.refresh_from_db()
    assert conversation.held_on is None


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("verslag.pdf", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("pagina.html", b"%PDF-1.4\n<html><script>alert(1)</script>"),
        ("foto.png.html", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
        ("verslag.docx", _zip("[Content_Types].xml", "evil.html")),
        ("archief.docx", _zip("word/document.xml")),
    ],
)
def test_a_spoofed_file_is_refused(cast, name, content):
    draft = assessment(placement(cast), submit=False)

    with pytest.raises(ApplicationError) as error:
        attachment_add(
            self_assessment=draft,
            actor=cast.sanne,
            upload=upload(name=name, content=content, content_type="application/pdf"),
            now=timezone.now(),
        )

    assert "file" in error.value.extra["fields"]
    assert not draft.attachments.exists()


def test_another_student_cannot_add_a_file_to_sannes_assessment(cast):
    draft = assessment(placement(cast), submit=False)

    with pytest.raises(PermissionDenied):
        attachment_add(self_assessment=draft, actor=cast.ahmed, upload=upload(), now=timezone.now())


def test_activity_feedback_twice_or_on_an_activity_not_yours_is_refused(cast):
    placed = ended_placement(cast)
    activity_feedback_give(
        student=cast.sanne,
        offer=placed.offer,
        learned=4,
        supported=4,
        comment="",
        now=timezone.now(),
    )

    with pytest.raises(Conflict):
        activity_feedback_give(
            student=cast.sanne,
            offer=placed.offer,
            learned=1,
            supported=1,
            comment="",
            now=timezone.now(),
        )
    with pytest.raises(PermissionDenied):
        activity_feedback_give(
            student=cast.ahmed,
            offer=placed.offer,
            learned=1,
            supported=1,
            comment="",
            now=timezone.now(),
        )
