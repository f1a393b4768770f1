from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app message, optionally also sent by e-mail (after commit, by a Celery task).

    `dedupe_key` makes sending idempotent: a reminder sent twice for the same reason is one row.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    category = models.CharField(_("soort"), max_length=50)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("bericht"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    wants_email = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"


class NotificationPreference(models.Model):
    """Per user and category: in-app and/or e-mail. No row means both on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(_("soort"), max_length=50)
    in_app = models.BooleanField(_("in de app"), default=True)
    email = models.BooleanField(_("per e-mail"), default=True)

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="preference_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.category}"
