"""Reads for a consortium's co-financing ledger (who may read it: selectors.access)."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from backend.agreements.models import Pledge, PledgeKind, Realisation
from backend.organisations.models import Consortium


def consortium_by_id(pk: int) -> Consortium | None:
    consortium: Consortium | None = Consortium.objects.filter(pk=pk).first()
    return consortium


def pledges_of(consortium: Consortium) -> QuerySet[Pledge]:
    return (
        Pledge.objects.filter(consortium=consortium)
        .select_related("partner", "funder")
        .prefetch_related("realisations__paid_directly_to")
    )


def pledge_detail(pk: int) -> Pledge:
    return (
        Pledge.objects.select_related("partner", "funder")
        .prefetch_related("realisations__paid_directly_to")
        .get(pk=pk)
    )


def pledge_with_consortium(pk: int) -> Pledge | None:
    pledge: Pledge | None = (
        Pledge.objects.filter(pk=pk).select_related("consortium", "partner").first()
    )
    return pledge


@dataclass
class _Totals:
    pledged_amount: Decimal = Decimal("0")
    pledged_hours: Decimal = Decimal("0")
    realised_amount: Decimal = Decimal("0")
    realised_hours: Decimal = Decimal("0")
    direct_amount: Decimal = Decimal("0")
    direct_hours: Decimal = Decimal("0")
    paid_to: set[str] = field(default_factory=set)

    def add_pledge(self, pledge: Pledge) -> None:
        if pledge.kind == PledgeKind.CASH:
            self.pledged_amount += pledge.amount or 0
        else:
            self.pledged_hours += pledge.hours or 0
        for realisation in pledge.realisations.all():
            self.add_realisation(realisation)

    def add_realisation(self, realisation: Realisation) -> None:
        self.realised_amount += realisation.amount or 0
        self.realised_hours += realisation.hours or 0
        if realisation.paid_directly_to is not None:
            self.direct_amount += realisation.amount or 0
            self.direct_hours += realisation.hours or 0
            self.paid_to.add(realisation.paid_directly_to.name)

    def row(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "pledged_amount": self.pledged_amount,
            "pledged_hours": self.pledged_hours,
            "realised_amount": self.realised_amount,
            "realised_hours": self.realised_hours,
            "direct_amount": self.direct_amount,
            "direct_hours": self.direct_hours,
            "paid_to": sorted(self.paid_to),
        }


def _rows(table: dict[str, _Totals]) -> list[dict[str, Any]]:
    return [totals.row(name) for name, totals in sorted(table.items())]


def ledger_report(consortium: Consortium) -> dict[str, Any]:
    """Pledged vs realised per funder and per partner (cash and hours), including the part paid
    directly to a training provider. Two queries."""
    by_funder: dict[str, _Totals] = {}
    by_partner: dict[str, _Totals] = {}
    for pledge in pledges_of(consortium):
        by_funder.setdefault(pledge.funder.name, _Totals()).add_pledge(pledge)
        by_partner.setdefault(pledge.partner.name, _Totals()).add_pledge(pledge)
    return {
        "consortium": consortium.name,
        "by_funder": _rows(by_funder),
        "by_partner": _rows(by_partner),
    }
