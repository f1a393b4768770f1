"""What the AVG asks a school to keep about its own processing: the requests of the people whose
data it holds (art. 15-17, 20), how long each category is kept, and what each retention run
removed. The declarations of every personal field live in `backend.privacy.register`."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    ACCESS = "access", _("inzage en kopie (art. 15 en 20)")
    CORRECTION = "correction", _("correctie (art. 16)")
    ERASURE = "erasure", _("verwijdering (art. 17)")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("ingediend")
    DONE = "done", _("afgehandeld")
    REFUSED = "refused", _("afgewezen")


class DataRequest(models.Model):
    """A request of a person (usually a student) about their own data, handled by their school's
    privacy officer. The AVG gives the school one month (`due_on`)."""

    school = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="data_requests"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_requests"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=RequestKind.choices)
    # What should be corrected, or why the person asks for erasure. Free text about the person:
    # cleared when they are erased.
    details = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("ingediend op"))
    due_on = models.DateField(_("uiterlijk afhandelen op"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    # What was done, or why the request was refused: shown to the person.
    outcome = models.TextField(_("uitkomst"), blank=True)
    # For an erasure: per model what was removed, pseudonymised or kept, and why kept.
    report = models.JSONField(_("verslag"), default=dict, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("verzoek over persoonsgegevens")
        verbose_name_plural = _("verzoeken over persoonsgegevens")
        indexes = [
            models.Index(fields=["school", "status", "due_on"], name="data_request_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RequestStatus.SUBMITTED, handled_at__isnull=True)
                | (~Q(status=RequestStatus.SUBMITTED) & Q(handled_at__isnull=False)),
                name="data_request_handled_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.subject_id} ({self.get_status_display()})"


class RetentionRule(models.TextChoices):
    """What a retention period applies to, and from which moment it counts. Defaults (in months)
    are in `backend.privacy.retention.DEFAULT_MONTHS`."""

    CARE_NOTES = "care_notes", _("zorgnotities, na vertrek van de student")
    CHOICES = "choices", _("keuzes en uitleg van de toewijzing, na publicatie van de ronde")
    STUDENT_ACCOUNT = "student_account", _("account en contactgegevens, na vertrek van de student")
    EVIDENCE = "evidence", _("bewijs per werkproces, na vertrek van de student")
    ACTIVITIES = "activities", _("aanmeldingen en aanwezigheid bij evenementen, na het evenement")
    NOTIFICATIONS = "notifications", _("meldingen, na verzending")
    AGREEMENTS = "agreements", _("afspraken, na afloop (archiefregels van de school)")
    ACCESS_LOG = "access_log", _("inzagelog, na de inzage")


class RetentionPolicy(models.Model):
    """A school's own period for one rule; without a row the default applies."""

    school = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="retention_policies"
    )
    rule = models.CharField(_("categorie"), max_length=30, choices=RetentionRule.choices)
    months = models.PositiveSmallIntegerField(_("bewaartermijn in maanden"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("gewijzigd op"))

    class Meta:
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        constraints = [
            models.UniqueConstraint(fields=["school", "rule"], name="retention_rule_once"),
            models.CheckConstraint(condition=Q(months__lte=240), name="retention_at_most_20_years"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.rule}: {self.months}"


class RetentionRun(models.Model):
    """One application of a school's retention periods (or a dry run of it)."""

    school = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="retention_runs"
    )
    dry_run = models.BooleanField(_("proefdraai"))
    # None: the daily beat task.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("gestart op"))
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    # The moment the periods were counted back from (a dry run can look ahead).
    as_of = models.DateTimeField(_("peildatum"))
    # Per rule: what was (or would be) removed: {"rule": {"model label": count}}.
    counts = models.JSONField(_("aantallen"), default=dict)
    total = models.PositiveIntegerField(_("totaal"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("bewaartermijnronde")
        verbose_name_plural = _("bewaartermijnrondes")
        indexes = [models.Index(fields=["school", "-started_at"], name="retention_run_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="retention_run_finished_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.started_at:%Y-%m-%d} ({self.total})"
