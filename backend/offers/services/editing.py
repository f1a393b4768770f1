"""Creating and editing offers: only the owner company's contacts, only before review."""

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import CertificateKind, User
from backend.core.errors import ApplicationError, Conflict
from backend.curriculum.models import Kwalificatie
from backend.offers.access import is_offer_company, require_offer_manager
from backend.offers.models import (
    AWAITING_DECISION_STATUSES,
    MAX_DURATION_MINUTES,
    PUBLIC_STATUSES,
    LocationKind,
    Offer,
    OfferKind,
    OfferStatus,
)
from backend.offers.selectors.visibility import SCHOOL_KINDS
from backend.organisations.models import Consortium, Location, Organisation

SCALAR_FIELDS = (
    "kind",
    "title",
    "description",
    "expectations",
    "deliverables",
    "starts_on",
    "ends_on",
    "start_time",
    "duration_minutes",
    "presenters",
    "location_kind",
    "location",
    "language",
    "min_students",
    "max_students",
    "team_size",
    "niveau_min",
    "niveau_max",
    "required_certificates",
    "consortium",
    "pok_reference",
    "contact",
)
RELATION_FIELDS = ("programmes", "schools")
EDITABLE_FIELDS = frozenset(SCALAR_FIELDS + RELATION_FIELDS)
_POK = re.compile(r"^[\w./ -]{1,100}$")


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise ApplicationError(first, extra={"fields": self.fields})


def _ids(values: Iterable[int | Any] | None) -> list[int]:
    """Primary keys of model instances or keys as given."""
    return [value if isinstance(value, int) else value.pk for value in values or []]


def _validate(offer: Offer, programmes: list[int] | None, schools: list[int] | None) -> None:
    """Every rule about an offer's fields, with one message per field at fault."""
    errors = _Errors()
    _validate_texts(offer, errors)
    _validate_niveaus(offer, errors)
    _validate_students(offer, errors)
    if offer.starts_on and offer.ends_on and offer.ends_on < offer.starts_on:
        errors.add(
            "ends_on",
            _("De einddatum (%(end)s) ligt vóór de startdatum (%(start)s).")
            % {"end": offer.ends_on.isoformat(), "start": offer.starts_on.isoformat()},
        )
    _validate_time(offer, errors)
    _validate_certificates(offer, errors)
    _validate_where(offer, schools, errors)
    _validate_programmes(programmes, errors)
    _validate_pok(offer, errors)
    errors.raise_if_any()


def _validate_texts(offer: Offer, errors: _Errors) -> None:
    """Title, description and the choices stored as text: kind, where, language."""
    if not (offer.title or "").strip():
        errors.add("title", _("Geef het aanbod een titel."))
    if not (offer.description or "").strip():
        errors.add("description", _("Beschrijf wat de vraag of het aanbod is."))
    if offer.kind not in OfferKind.values:
        errors.add("kind", _("Onbekende soort aanbod: %(kind)s.") % {"kind": offer.kind})
    if offer.location_kind not in LocationKind.values:
        errors.add("location_kind", _("Kies bij het bedrijf, op school of op afstand."))
    if offer.language not in ("nl", "en"):
        errors.add("language", _("Kies Nederlands (nl) of Engels (en)."))


def _validate_time(offer: Offer, errors: _Errors) -> None:
    """A start time and a duration come together, on a date, and end on the same day."""
    start, minutes = offer.start_time, offer.duration_minutes
    if minutes is not None and not 1 <= minutes <= MAX_DURATION_MINUTES:
        errors.add(
            "duration_minutes",
            _("De duur ligt tussen 1 minuut en 8 uur (480 minuten); u vulde %(minutes)d in.")
            % {"minutes": minutes},
        )
        return
    if start is None and minutes is not None:
        errors.add("start_time", _("Vul ook de begintijd in."))
    elif start is not None and minutes is None:
        errors.add("duration_minutes", _("Hoe lang duurt het? Vul de duur in minuten in."))
    elif start is not None and minutes is not None:
        if start.hour * 60 + start.minute + minutes >= 24 * 60:
            errors.add(
                "duration_minutes",
                _("Het moet op dezelfde dag eindigen: vóór middernacht."),
            )
        if offer.starts_on is None:
            errors.add("starts_on", _("Kies ook de datum waarop het begint."))


def _validate_niveaus(offer: Offer, errors: _Errors) -> None:
    for name in ("niveau_min", "niveau_max"):
        value = getattr(offer, name)
        if not isinstance(value, int) or not 1 <= value <= 4:
            errors.add(name, _("Een mbo-niveau ligt tussen 1 en 4."))
    niveaus_valid = "niveau_min" not in errors.fields and "niveau_max" not in errors.fields
    if niveaus_valid and offer.niveau_max < offer.niveau_min:
        errors.add(
            "niveau_max",
            _("‘Tot en met niveau’ (%(max)d) is lager dan ‘vanaf niveau’ (%(min)d).")
            % {"max": offer.niveau_max, "min": offer.niveau_min},
        )


def _validate_students(offer: Offer, errors: _Errors) -> None:
    if offer.max_students < 1:
        errors.add("max_students", _("Er moet plaats zijn voor minstens één student."))
    elif offer.max_students < offer.min_students:
        errors.add(
            "max_students",
            _("Het maximum (%(max)d) is lager dan het minimum (%(min)d) aantal studenten.")
            % {"max": offer.max_students, "min": offer.min_students},
        )
    if offer.team_size is not None and not 1 <= offer.team_size <= offer.max_students:
        errors.add(
            "team_size",
            _("Een team telt 1 tot en met %(max)d studenten (het maximum).")
            % {"max": offer.max_students},
        )


def _validate_programmes(programmes: list[int] | None, errors: _Errors) -> None:
    if not programmes:
        return
    known = set(Kwalificatie.objects.filter(pk__in=programmes).values_list("pk", flat=True))
    for pk in programmes:
        if pk not in known:
            errors.add("programmes", _("Onbekende opleiding (id %(id)s).") % {"id": pk})


def _validate_pok(offer: Offer, errors: _Errors) -> None:
    if not offer.pok_reference:
        return
    if offer.kind != OfferKind.INTERNSHIP:
        errors.add("pok_reference", _("Een POK-referentie hoort alleen bij een stage."))
    elif not _POK.match(offer.pok_reference):
        errors.add(
            "pok_reference",
            _("Een POK-referentie bestaat uit letters, cijfers, punten, streepjes of /."),
        )


def _validate_certificates(offer: Offer, errors: _Errors) -> None:
    certificates = offer.required_certificates
    if not isinstance(certificates, list):
        errors.add("required_certificates", _('Geef een lijst van certificaten, bv. ["VOG"].'))
        return
    for certificate in certificates:
        if certificate not in CertificateKind.values:
            errors.add(
                "required_certificates",
                _("Onbekend certificaat ‘%(value)s’; kies uit %(known)s.")
                % {"value": certificate, "known": ", ".join(CertificateKind.values)},
            )
    if len(set(certificates)) != len(certificates):
        errors.add("required_certificates", _("Noem elk certificaat maar één keer."))


def _validate_where(offer: Offer, schools: list[int] | None, errors: _Errors) -> None:
    if schools:
        found = dict(Organisation.objects.filter(pk__in=schools).values_list("pk", "name"))
        actual = set(
            Organisation.objects.filter(pk__in=schools, kind__in=SCHOOL_KINDS).values_list(
                "pk", flat=True
            )
        )
        for pk in schools:
            if pk not in found:
                errors.add("schools", _("Onbekende school (id %(id)s).") % {"id": pk})
            elif pk not in actual:
                errors.add("schools", _("%(name)s is geen school.") % {"name": found[pk]})
    if offer.location is not None:
        location_org = offer.location.organisation_id
        allowed = {offer.owner_id, *(schools or [])}
        if offer.location_kind == LocationKind.REMOTE:
            errors.add("location", _("Een aanbod op afstand heeft geen locatie."))
        elif location_org not in allowed:
            errors.add(
                "location",
                _("Kies een locatie van %(owner)s of van een school waar u het indient.")
                % {"owner": offer.owner.name},
            )


def _check_contact(offer: Offer) -> None:
    if not is_offer_company(offer.contact, offer):
        message = _("%(person)s is geen contactpersoon van %(owner)s.") % {
            "person": offer.contact,
            "owner": offer.owner.name,
        }
        raise ApplicationError(message, extra={"fields": {"contact": [message]}})


def _find(field: str, pk: int) -> Location | Consortium | User | None:
    if field == "location":
        return Location.objects.filter(pk=pk).first()
    if field == "consortium":
        return Consortium.objects.filter(pk=pk).first()
    return User.objects.filter(pk=pk).first()


def _resolve(field: str, value: Any) -> Any:
    """Accept model instances or primary keys for the foreign keys."""
    if field in ("location", "consortium", "contact") and isinstance(value, int):
        found = _find(field, value)
        if found is None:
            message = _("Onbekende %(field)s (id %(id)s).") % {"field": field, "id": value}
            raise ApplicationError(message, extra={"fields": {field: [message]}})
        return found
    return value


def _apply(offer: Offer, fields: dict[str, Any]) -> tuple[list[int] | None, list[int] | None]:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        message = _("Dit veld kan niet worden gewijzigd.")
        raise ApplicationError(message, extra={"fields": {name: [message]}})
    for field in SCALAR_FIELDS:
        if field in fields:
            setattr(offer, field, _resolve(field, fields[field]))
    if offer.required_certificates is None:
        offer.required_certificates = []
    programmes = _ids(fields["programmes"]) if "programmes" in fields else None
    schools = _ids(fields["schools"]) if "schools" in fields else None
    return programmes, schools


@transaction.atomic
def offer_create(*, actor: User, owner: Organisation, **fields: Any) -> Offer:
    """A new draft offer of `owner`, by one of its company contacts (or staff).

    `fields`: any of EDITABLE_FIELDS; `contact` defaults to the actor. Raises ApplicationError
    naming every field at fault, PermissionDenied when the actor is not a contact of `owner`."""
    require_offer_manager(actor, owner)
    if not owner.is_company:
        raise ApplicationError(
            _("Alleen bedrijven bieden aanbod aan; %(owner)s is geen bedrijf.")
            % {"owner": owner.name}
        )
    fields.setdefault("contact", actor)
    offer = Offer(owner=owner, status=OfferStatus.DRAFT)
    for required in ("kind", "title", "description"):
        fields.setdefault(required, "")
    programmes, schools = _apply(offer, fields)
    _validate(offer, programmes, schools)
    _check_contact(offer)
    offer.save()
    if programmes:
        offer.programmes.set(programmes)
    if schools:
        offer.schools.set(schools)
    return offer


@transaction.atomic
def offer_update(*, actor: User, offer: Offer, **fields: Any) -> Offer:
    """Change an offer while it is a draft or changes were requested.

    Once submitted the school reviews what was sent, and once published students may already
    have chosen it: changing it then would change what people agreed to, so it is refused
    (withdraw it, or ask the school to request changes). Returns the updated offer as a fresh
    instance (the one passed in is not changed)."""
    require_offer_manager(actor, offer.owner)
    current = Offer.objects.select_for_update().get(pk=offer.pk)
    if not current.is_editable:
        raise Conflict(_editing_refused_message(current.status))
    programmes, schools = _apply(current, fields)
    current_schools = (
        schools if schools is not None else list(current.schools.values_list("pk", flat=True))
    )
    _validate(current, programmes, current_schools)
    if "contact" in fields:
        _check_contact(current)
    current.save()
    if programmes is not None:
        current.programmes.set(programmes)
    if schools is not None:
        current.schools.set(schools)
    return current


def _editing_refused_message(status: str) -> str:
    if status in PUBLIC_STATUSES:
        return _(
            "Dit aanbod is gepubliceerd en kan niet meer worden gewijzigd: studenten hebben het "
            "al gezien en misschien gekozen. Trek het in en dien een nieuw aanbod in, of vraag "
            "de school om een aanpassing."
        )
    if status in AWAITING_DECISION_STATUSES:
        return _(
            "Dit aanbod ligt ter beoordeling bij de school en kan nu niet worden gewijzigd. "
            "Wacht op het besluit of trek het in."
        )
    return _("Dit aanbod is %(status)s en kan niet meer worden gewijzigd.") % {
        "status": OfferStatus(status).label
    }
