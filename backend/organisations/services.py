"""Writes for organisations, locations, consortia and certificate policies.

Every service takes the acting person, checks they may do it and validates before saving.
"""

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.organisations.models import (
    CertificateKind,
    CertificatePolicy,
    Consortium,
    ConsortiumMembership,
    ConsortiumRole,
    Location,
    Organisation,
    OrganisationKind,
    PolicySubject,
)
from backend.organisations.selectors import (
    can_create_organisation,
    can_manage_consortium,
    can_manage_organisation,
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


def _validate_and_save(instance, **full_clean_kwargs) -> None:
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
    _validate_and_save(organisation, exclude=["succeeded_by"])
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
    _validate_and_save(organisation, exclude=["succeeded_by"])
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
    allowed = actor.is_staff or (
        can_manage_organisation(actor, organisation) and can_manage_organisation(actor, successor)
    )
    if not allowed:
        raise PermissionDenied(
            _(
                "Alleen Koppel-beheer of een contactpersoon van beide organisaties legt een overname vast."
            )
        )
    if successor.pk == organisation.pk:
        raise field_error("successor", _("Een organisatie kan zichzelf niet opvolgen."))
    if organisation.succeeded_by_id:
        raise Conflict(
            _("%(name)s is al overgenomen door %(successor)s op %(on)s.")
            % {
                "name": organisation.name,
                "successor": organisation.succeeded_by.name,
                "on": organisation.succeeded_on,
            }
        )
    if successor.succeeded_by_id:
        raise Conflict(
            _("%(name)s is zelf overgenomen door %(current)s; kies die als opvolger.")
            % {"name": successor.name, "current": successor.current().name}
        )
    organisation.succeeded_by = successor
    organisation.succeeded_on = on
    organisation.save(update_fields=["succeeded_by", "succeeded_on", "updated_at"])
    return organisation


# --- locations ----------------------------------------------------------------------------------


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied(
            _("Je mag de gegevens van %(name)s niet wijzigen.") % {"name": organisation.name}
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
    _require_manager(actor, organisation)
    location = Location(
        organisation=organisation,
        name=name.strip(),
        street=street.strip(),
        postcode=normalise_postcode(postcode),
        city=city.strip(),
    )
    _validate_and_save(location)
    return location


@transaction.atomic
def location_update(*, location: Location, actor: User, **fields: Any) -> Location:
    _require_manager(actor, location.organisation)
    for name in ("name", "street", "postcode", "city"):
        if name in fields:
            value = fields[name] or ""
            setattr(location, name, normalise_postcode(value) if name == "postcode" else value)
    _validate_and_save(location)
    return location


@transaction.atomic
def location_delete(*, location: Location, actor: User) -> None:
    _require_manager(actor, location.organisation)
    location.delete()


# --- consortia ----------------------------------------------------------------------------------


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
    if not (actor.is_staff or can_manage_organisation(actor, lead)):
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
    _validate_and_save(consortium)
    ConsortiumMembership.objects.create(
        consortium=consortium, organisation=lead, role=ConsortiumRole.LEAD, joined_on=starts_on
    )
    return consortium


def _require_consortium_manager(actor: User, consortium: Consortium) -> None:
    if not can_manage_consortium(actor, consortium):
        raise PermissionDenied(
            _("Alleen de beheerders van de penvoerder van %(name)s beheren de leden.")
            % {"name": consortium.name}
        )


@transaction.atomic
def consortium_update(*, consortium: Consortium, actor: User, **fields: Any) -> Consortium:
    _require_consortium_manager(actor, consortium)
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
    _validate_and_save(consortium)
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
    _require_consortium_manager(actor, consortium)
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
    _require_consortium_manager(actor, membership.consortium)
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
    _require_consortium_manager(actor, membership.consortium)
    if membership.left_on is not None:
        raise Conflict(_("Deze organisatie heeft het consortium al verlaten."))
    if membership.joined_on and left_on < membership.joined_on:
        raise field_error("left_on", _("De vertrekdatum ligt voor de datum van toetreden."))
    membership.left_on = left_on
    membership.save(update_fields=["left_on", "updated_at"])
    return membership


# --- certificate policies -----------------------------------------------------------------------


@transaction.atomic
def certificate_policy_create(
    *, organisation: Organisation, certificate: str, applies_to: str, actor: User, note: str = ""
) -> CertificatePolicy:
    """A school's rule, e.g. "guest teachers need a valid VOG". Admins of that school."""
    if not organisation.is_school:
        raise field_error("organisation", _("Alleen scholen stellen certificaatbeleid vast."))
    _require_manager(actor, organisation)
    if certificate not in CertificateKind.values:
        raise field_error(
            "certificate", _("Onbekend certificaat: %(kind)s.") % {"kind": certificate}
        )
    if applies_to not in PolicySubject.values:
        raise field_error(
            "applies_to", _("Onbekende doelgroep: %(subject)s.") % {"subject": applies_to}
        )
    if CertificatePolicy.objects.filter(
        organisation=organisation, certificate=certificate, applies_to=applies_to
    ).exists():
        raise Conflict(_("Dit beleid bestaat al voor %(name)s.") % {"name": organisation.name})
    return CertificatePolicy.objects.create(
        organisation=organisation, certificate=certificate, applies_to=applies_to, note=note
    )


@transaction.atomic
def certificate_policy_delete(*, policy: CertificatePolicy, actor: User) -> None:
    _require_manager(actor, policy.organisation)
    policy.delete()
