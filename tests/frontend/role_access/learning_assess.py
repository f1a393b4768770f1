"""Access table for the student's learning hub, self-assessment and attachments, and for the
validation pages (frontend/views/learning/self_assessment.py and validation.py, issue 15).

Students: their own hub, self-assessments and attachments. School staff (teacher, coordinator):
the validation queue and the detail of their own school's students, and those students'
attachments. Companies and the privacy officer: none of it (403)."""

from django.core.files.base import ContentFile

from backend.learning.models import EvidenceAttachment
from tests.backend.learning.assess_factories import PDF_BYTES, assessment
from tests.backend.learning.factories import placement
from tests.frontend.role_access import STAFF, STUDENT, Page


def _self_assessment(cast):
    placed = placement(cast)
    return {"offer_pk": placed.offer.pk, "werkproces_pk": placed.werkprocessen[0].pk}


def _submitted(cast):
    return {"pk": assessment(placement(cast)).pk}


def _attachment(cast):
    """Written to the configured storage (the download must find the file) and removed when the
    test run ends: the matrix has no settings fixture to point MEDIA_ROOT elsewhere."""
    draft = assessment(placement(cast), submit=False)
    attachment = EvidenceAttachment(
        self_assessment=draft,
        name="verslag.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    attachment.file.save("bijlage.pdf", ContentFile(PDF_BYTES), save=True)
    return {"pk": attachment.pk}


PAGES = {
    "frontend:my-activities": Page(STUDENT),
    "frontend:self-assessment": Page(STUDENT, kwargs=_self_assessment),
    # POST only: the student gets 405 on a GET, everyone else 403 first.
    "frontend:evidence-attachment-delete": Page(STUDENT, kwargs=_attachment),
    "frontend:evidence-attachment": Page(STUDENT | STAFF, kwargs=_attachment),
    "frontend:validation-queue": Page(STAFF),
    "frontend:validation-detail": Page(STAFF, kwargs=_submitted),
}
