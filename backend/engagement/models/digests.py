from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DEFAULT_QUIET_WEEKS = 6


class NotificationCategory(models.TextChoices):
    """The kinds of engagement message; people choose in-app and e-mail per kind."""

    DIGEST = "digest", _("Partneroverzicht")
    BOOKING = "booking", _("Gastlessen")
    EVENT = "event", _("Evenementen")
    MEETING = "meeting", _("Overleggen")


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("dagelijks")
    WEEKLY = "weekly", _("wekelijks")
    OFF = "off", _("uit")


class DigestPreference(models.Model):
    """How often a company contact receives the partner digest. No row means weekly."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        _("overzicht ontvangen"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voorkeur partneroverzicht")
        verbose_name_plural = _("voorkeuren partneroverzicht")

    def __str__(self) -> str:
        return f"{self.user}: {self.frequency}"


class PartnerAttentionSetting(models.Model):
    """Per school: after how many quiet weeks a partner shows on the coordinators' attention list."""

    school = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="attention_setting"
    )
    quiet_weeks = models.PositiveSmallIntegerField(
        _("weken zonder contact"),
        default=DEFAULT_QUIET_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )

    class Meta:
        verbose_name = _("signaleringstermijn partners")
        verbose_name_plural = _("signaleringstermijnen partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_weeks__gte=1) & Q(quiet_weeks__lte=52),
                name="attention_quiet_weeks_1_52",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.quiet_weeks}"
