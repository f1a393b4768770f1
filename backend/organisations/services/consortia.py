"""Consortia and their members."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.organisations.access import can_start_consortium, require_consortium_manager
from backend.organisations.models import (
    Consortium,
    ConsortiumMembership,
    ConsortiumRole,
    Organisation,
)
from backend.organisations.selectors import consortium_lead_ids
from backend.organisations.services.organisations import validate_and_save


@transaction.atomic
def consortium_create(
    *,
    actor: User,
    name: str,
    lead: Organisation,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Consortium:
    """Start a consortium with `lead` as penvoerder. Koppel staff, or an institution admin of the
    lead organisation."""
    if not can_start_consortium(actor, lead):
        raise PermissionDenied(
            _("Alleen een beheerder van %(name)s kan dit consortium starten.") % {"name": lead.name}
        )
    name = name.strip()
    if Consortium.objects.filter(name__iexact=name).exists():
        raise field_error(
            "name", _("Er bestaat al een consortium met de naam %(name)s.") % {"name": name}
        )
    consortium = Consortium(
        name=name, description=description, starts_on=starts_on, ends_on=ends_on
    )
    if starts_on and ends_on and ends_on < starts_on:
        raise field_error("ends_on", _("De einddatum ligt voor de startdatum."))
    validate_and_save(consortium)
    ConsortiumMembership.objects.create(
        consortium=consortium, organisation=lead, role=ConsortiumRole.LEAD, joined_on=starts_on
    )
    return consortium


@transaction.atomic
def consortium_update(*, consortium: Consortium, actor: User, **fields: Any) -> Consortium:
    require_consortium_manager(actor, consortium)
    for name in ("name", "description", "starts_on", "ends_on"):
        if name in fields:
            setattr(consortium, name, fields[name])
    if consortium.starts_on and consortium.ends_on and consortium.ends_on < consortium.starts_on:
        raise field_error("ends_on", _("De einddatum ligt voor de startdatum."))
    if Consortium.objects.exclude(pk=consortium.pk).filter(name__iexact=consortium.name).exists():
        raise field_error(
            "name",
            _("Er bestaat al een consortium met de naam %(name)s.") % {"name": consortium.name},
        )
    validate_and_save(consortium)
    return consortium


@transaction.atomic
def consortium_member_add(
    *,
    consortium: Consortium,
    organisation: Organisation,
    role: str,
    actor: User,
    joined_on: dt.date | None = None,
) -> ConsortiumMembership:
    """Add an organisation to a consortium. An organisation that left before rejoins (its row is
    reused: one row per consortium and organisation)."""
    require_consortium_manager(actor, consortium)
    if role not in ConsortiumRole.values:
        raise field_error("role", _("Onbekende rol in het consortium: %(role)s.") % {"role": role})
    existing = ConsortiumMembership.objects.filter(
        consortium=consortium, organisation=organisation
    ).first()
    if existing and existing.left_on is None:
        raise Conflict(
            _("%(name)s is al lid van %(consortium)s.")
            % {"name": organisation.name, "consortium": consortium.name}
        )
    if existing:
        existing.role, existing.joined_on, existing.left_on = role, joined_on, None
        existing.save(update_fields=["role", "joined_on", "left_on", "updated_at"])
        return existing
    return ConsortiumMembership.objects.create(
        consortium=consortium, organisation=organisation, role=role, joined_on=joined_on
    )


@transaction.atomic
def consortium_member_update(
    *, membership: ConsortiumMembership, role: str, actor: User
) -> ConsortiumMembership:
    require_consortium_manager(actor, membership.consortium)
    if role not in ConsortiumRole.values:
        raise field_error("role", _("Onbekende rol in het consortium: %(role)s.") % {"role": role})
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def consortium_member_end(
    *, membership: ConsortiumMembership, left_on: dt.date, actor: User
) -> ConsortiumMembership:
    """An organisation leaves a consortium; the row stays for history."""
    require_consortium_manager(actor, membership.consortium)
    if membership.left_on is not None:
        raise Conflict(_("Deze organisatie heeft het consortium al verlaten."))
    if membership.joined_on and left_on < membership.joined_on:
        raise field_error("left_on", _("De vertrekdatum ligt voor de datum van toetreden."))
    if membership.role == ConsortiumRole.LEAD and consortium_lead_ids(membership.consortium) == {
        membership.organisation_id
    }:
        # Its admins manage the members: without a lead nobody could (except Koppel staff).
        raise Conflict(
            _(
                "%(name)s is de enige penvoerder. Maak eerst een andere partner penvoerder, "
                "dan kan %(name)s vertrekken."
            )
            % {"name": membership.organisation.name}
        )
    membership.left_on = left_on
    membership.save(update_fields=["left_on", "updated_at"])
    return membership
