"""Builders for the self-assessment, attachment and validation tests (assess helper).

Files with the right first bytes for each allowed type, a STARR answer, and assessments in each
state built through the services (so every step is the one the app writes)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backend.learning.models import SelfAssessment
from backend.learning.services.self_assessment import self_assessment_save
from tests.backend.learning.factories import Placement

STARR = {
    "situation": "De bakkerij wilde bestellingen online aannemen.",
    "task": "Ik moest de bestelpagina bouwen en testen.",
    "action": "Ik heb met Jan de wensen doorgelopen en een prototype gemaakt.",
    "result": "De pagina werkt; de eerste week kwamen er twaalf bestellingen binnen.",
    "reflection": "Volgende keer vraag ik eerder om feedback van de klant.",
}

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office_bytes(main_part: str) -> bytes:
    """A minimal Office Open XML package whose main part is `main_part` (word/document.xml …)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


def upload(name="verslag.pdf", content=PDF_BYTES, content_type="application/pdf"):
    """What the browser sends; the content type it claims is never trusted."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def assessment(
    placed: Placement, *, student=None, werkproces=None, submit=True, level="voldoende", **fields
) -> SelfAssessment:
    """The placed student's self-assessment of the offer's first werkproces, submitted unless
    `submit=False`."""
    return self_assessment_save(
        student=student or placed.students[0],
        offer=placed.offer,
        werkproces=werkproces or placed.werkprocessen[0],
        level=level,
        submit=submit,
        now=timezone.now(),
        **{**STARR, **fields},
    )
