"""Attachments to a self-assessment: the type is decided by the content, sizes and counts are
bounded, the stored name is random, and only the student changes them while editable."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.learning.attachments import MAX_ATTACHMENT_BYTES, display_name
from backend.learning.models import EvidenceAttachment
from backend.learning.services.self_assessment import attachment_add, attachment_delete
from tests.backend.learning.assess_factories import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    assessment,
    office_bytes,
    upload,
)
from tests.backend.learning.factories import placement


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(cast):
    return assessment(placement(cast), submit=False)


def _add(draft, file, actor=None):
    return attachment_add(
        self_assessment=draft, actor=actor or draft.student, upload=file, now=timezone.now()
    )


def _refusal(draft, file, actor=None) -> str:
    with pytest.raises(ApplicationError) as refused:
        _add(draft, file, actor)
    return refused.value.extra["fields"]["file"][0]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("verslag.pdf", PDF_BYTES, "application/pdf"),
        ("foto.PNG", PNG_BYTES, "image/png"),
        ("foto.jpeg", JPEG_BYTES, "image/jpeg"),
        ("foto.jpg", JPEG_BYTES, "image/jpeg"),
        (
            "verslag.docx",
            office_bytes("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "dia's.pptx",
            office_bytes("ppt/presentation.xml"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            "uren.xlsx",
            office_bytes("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_each_allowed_type_is_stored_under_a_random_name(draft, name, content, content_type):
    attachment = _add(draft, upload(name, content, content_type="application/octet-stream"))

    assert attachment.name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    stored = Path(attachment.file.name)
    assert stored.parent == Path(f"learning/{draft.student_id}")
    assert len(stored.stem) == 32
    assert name.rsplit(".", 1)[0] not in stored.name
    assert stored.suffix == {"foto.jpeg": ".jpg", "foto.PNG": ".png"}.get(name, Path(name).suffix)
    assert default_storage.open(attachment.file.name).read() == content


def test_a_program_renamed_to_pdf_is_refused(draft):
    message = _refusal(draft, upload("verslag.pdf", EXE_BYTES, "application/pdf"))

    assert message == (
        "“verslag.pdf” is geen bestand dat je mag toevoegen. Toegestaan: PDF, PNG, JPEG, "
        "Word (DOCX), PowerPoint (PPTX), Excel (XLSX)."
    )
    assert not EvidenceAttachment.objects.exists()


def test_a_zip_that_is_no_office_document_is_refused(draft):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.exe", "MZ")

    assert "geen bestand dat je mag toevoegen" in _refusal(
        draft, upload("x.docx", buffer.getvalue())
    )


def test_a_name_that_does_not_match_the_content_is_refused(draft):
    message = _refusal(draft, upload("foto.pdf", PNG_BYTES, "application/pdf"))

    assert message == (
        "De naam “foto.pdf” past niet bij de inhoud: het is een PNG-bestand, "
        "dus de naam moet eindigen op .png."
    )


def test_a_pdf_named_exe_is_refused(draft):
    assert "moet eindigen op .pdf" in _refusal(draft, upload("verslag.exe", PDF_BYTES))


def test_ten_megabytes_is_allowed_and_one_byte_more_is_not(draft):
    exactly = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF_BYTES))
    assert _add(draft, upload("groot.pdf", exactly)).size == MAX_ATTACHMENT_BYTES

    message = _refusal(draft, upload("te-groot.pdf", exactly + b"0"))

    assert message == "“te-groot.pdf” is groter dan 10 MB. Maak het kleiner of deel het op."
    assert EvidenceAttachment.objects.count() == 1


def test_an_empty_file_is_refused(draft):
    assert _refusal(draft, upload("leeg.pdf", b"")) == "“leeg.pdf” is leeg."


def test_a_sixth_file_is_refused(draft):
    for number in range(5):
        _add(draft, upload(f"deel-{number}.pdf"))

    message = _refusal(draft, upload("zesde.pdf"))

    assert message == "Je hebt al 5 bijlagen; verwijder er een om een andere toe te voegen."
    assert EvidenceAttachment.objects.count() == 5


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.pdf", "win.pdf"),
        ("/var/www/index.pdf", "index.pdf"),
        ("verslag\x00.exe.pdf", "verslag.exe.pdf"),
    ],
)
def test_a_path_in_the_name_never_reaches_the_file_system(draft, tmp_path, sent, shown):
    attachment = _add(draft, upload(sent))

    assert attachment.name == shown
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(tmp_path / "learning" / str(draft.student_id))
    assert shown.rsplit(".", 1)[0] not in stored.name


def test_display_name_keeps_the_extension_of_a_long_name():
    name = display_name("a" * 300 + ".pdf")

    assert len(name) == 200
    assert name.endswith(".pdf")


def test_only_the_student_adds_attachments(cast, draft):
    for someone in (cast.ahmed, cast.devries, cast.jan):
        with pytest.raises(PermissionDenied):
            _add(draft, upload(), actor=someone)

    assert not EvidenceAttachment.objects.exists()


def test_no_attachments_are_added_after_submitting(cast):
    submitted = assessment(placement(cast))

    with pytest.raises(Conflict):
        _add(submitted, upload())


def test_deleting_removes_the_row_and_the_file(draft, django_capture_on_commit_callbacks):
    attachment = _add(draft, upload())
    name = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(attachment=attachment, actor=draft.student)

    assert not EvidenceAttachment.objects.exists()
    assert not default_storage.exists(name)


def test_only_the_student_deletes_and_only_while_editable(cast, draft):
    attachment = _add(draft, upload())

    with pytest.raises(PermissionDenied):
        attachment_delete(attachment=attachment, actor=cast.devries)
    assessment(placement_of(draft), submit=True)
    with pytest.raises(Conflict):
        attachment_delete(attachment=attachment, actor=draft.student)

    assert default_storage.exists(attachment.file.name)
    assert EvidenceAttachment.objects.count() == 1


def placement_of(draft):
    from tests.backend.learning.factories import Placement

    return Placement(
        offer=draft.offer, round=None, students=[draft.student], werkprocessen=[draft.werkproces]
    )
