"""Is an agreement's text complete enough to send? Which terms are still empty, and has its
term already ended. Pure reads over a template and the terms a version is rendered from, so the
service that sends and the page that explains use the same answer."""

import datetime as dt
import string
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.agreements.models import AgreementTemplate

# The placeholder in a template, the agreement field it comes from, and that field in words
# (a gettext_noop msgid: "Vul %s in" reads "Vul de einddatum in").
PLACEHOLDER_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("title", gettext_noop("de titel")),
    "school": ("parties", gettext_noop("de school als partij")),
    "company": ("parties", gettext_noop("het bedrijf als partij")),
    "collective": ("parties", gettext_noop("het bedrijvencollectief als partij")),
    "members": ("parties", gettext_noop("de partners")),
    "consortium": ("consortium", gettext_noop("het consortium")),
    "offer_title": ("offer", gettext_noop("het aanbod")),
    "umbrella": ("parent", gettext_noop("de raamafspraak")),
    "students": ("participants", gettext_noop("de studenten")),
    "start": ("starts_on", gettext_noop("de startdatum")),
    "end": ("ends_on", gettext_noop("de einddatum")),
    "hours": ("mentoring_hours", gettext_noop("het aantal begeleidingsuren")),
    "place": ("place", gettext_noop("de plaats")),
    "provides": ("provides", gettext_noop("wat het bedrijf biedt")),
    "deliverables": ("deliverables", gettext_noop("wat de studenten opleveren")),
}


@dataclass(frozen=True)
class MissingTerm:
    """A term the text needs and does not have yet. `field` is the agreement's field (the API
    error names it), `label` the same in words in the active language."""

    field: str
    label: str


def template_placeholders(template: AgreementTemplate) -> list[str]:
    """Every `{name}` the template's clauses use, in order of first use."""
    names: list[str] = []
    for clause in template.clauses.all():
        for text in (clause.text_nl, clause.text_en):
            for _literal, name, _spec, _conversion in string.Formatter().parse(text):
                if name and name not in names:
                    names.append(name)
    return names


def _is_empty(name: str, terms: dict[str, Any]) -> bool:
    if name not in terms:
        return True  # a template variable nothing fills
    value = terms[name]
    if name == "place" and not value:
        return not terms.get("place_kind")
    if name == "hours":
        return not value  # "0 uur begeleiding" is not a term anybody agreed to
    return value in ("", None, [])


def missing_terms(template: AgreementTemplate, terms: dict[str, Any]) -> list[MissingTerm]:
    """The terms the template's text needs that are still empty, once per agreement field."""
    missing: dict[str, MissingTerm] = {}
    for name in template_placeholders(template):
        if not _is_empty(name, terms):
            continue
        field, label = PLACEHOLDER_FIELDS.get(name, (name, name))
        if field not in missing:
            missing[field] = MissingTerm(field=field, label=_(label))
    return list(missing.values())


def term_problem(starts_on: dt.date | None, ends_on: dt.date | None, *, today: dt.date) -> str:
    """Why these dates cannot be agreed to today, or "" when they can."""
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        return _("De einddatum ligt voor de startdatum.")
    if ends_on is not None and ends_on < today:
        return _("De looptijd is al voorbij (eindigde op %(end)s).") % {
            "end": date_format(ends_on, "j F Y")
        }
    return ""
