from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class CollectiveMember(TimeStampedModel):
    """A company that belongs to a company collective (an Organisation of kind "collective"),
    so students can rotate between members under one umbrella agreement."""

    collective = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="collective_members"
    )
    company = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="collectives"
    )
    joined_on = models.DateField(_("lid sinds"))
    left_on = models.DateField(_("lid tot"), null=True, blank=True)

    class Meta:
        ordering = ["collective", "company"]
        verbose_name = _("lid van collectief")
        verbose_name_plural = _("leden van collectieven")
        constraints = [
            models.UniqueConstraint(fields=["collective", "company"], name="collective_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.company} in {self.collective}"


class PledgeKind(models.TextChoices):
    CASH = "cash", _("geld")
    IN_KIND = "in_kind", _("uren (in natura)")


class Pledge(TimeStampedModel):
    """Co-financing a partner pledged to a consortium project, for a funder and a period."""

    consortium = models.ForeignKey(
        "organisations.Consortium", on_delete=models.PROTECT, related_name="pledges"
    )
    partner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="pledges"
    )
    funder = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="funded_pledges",
        verbose_name=_("financier"),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=PledgeKind.choices)
    amount = models.DecimalField(
        _("bedrag (euro)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    hours = models.DecimalField(_("uren"), max_digits=9, decimal_places=1, null=True, blank=True)
    period_start = models.DateField(_("periode van"))
    period_end = models.DateField(_("periode tot"))
    note = models.TextField(_("toelichting"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["consortium", "partner", "period_start"]
        verbose_name = _("toezegging cofinanciering")
        verbose_name_plural = _("toezeggingen cofinanciering")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="cash") & Q(amount__gt=0) & Q(hours__isnull=True))
                | (Q(kind="in_kind") & Q(hours__gt=0) & Q(amount__isnull=True)),
                name="pledge_amount_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="pledge_period_order",
            ),
        ]

    def __str__(self) -> str:
        what = f"€ {self.amount}" if self.kind == PledgeKind.CASH else f"{self.hours} uur"
        return f"{self.partner}: {what} ({self.consortium})"


class Realisation(TimeStampedModel):
    """What was actually contributed against a pledge, with evidence; possibly paid directly
    to a training provider rather than to the consortium."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="realisations")
    on = models.DateField(_("datum"))
    amount = models.DecimalField(
        _("bedrag (euro)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    hours = models.DecimalField(_("uren"), max_digits=9, decimal_places=1, null=True, blank=True)
    evidence = models.TextField(_("bewijs"))
    paid_directly_to = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rechtstreeks betaald aan"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pledge", "on", "pk"]
        verbose_name = _("realisatie")
        verbose_name_plural = _("realisaties")
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount__gt=0) & Q(hours__isnull=True))
                | (Q(hours__gt=0) & Q(amount__isnull=True)),
                name="realisation_amount_or_hours",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pledge} — {self.on}"
