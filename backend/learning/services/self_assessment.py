"""The student's self-assessment of a werkproces in an activity (STARR) and its attachments.

States: draft -> submitted -> (validated | more_requested -> submitted -> ...). The student
edits only a draft or an assessment the coach sent back (`EDITABLE_STATUSES`); submitting needs
every STARR field and a level, logs an `EvidenceStep` and tells the student's coach."""

import datetime as dt
from typing import IO

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import StudentEnrolment, User
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.core.links import PageLink
from backend.curriculum.models import ProgressLevel, Werkproces
from backend.learning.attachments import MAX_ATTACHMENTS, check_upload
from backend.learning.models import (
    EvidenceAttachment,
    EvidenceStep,
    ReviewStatus,
    SelfAssessment,
    StepKind,
)
from backend.learning.selectors.placements import is_placed_on, offer_werkprocessen
from backend.learning.selectors.self_assessment import EDITABLE_STATUSES
from backend.notifications.services import notify
from backend.offers.models import Offer

MAX_STARR_CHARS = 3000
STARR_FIELDS = ("situation", "task", "action", "result", "reflection")


def starr_labels() -> dict[str, str]:
    return {
        "situation": _("Situatie"),
        "task": _("Taak"),
        "action": _("Actie"),
        "result": _("Resultaat"),
        "reflection": _("Reflectie"),
    }


def _check_placement(student: User, offer: Offer, werkproces: Werkproces) -> None:
    if not is_placed_on(student.pk, offer.pk):
        raise PermissionDenied(_("Je bent niet ingedeeld op deze activiteit."))
    if not offer_werkprocessen(offer.pk, student_id=student.pk).filter(pk=werkproces.pk).exists():
        message = _(
            "%(code)s hoort niet bij deze activiteit of niet bij je opleiding; kies een werkproces "
            "van de activiteit."
        )
        message %= {"code": werkproces.code}
        raise ApplicationError(message, extra={"fields": {"werkproces": [message]}})


def _check_fields(level: str, texts: dict[str, str], *, submit: bool) -> None:
    """Every problem at once, per field, in the student's words."""
    errors: dict[str, list[str]] = {}
    labels = starr_labels()
    if level and level not in ProgressLevel.values:
        errors["level"] = [_("Kies een niveau: nooit, oefenen, voldoende of goed.")]
    elif submit and not level:
        errors["level"] = [_("Kies het niveau dat je jezelf geeft voordat je indient.")]
    for name in STARR_FIELDS:
        text = texts[name]
        if len(text) > MAX_STARR_CHARS:
            errors[name] = [
                _("%(field)s is te lang: %(n)s tekens, hooguit %(max)s.")
                % {"field": labels[name], "n": len(text), "max": MAX_STARR_CHARS}
            ]
        elif submit and not text.strip():
            errors[name] = [
                _("Vul %(field)s in voordat je indient.") % {"field": labels[name].lower()}
            ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, extra={"fields": errors})


def _not_editable(assessment: SelfAssessment) -> Conflict:
    if assessment.status == ReviewStatus.VALIDATED:
        return Conflict(_("Deze zelfbeoordeling is al gevalideerd en kan niet meer veranderen."))
    return Conflict(
        _(
            "Je hebt deze zelfbeoordeling al ingediend; je coach beoordeelt hem nu. Je kunt hem weer "
            "aanpassen als je coach om meer bewijs vraagt."
        )
    )


def _notify_coach(assessment: SelfAssessment, step: EvidenceStep) -> None:
    enrolment = (
        StudentEnrolment.objects.select_related("coach")
        .filter(student_id=assessment.student_id)
        .first()
    )
    coach = enrolment.coach if enrolment else None
    if coach is None:
        return
    student_name = assessment.student.get_full_name() or assessment.student.first_name
    code = assessment.werkproces.code
    notify(
        recipient=coach,
        category="learning_evidence_submitted",
        title=gettext_lazy("Zelfbeoordeling ingediend"),
        body=lambda: (
            _("%(student)s vraagt u %(code)s te beoordelen.")
            % {"student": student_name, "code": code}
        ),
        link=PageLink("validation-detail", assessment.pk),
        dedupe_key=f"learning-evidence-submitted:{step.pk}",
        now=step.at,
    )


@transaction.atomic
def self_assessment_save(
    *,
    student: User,
    offer: Offer,
    werkproces: Werkproces,
    level: str,
    situation: str,
    task: str,
    action: str,
    result: str,
    reflection: str,
    submit: bool,
    now: dt.datetime,
) -> SelfAssessment:
    """Save the student's draft, or submit it for validation (`submit`). Raises PermissionDenied
    when the student is not placed on the offer, an ApplicationError naming the field for a
    werkproces that is not on the offer or a missing/too long answer, and Conflict when the
    assessment is submitted or validated (not editable)."""
    texts = {
        "situation": situation,
        "task": task,
        "action": action,
        "result": result,
        "reflection": reflection,
    }
    _check_placement(student, offer, werkproces)
    _check_fields(level, texts, submit=submit)
    assessment, _created = SelfAssessment.objects.get_or_create(
        student=student, offer=offer, werkproces=werkproces, defaults={"level": level}
    )
    # Another request of the student (a second tab) may be submitting the same assessment.
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status not in EDITABLE_STATUSES:
        raise _not_editable(assessment)
    assessment.level = level
    for name, text in texts.items():
        setattr(assessment, name, text)
    if not submit:
        assessment.save()
        return assessment
    assessment.status = ReviewStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.save()
    step = EvidenceStep.objects.create(
        self_assessment=assessment, kind=StepKind.SUBMITTED, actor=student, at=now, level=level
    )
    _notify_coach(assessment, step)
    return assessment


def _editable_by_owner(self_assessment: SelfAssessment, actor: User) -> SelfAssessment:
    """The assessment locked for the change; refuses anyone but the student, and a submitted or
    validated assessment."""
    if self_assessment.student_id != actor.pk:
        raise PermissionDenied(_("Alleen de student zelf kan bijlagen toevoegen of verwijderen."))
    locked = SelfAssessment.objects.select_for_update().get(pk=self_assessment.pk)
    if locked.status not in EDITABLE_STATUSES:
        raise _not_editable(locked)
    return locked


@transaction.atomic
def attachment_add(
    *, self_assessment: SelfAssessment, actor: User, upload: "UploadedFile[bytes]", now: dt.datetime
) -> EvidenceAttachment:
    """Add a file to the student's own editable assessment. Refuses (on the field `file`) a
    sixth file, one over 10 MB and anything that is not a PDF, PNG, JPEG, DOCX, PPTX or XLSX by
    its content. The stored name is random; the shown name is the original's last part."""
    locked = _editable_by_owner(self_assessment, actor)
    count = EvidenceAttachment.objects.filter(self_assessment=locked).count()
    if count >= MAX_ATTACHMENTS:
        message = _("Je hebt al %(max)s bijlagen; verwijder er een om een andere toe te voegen.")
        message %= {"max": MAX_ATTACHMENTS}
        raise ApplicationError(message, extra={"fields": {"file": [message]}})
    stream: IO[bytes] = upload.file  # type: ignore[assignment]  # open while the request runs
    kind, name = check_upload(filename=upload.name or "", size=upload.size, stream=stream)
    upload.seek(0)
    attachment = EvidenceAttachment(
        self_assessment=locked, name=name, content_type=kind.content_type, size=upload.size or 0
    )
    # The name given here only lends its extension (from the content, not the student's name)
    # to models.attachment_path, which makes the stored name random.
    attachment.file.save(f"bijlage.{kind.extension}", File(upload.file), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name or "")
        raise
    # The assessment changed: it moves up in the student's and the coach's lists.
    SelfAssessment.objects.filter(pk=locked.pk).update(updated_at=now)
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: EvidenceAttachment, actor: User) -> None:
    """Remove the student's own attachment while the assessment is editable; the file leaves
    storage once the transaction commits (a rollback keeps both)."""
    _editable_by_owner(attachment.self_assessment, actor)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
