"""Organisations (create, update, takeover) and their locations."""

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from backend.accounts.access import can_manage_organisation
from backend.accounts.models import User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.organisations.access import (
    can_create_organisation,
    may_record_takeover,
    require_organisation_manager,
)
from backend.organisations.models import (
    Location,
    Organisation,
    OrganisationKind,
)

ORGANISATION_FIELDS = ("name", "kind", "brin", "kvk", "website", "description", "employee_count")
SCHOOL_KINDS = (OrganisationKind.SCHOOL, OrganisationKind.HOGESCHOOL)


def normalise_kvk(value: str) -> str:
    """People type KvK numbers with spaces or dots ("1234 5678"); we store the 8 digits."""
    return re.sub(r"[\s.]", "", value or "")


def normalise_postcode(value: str) -> str:
    """ "1234ab" and "1234  AB" become "1234 AB"."""
    compact = re.sub(r"\s", "", value or "").upper()
    if re.fullmatch(r"\d{4}[A-Z]{2}", compact):
        return f"{compact[:4]} {compact[4:]}"
    return (value or "").strip()


def _check_identifiers(organisation: Organisation) -> None:
    """Kind-specific identifiers and duplicates, with messages naming the other organisation."""
    if organisation.kind == OrganisationKind.SCHOOL and not organisation.brin:
        raise field_error("brin", _("Een mbo-school heeft een BRIN-code, bv. 25LX."))
    if organisation.kind == OrganisationKind.COMPANY and not organisation.kvk:
        raise field_error("kvk", _("Een bedrijf heeft een KvK-nummer van 8 cijfers."))
    others = Organisation.objects.exclude(pk=organisation.pk)
    if organisation.kvk and (other := others.filter(kvk=organisation.kvk).first()):
        raise field_error(
            "kvk",
            _("KvK-nummer %(kvk)s is al geregistreerd voor %(name)s.")
            % {"kvk": organisation.kvk, "name": other.name},
        )
    if organisation.brin and (other := others.filter(brin=organisation.brin).first()):
        raise field_error(
            "brin",
            _("BRIN-code %(brin)s is al geregistreerd voor %(name)s.")
            % {"brin": organisation.brin, "name": other.name},
        )


def validate_and_save(instance: Model, **full_clean_kwargs: Any) -> None:
    # Uniqueness is checked by the callers with readable messages; the DB constraints catch races.
    instance.full_clean(validate_constraints=False, validate_unique=False, **full_clean_kwargs)
    instance.save()


def _clean_organisation_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    if "kvk" in cleaned:
        cleaned["kvk"] = normalise_kvk(cleaned["kvk"])
    if "brin" in cleaned:
        cleaned["brin"] = (cleaned["brin"] or "").strip().upper()
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
    return cleaned


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    brin: str = "",
    kvk: str = "",
    website: str = "",
    description: str = "",
    employee_count: int | None = None,
) -> Organisation:
    """Register an organisation. `actor=None` is the system (company self sign-up, imports).
    Raises PermissionDenied when the actor may not create this kind, ApplicationError naming the
    field for a bad or duplicate KvK/BRIN."""
    if actor is not None and not can_create_organisation(actor, kind):
        raise PermissionDenied(_("Je mag geen organisatie van deze soort aanmaken."))
    fields = _clean_organisation_fields(
        {
            "name": name,
            "kind": kind,
            "brin": brin,
            "kvk": kvk,
            "website": website,
            "description": description,
            "employee_count": employee_count,
        }
    )
    organisation = Organisation(**fields)
    _check_identifiers(organisation)
    validate_and_save(organisation, exclude=["succeeded_by"])
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **fields: Any) -> Organisation:
    """Change an organisation's details. Institution admins edit their own school, company contacts
    their own company, Koppel staff everything; only Koppel staff change the kind."""
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Je mag %(name)s niet wijzigen.") % {"name": organisation.name})
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown organisation fields: {sorted(unknown)}")
    if "kind" in fields and fields["kind"] != organisation.kind and not actor.is_staff:
        raise field_error("kind", _("Alleen Koppel-beheer kan de soort organisatie wijzigen."))
    for name, value in _clean_organisation_fields(fields).items():
        setattr(organisation, name, value)
    _check_identifiers(organisation)
    validate_and_save(organisation, exclude=["succeeded_by"])
    return organisation


@transaction.atomic
def organisation_succeed(
    *, organisation: Organisation, successor: Organisation, on: dt.date, actor: User
) -> Organisation:
    """Record that `successor` took over `organisation` on date `on` (a company takeover).

    Contract:
    - The old organisation stays, with its memberships, offers and history; it points at the
      successor (`succeeded_by`, `succeeded_on`) and drops out of `Organisation.objects.active()`.
      `organisation.current()` follows the chain to the organisation that carries on today.
    - Nothing else moves here and no signal is sent. An app that must move or re-address its own
      rows on a takeover (agreements: "the new owner honours the agreements made") calls this
      function inside its own `transaction.atomic()` and then moves its rows, e.g.
      `with transaction.atomic(): organisation_succeed(...); agreements_transfer(...)`.
    - Allowed for Koppel staff and for someone who is a company contact of both organisations.
    - Raises Conflict when the organisation was already taken over, when the successor itself was
      taken over (name the current one instead; this also rules out loops); ApplicationError on
      `successor` when it is the organisation itself.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not may_record_takeover(actor, organisation, successor):
        raise PermissionDenied(
            _(
                "Alleen Koppel-beheer of een contactpersoon van beide organisaties legt een overname vast."
            )
        )
    _check_succession(organisation, successor)
    organisation.succeeded_by = successor
    organisation.succeeded_on = on
    organisation.save(update_fields=["succeeded_by", "succeeded_on", "updated_at"])
    return organisation


def _check_succession(organisation: Organisation, successor: Organisation) -> None:
    if successor.pk == organisation.pk:
        raise field_error("successor", _("Een organisatie kan zichzelf niet opvolgen."))
    if (taken_over_by := organisation.succeeded_by) is not None:
        raise Conflict(
            _("%(name)s is al overgenomen door %(successor)s op %(on)s.")
            % {
                "name": organisation.name,
                "successor": taken_over_by.name,
                "on": organisation.succeeded_on,
            }
        )
    if successor.succeeded_by_id:
        raise Conflict(
            _("%(name)s is zelf overgenomen door %(current)s; kies die als opvolger.")
            % {"name": successor.name, "current": successor.current().name}
        )


@transaction.atomic
def location_create(
    *,
    organisation: Organisation,
    actor: User,
    name: str,
    postcode: str,
    city: str,
    street: str = "",
) -> Location:
    require_organisation_manager(actor, organisation)
    location = Location(
        organisation=organisation,
        name=name.strip(),
        street=street.strip(),
        postcode=normalise_postcode(postcode),
        city=city.strip(),
    )
    validate_and_save(location)
    return location


@transaction.atomic
def location_update(*, location: Location, actor: User, **fields: Any) -> Location:
    require_organisation_manager(actor, location.organisation)
    for name in ("name", "street", "postcode", "city"):
        if name in fields:
            value = fields[name] or ""
            setattr(location, name, normalise_postcode(value) if name == "postcode" else value)
    validate_and_save(location)
    return location


@transaction.atomic
def location_delete(*, location: Location, actor: User) -> None:
    require_organisation_manager(actor, location.organisation)
    location.delete()
