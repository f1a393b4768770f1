"""Fill a template's clauses with an agreement's terms, in Dutch and English."""

import datetime as dt
import hashlib
from typing import Any

from backend.agreements.models import Agreement, AgreementKind, AgreementTemplate, PartyRole
from backend.agreements.models.log import canonical_json

MONTHS = {
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
# Where an offer takes place when it names no address (offers.LocationKind), per language.
PLACE_KINDS = {
    "nl": {"company": "bij het bedrijf", "school": "op school", "remote": "op afstand"},
    "en": {"company": "at the company", "school": "at school", "remote": "remotely"},
}
EMPTY = {"nl": "(nog niet ingevuld)", "en": "(not filled in yet)"}
AND = {"nl": " en ", "en": " and "}


def template_for(kind: str, *, on: dt.date) -> AgreementTemplate:
    """The newest template of this kind in effect on `on`."""
    template = (
        AgreementTemplate.objects.filter(kind=kind, effective_on__lte=on)
        .order_by("-version")
        .first()
    )
    if template is None:
        template = AgreementTemplate.objects.filter(kind=kind).order_by("version").first()
    if template is None:
        raise LookupError(f"No agreement template for kind {kind!r}")
    return template


def terms_for(agreement: Agreement) -> dict[str, Any]:
    """The values the placeholders are filled with; stored on each version."""
    parties = list(agreement.parties.select_related("organisation"))

    def names(*roles: str) -> list[str]:
        return [p.organisation.name for p in parties if p.role in roles]

    offer, consortium, parent = agreement.offer, agreement.consortium, agreement.parent
    return {
        "title": agreement.title,
        "school": names(PartyRole.SCHOOL),
        "company": names(PartyRole.COMPANY, PartyRole.COLLECTIVE),
        "collective": names(PartyRole.COLLECTIVE),
        "members": names(PartyRole.MEMBER),
        "consortium": consortium.name if consortium is not None else "",
        "offer_title": offer.title if offer is not None else agreement.title,
        "umbrella": parent.title if parent is not None else "",
        "students": sorted(s.first_name for s in agreement.participants.all()),
        "start": agreement.starts_on.isoformat() if agreement.starts_on else "",
        "end": agreement.ends_on.isoformat() if agreement.ends_on else "",
        "hours": agreement.mentoring_hours,
        "place": agreement.place,
        "place_kind": _place_kind(agreement),
        "provides": agreement.provides,
        "deliverables": agreement.deliverables,
    }


def _place_kind(agreement: Agreement) -> str:
    """Where the work happens when no address is given: as the offer says; a rotation under an
    umbrella agreement is at the member company."""
    if agreement.offer is not None:
        return str(agreement.offer.location_kind)
    return "company" if agreement.kind == AgreementKind.ROTATION else ""


def format_date(value: str, language: str) -> str:
    if not value:
        return EMPTY[language]
    day = dt.date.fromisoformat(value)
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def _values(terms: dict[str, Any], language: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in terms.items():
        if key == "place" and not value and terms.get("place_kind"):
            values[key] = PLACE_KINDS[language].get(terms["place_kind"], EMPTY[language])
        elif key in ("start", "end"):
            values[key] = format_date(value, language)
        elif isinstance(value, list):
            values[key] = (
                (", ".join(value[:-1]) + AND[language] + value[-1])
                if len(value) > 1
                else (value[0] if value else EMPTY[language])
            )
        elif value in ("", None):
            values[key] = EMPTY[language]
        else:
            values[key] = str(value)
    return values


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_clauses(template: AgreementTemplate, terms: dict[str, Any]) -> list[dict[str, str]]:
    values = {language: _Defaulting(_values(terms, language)) for language in ("nl", "en")}
    return [
        {
            "key": clause.key,
            "category": clause.category,
            "title_nl": clause.title_nl,
            "title_en": clause.title_en,
            "text_nl": clause.text_nl.format_map(values["nl"]),
            "text_en": clause.text_en.format_map(values["en"]),
        }
        for clause in template.clauses.order_by("order", "key")
    ]


def content_hash(terms: dict[str, Any], clauses: list[dict[str, str]]) -> str:
    return hashlib.sha256(canonical_json({"terms": terms, "clauses": clauses}).encode()).hexdigest()


def title_in(agreement: Agreement, language: str) -> str:
    template = agreement.template
    kind_title = template.title_en if language == "en" else template.title_nl
    return (
        f"{kind_title}: {agreement.title}"
        if agreement.kind != AgreementKind.ENGAGEMENT
        else agreement.title
    )
