from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "pending"
    DISPATCHED = "dispatched", "dispatched"
    FAILED = "failed", "failed"


class OutboxMessage(models.Model):
    """A Celery task recorded in the same transaction as the change it follows (see outbox.py).

    Pending until the broker accepted it; `failed` after OUTBOX_MAX_ATTEMPTS publish attempts."""

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    # When the dispatcher may (re)try it; the request that wrote it tries at once after commit.
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.status})"


class OutgoingMail(models.Model):
    """An e-mail to an address that may have no account (invitation, password reset), sent by a
    task. `sent_at` is claimed with a conditional update, so a task delivered twice mails once;
    the body (it may hold a one-time link) is blanked once sent."""

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class ServiceHeartbeat(models.Model):
    """The last sign of life of a background part (`beat`), for the health endpoint."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at}"
