import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("gedaan")
    OVERDUE = "overdue", _("te laat")
    WAIVED = "waived", _("vervallen")
    BROKEN = "broken", _("niet nagekomen")


PENDING_STATUSES = (CommitmentStatus.OPEN, CommitmentStatus.OVERDUE)


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def pending(self) -> "CommitmentQuerySet":
        return self.filter(status__in=PENDING_STATUSES)


class Commitment(TimeStampedModel):
    """Who does what by when. Exactly one owner: a person, never a group (NOT NULL)."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="commitments"
    )
    title = models.CharField(_("wat"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    # The party the owner acts for; reliability per organisation counts these.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="commitments"
    )
    due_on = models.DateField(_("uiterlijk op"))
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    done_at = models.DateTimeField(_("gedaan op"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("geëscaleerd op"), null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("toezegging")
        verbose_name_plural = _("toezeggingen")
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="commitment_done_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.owner}, {self.due_on})"

    @property
    def is_pending(self) -> bool:
        """Open or overdue: someone still has to do it."""
        return self.status in PENDING_STATUSES

    def is_late(self, today: dt.date) -> bool:
        """Marked overdue, or its due date passed without it being marked yet."""
        return self.status == CommitmentStatus.OVERDUE or self.due_on < today

    def was_kept_on_time(self, done_day: dt.date | None) -> bool:
        """Done on or before its due date; `done_day` is `done_at` as a local date."""
        return (
            self.status == CommitmentStatus.DONE
            and done_day is not None
            and done_day <= self.due_on
        )


class CommitmentUpdate(models.Model):
    """Each change of a commitment with its note: status and/or owner. Never edited."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    from_status = models.CharField(max_length=10, choices=CommitmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=CommitmentStatus.choices)
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("notitie"))
    # None: the system (the overdue check).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("wijziging toezegging")
        verbose_name_plural = _("wijzigingen toezeggingen")

    def __str__(self) -> str:
        return f"{self.commitment}: {self.from_status} → {self.to_status}"
