"""The learning loop (issue 15): what happens after a student was placed on an activity.

- The company mentor rates each student of their team on the offer's werkprocessen
  (`CompanyFeedback` + `CompanyRating`), halfway through a long activity and at its end.
- The student assesses themselves per werkproces with a STARR reflection and attachments
  (`SelfAssessment`, `EvidenceAttachment`).
- A coach or teacher validates it or asks for more evidence (`EvidenceStep` logs every step).
  Validation writes the demonstrated level to `curriculum.WerkprocesEvidence`, the one record
  the portfolio and the matcher read: only validated evidence counts.
- Driehoekgesprekken: a recurring three-way conversation per placement (`TriadSeries`,
  `TriadConversation`).
- The student's feedback on the activity (`ActivityFeedback`), shown to the company only as an
  aggregate of at least five answers.
- Open Badges 2.0 hosted assertions for a validated werkproces or a whole kerntaak (`Badge`).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel
from backend.curriculum.models import ProgressLevel

# A company sees the students' feedback on its activity only as an aggregate of this many.
MIN_ANSWERS_FOR_COMPANY = 5


class Moment(models.TextChoices):
    MIDPOINT = "midpoint", _("tussentijds")
    FINAL = "final", _("eindbeoordeling")


class CompanyFeedback(TimeStampedModel):
    """The company mentor's feedback on one student of their team at one moment of an offer.

    Opened by the daily task when the moment arrives (`due_on`); submitted once, by a contact of
    the company that owns the offer, with one `CompanyRating` per werkproces the offer is mapped
    to. Until then the company is reminded, at most once a day (`last_reminded_on`)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_feedback"
    )
    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.CASCADE, related_name="company_feedback"
    )
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    due_on = models.DateField(_("graag ingevuld voor"))
    comment = models.TextField(_("toelichting"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("ingevuld op"), null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("feedback van het bedrijf")
        verbose_name_plural = _("feedback van bedrijven")
        indexes = [models.Index(fields=["offer", "submitted_at"], name="companyfeedback_offer")]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "offer", "moment"], name="companyfeedback_once_per_moment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer_id}/{self.student_id} {self.moment}"


class CompanyRating(models.Model):
    """One werkproces of the offer, rated on Koppel's scale for one student."""

    feedback = models.ForeignKey(CompanyFeedback, on_delete=models.CASCADE, related_name="ratings")
    werkproces = models.ForeignKey(
        "curriculum.Werkproces", on_delete=models.PROTECT, related_name="company_ratings"
    )
    level = models.CharField(_("niveau"), max_length=10, choices=ProgressLevel.choices)

    class Meta:
        ordering = ["feedback", "werkproces__code"]
        verbose_name = _("beoordeling per werkproces")
        verbose_name_plural = _("beoordelingen per werkproces")
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "werkproces"], name="companyrating_once_per_werkproces"
            )
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.werkproces_id}: {self.level}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    SUBMITTED = "submitted", _("ingediend")
    MORE_REQUESTED = "more_requested", _("meer bewijs gevraagd")
    VALIDATED = "validated", _("gevalideerd")


class SelfAssessment(TimeStampedModel):
    """A student's own assessment of one werkproces in one activity: a level and a short STARR
    reflection (situatie, taak, actie, resultaat, reflectie), with attachments. A coach or
    teacher of the student's school validates it or asks for more evidence."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_assessments"
    )
    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.CASCADE, related_name="self_assessments"
    )
    werkproces = models.ForeignKey(
        "curriculum.Werkproces", on_delete=models.PROTECT, related_name="self_assessments"
    )
    level = models.CharField(_("niveau"), max_length=10, choices=ProgressLevel.choices)
    situation = models.TextField(_("situatie"), blank=True)
    task = models.TextField(_("taak"), blank=True)
    action = models.TextField(_("actie"), blank=True)
    result = models.TextField(_("resultaat"), blank=True)
    reflection = models.TextField(_("reflectie"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    # The latest decision (the full history is in `steps`).
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    review_reason = models.TextField(_("toelichting van de coach"), blank=True)

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("zelfbeoordeling")
        verbose_name_plural = _("zelfbeoordelingen")
        indexes = [models.Index(fields=["status", "submitted_at"], name="selfassessment_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "offer", "werkproces"], name="selfassessment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.werkproces_id}: {self.status}"


def attachment_path(instance: "EvidenceAttachment", filename: str) -> str:
    """A random name under the student's folder: the original name is kept in `name`, never in
    the path, so a path says nothing and cannot be guessed."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"learning/{instance.self_assessment.student_id}/{uuid.uuid4().hex}.{suffix}"


class EvidenceAttachment(TimeStampedModel):
    """A file the student adds to a self-assessment (a photo, a report, a slide deck). Served
    only through a permission-checked view, never from a public media URL."""

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("bestand"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("naam"), max_length=200)
    content_type = models.CharField(_("soort bestand"), max_length=100)
    size = models.PositiveIntegerField(_("grootte (bytes)"))

    class Meta:
        ordering = ["self_assessment", "pk"]
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self) -> str:
        return self.name


class StepKind(models.TextChoices):
    SUBMITTED = "submitted", _("ingediend")
    VALIDATED = "validated", _("gevalideerd")
    MORE_REQUESTED = "more_requested", _("meer bewijs gevraagd")


class EvidenceStep(models.Model):
    """Who did what to a self-assessment and when: append-only."""

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("stap"), max_length=20, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("op"))
    # The level the step names: the student's claim, or the level the coach validated.
    level = models.CharField(_("niveau"), max_length=10, choices=ProgressLevel.choices, blank=True)
    reason = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["self_assessment", "at", "pk"]
        verbose_name = _("stap in de beoordeling")
        verbose_name_plural = _("stappen in de beoordeling")

    def __str__(self) -> str:
        return f"{self.self_assessment_id} {self.kind} {self.at:%Y-%m-%d}"


class TriadSeries(TimeStampedModel):
    """Driehoekgesprekken for one placement: student, coach and company mentor meet every
    `interval_days` from `first_on` to `last_on`. Visible to those three only."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="triad_series"
    )
    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    interval_days = models.PositiveSmallIntegerField(
        _("elke zoveel dagen"), default=14, validators=[MinValueValidator(7), MaxValueValidator(42)]
    )
    first_on = models.DateField(_("eerste gesprek"))
    last_on = models.DateField(_("laatste gesprek uiterlijk"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_on", "pk"]
        verbose_name = _("reeks driehoekgesprekken")
        verbose_name_plural = _("reeksen driehoekgesprekken")
        constraints = [
            models.UniqueConstraint(fields=["student", "offer"], name="triadseries_once"),
            models.CheckConstraint(
                condition=Q(last_on__gte=models.F("first_on")), name="triadseries_last_after_first"
            ),
            models.CheckConstraint(
                condition=Q(interval_days__gte=7) & Q(interval_days__lte=42),
                name="triadseries_interval_7_42",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} @ {self.offer_id}"


class TriadConversation(TimeStampedModel):
    """One planned driehoekgesprek; held (with short notes) or, after its date, missed."""

    series = models.ForeignKey(TriadSeries, on_delete=models.CASCADE, related_name="conversations")
    planned_on = models.DateField(_("gepland op"))
    held_on = models.DateField(_("gehouden op"), null=True, blank=True)
    notes = models.TextField(_("aantekeningen"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the coach was alerted that it was missed: the alert goes out once.
    missed_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["series", "planned_on"]
        verbose_name = _("driehoekgesprek")
        verbose_name_plural = _("driehoekgesprekken")
        constraints = [
            models.UniqueConstraint(fields=["series", "planned_on"], name="triad_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.planned_on}"


class ActivityFeedback(TimeStampedModel):
    """A student's feedback on an activity after it ended: two questions (1-5) and a comment."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_feedback"
    )
    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.CASCADE, related_name="activity_feedback"
    )
    learned = models.PositiveSmallIntegerField(
        _("ik heb veel geleerd"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    supported = models.PositiveSmallIntegerField(
        _("het bedrijf begeleidde ons goed"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("opmerking"), blank=True)

    class Meta:
        ordering = ["offer", "pk"]
        verbose_name = _("feedback op een activiteit")
        verbose_name_plural = _("feedback op activiteiten")
        constraints = [
            models.UniqueConstraint(fields=["student", "offer"], name="activityfeedback_once"),
            models.CheckConstraint(
                condition=Q(learned__gte=1) & Q(learned__lte=5), name="activityfeedback_learned_1_5"
            ),
            models.CheckConstraint(
                condition=Q(supported__gte=1) & Q(supported__lte=5),
                name="activityfeedback_supported_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} @ {self.offer_id}"


class Badge(TimeStampedModel):
    """An Open Badges 2.0 assertion the school issued: a validated werkproces, or a whole
    kerntaak whose werkprocessen are all demonstrated. Hosted at a public URL by `uid` once the
    student publishes it; revoked by the school with a reason (then the URL answers 410)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    school = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="issued_badges"
    )
    kwalificatie = models.ForeignKey(
        "curriculum.Kwalificatie", on_delete=models.PROTECT, related_name="+"
    )
    werkproces = models.ForeignKey(
        "curriculum.Werkproces", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kerntaak = models.ForeignKey(
        "curriculum.Kerntaak", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("uitgegeven op"))
    # The recipient as Open Badges hashes it: "sha256$" + sha256(e-mail + salt).
    recipient_salt = models.CharField(max_length=32)
    recipient_hash = models.CharField(max_length=71)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.TextField(_("reden van intrekken"), blank=True)

    class Meta:
        ordering = ["-issued_at", "pk"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.CheckConstraint(
                condition=Q(werkproces__isnull=True, kerntaak__isnull=False)
                | Q(werkproces__isnull=False, kerntaak__isnull=True),
                name="badge_werkproces_or_kerntaak",
            ),
            models.UniqueConstraint(
                fields=["student", "werkproces"],
                condition=Q(revoked_at__isnull=True, werkproces__isnull=False),
                name="badge_once_per_werkproces",
            ),
            models.UniqueConstraint(
                fields=["student", "kerntaak"],
                condition=Q(revoked_at__isnull=True, kerntaak__isnull=False),
                name="badge_once_per_kerntaak",
            ),
        ]

    def __str__(self) -> str:
        return str(self.uid)
