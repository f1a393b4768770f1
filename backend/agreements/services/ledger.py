"""The co-financing ledger: pledges per partner and what was realised."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.agreements.models import Pledge, PledgeKind, Realisation
from backend.agreements.selectors.access import can_keep_ledger
from backend.core.errors import PermissionDenied, field_error
from backend.organisations.models import Consortium, Organisation, OrganisationKind

# An amount as the client sent it (a Decimal from the API, a number or text elsewhere).
Quantity = Decimal | int | str | None


def _amounts(kind: str, amount: Quantity, hours: Quantity) -> tuple[Decimal | None, Decimal | None]:
    if kind == PledgeKind.CASH:
        if amount is None or Decimal(amount) <= 0:
            raise field_error("amount", _("Vul een bedrag in euro's in, groter dan 0."))
        return Decimal(amount), None
    if hours is None or Decimal(hours) <= 0:
        raise field_error("hours", _("Vul het aantal uren in, groter dan 0."))
    return None, Decimal(hours)


@transaction.atomic
def pledge_create(
    *,
    consortium: Consortium,
    partner: Organisation,
    funder: Organisation,
    kind: str,
    actor: User,
    period_start: dt.date,
    period_end: dt.date,
    amount: Quantity = None,
    hours: Quantity = None,
    note: str = "",
) -> Pledge:
    if not can_keep_ledger(actor, consortium, partner):
        raise PermissionDenied(_("Je mag de cofinanciering van dit consortium niet bijhouden."))
    _check_pledge(
        consortium=consortium,
        partner=partner,
        funder=funder,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
    )
    amount, hours = _amounts(kind, amount, hours)
    return Pledge.objects.create(
        consortium=consortium,
        partner=partner,
        funder=funder,
        kind=kind,
        amount=amount,
        hours=hours,
        period_start=period_start,
        period_end=period_end,
        note=note,
        created_by=actor,
    )


def _check_pledge(
    *,
    consortium: Consortium,
    partner: Organisation,
    funder: Organisation,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
) -> None:
    if not consortium.memberships.filter(organisation=partner).exists():
        raise field_error(
            "partner",
            _("%(name)s is geen partner van %(consortium)s.")
            % {"name": partner.name, "consortium": consortium.name},
        )
    if funder.kind != OrganisationKind.FUNDER:
        # Named by the id the client sent: a company contact must not learn other companies.
        raise field_error("funder", _("Organisatie %(id)s is geen financier.") % {"id": funder.pk})
    if kind not in PledgeKind.values:
        raise field_error("kind", _("Kies geld of uren."))
    if period_end < period_start:
        raise field_error("period_end", _("De periode eindigt voor hij begint."))


@transaction.atomic
def realisation_record(
    *,
    pledge: Pledge,
    actor: User,
    on: dt.date,
    evidence: str,
    amount: Quantity = None,
    hours: Quantity = None,
    paid_directly_to: Organisation | None = None,
) -> Realisation:
    """Record a contribution against a pledge; `paid_directly_to` names e.g. a training provider
    that was paid by the partner directly, which still counts towards the pledge."""
    if not can_keep_ledger(actor, pledge.consortium, pledge.partner):
        raise PermissionDenied(_("Je mag de cofinanciering van dit consortium niet bijhouden."))
    if not (evidence or "").strip():
        raise field_error(
            "evidence", _("Beschrijf het bewijs, bv. factuurnummer of urenregistratie.")
        )
    amount, hours = _amounts(pledge.kind, amount, hours)
    return Realisation.objects.create(
        pledge=pledge,
        on=on,
        amount=amount,
        hours=hours,
        evidence=evidence.strip(),
        paid_directly_to=paid_directly_to,
        recorded_by=actor,
    )
