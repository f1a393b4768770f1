"""The processing register (verwerkingsregister) as code: every concrete field of every model is
declared once, as personal data (with its category, purpose, retention and recipients) or as not
personal. The export (art. 15/20), erasure (art. 17), retention and the register page and
docs/privacy.md are all read from these declarations, so a field that is added without a
declaration fails `tests/backend/privacy/test_register.py`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.privacy.models import RetentionRule

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Category(models.TextChoices):
    """Categories of personal data, as the register lists them."""

    IDENTITY = "identity", _("identiteit")
    CONTACT = "contact", _("contactgegevens")
    EDUCATION = "education", _("opleiding en inschrijving")
    CARE = "care", _("zorg en begeleiding")
    CHOICES = "choices", _("keuzes en bezwaren")
    PLACEMENTS = "placements", _("indeling bij opdrachten")
    EVIDENCE = "evidence", _("bewijs per werkproces")
    AGREEMENTS = "agreements", _("afspraken en toezeggingen")
    ACTIVITIES = "activities", _("activiteiten, evenementen en overleggen")
    COMMUNICATION = "communication", _("berichten en meldingen")
    ACCOUNT_SECURITY = "account_security", _("account en beveiliging")
    CONSENT = "consent", _("toestemmingen")
    REQUESTS = "requests", _("privacyverzoeken")
    ACCESS_LOG = "access_log", _("inzagelog")


class Erasure(models.TextChoices):
    """What erasure (art. 17) does with the rows of a model that are about the person."""

    # The rows about the person are deleted.
    DELETE = "delete", _("verwijderd")
    # The row stays; its personal fields are replaced by `PersonalField.replacement`.
    PSEUDONYMISE = "pseudonymise", _("gepseudonimiseerd")
    # The school must keep it (`keep_reason` says why); only the person's identifying fields
    # elsewhere (their User row) are pseudonymised, so the row points to "Verwijderde persoon".
    KEEP = "keep", _("bewaard")


# Who sees a field in the product today. Keys are used in the declarations; the labels are what
# the register page and docs/privacy.md show.
RECIPIENTS: dict[str, StrOrPromise] = {
    "self": _("de persoon zelf"),
    "student": _("de student zelf"),
    "coach": _("de coach (SLB) van de student"),
    "care_readers": _("de eigen coach en de schoolrollen die de school voor zorgnotities aanwijst"),
    "school_staff": _("medewerkers van de eigen school"),
    "school_coordinators": _("coördinatoren, opleidingsmanagers en beheerders van de school"),
    "teammates": _("teamgenoten bij dezelfde opdracht (voornaam)"),
    "company_first_name_only": _("het bedrijf van de opdracht: alleen voornaam, niveau en team"),
    "company_own_feedback": _(
        "het bedrijf van de opdracht: alleen de eigen beoordeling en toelichting over de student"
    ),
    "triad_participants": _(
        "de deelnemers aan de driehoekgesprekken: de student, de coach en de praktijkbegeleider"
    ),
    "activity_feedback_summary": _(
        "het bedrijf en de scholen van de activiteit: alleen samengevat en zonder namen, vanaf "
        "vijf antwoorden"
    ),
    "badge_public": _("iedereen met de link, zodra de student de badge openbaar maakt"),
    "organisation": _("collega's en beheerders van de eigen organisatie"),
    "partners": _("scholen en bedrijven die met de persoon samenwerken"),
    "agreement_parties": _("de partijen bij de afspraak"),
    "experts_finders": _("scholen die een gastspreker zoeken"),
    "event_people": _("de organisator van het evenement en het bedrijf aan de tafel"),
    "meeting_participants": _("de deelnemers aan het overleg"),
    "privacy_officer": _("de functionaris gegevensbescherming van de school"),
    "koppel_staff": _("het technisch beheer van Koppel"),
}


@dataclass(frozen=True)
class PersonalField:
    name: str
    category: Category
    purpose: StrOrPromise
    # Which RetentionRule ends it; None: as long as the account (or the row) exists.
    retention: RetentionRule | None
    # Who sees it: keys of RECIPIENTS.
    recipients: tuple[str, ...]
    # What a pseudonymised row holds instead. A string may contain "{pk}" (the row's primary
    # key) where the column must stay unique. For a relation to a person the value is ignored:
    # the reference stays and points to the pseudonymised User row.
    replacement: object = ""


@dataclass(frozen=True)
class ModelDeclaration:
    label: str
    # Lookups from the model to the User(s) the row is about ("pk" for User itself; () for a
    # model holding no personal data, or one that cannot be searched, such as sessions). A
    # lookup ending in a text field (e.g. "email") is compared with the person's e-mail address,
    # every other lookup with the person's id: see `subject_filter`.
    subjects: tuple[str, ...]
    personal: tuple[PersonalField, ...]
    not_personal: tuple[str, ...]
    erasure: Erasure
    keep_reason: StrOrPromise = ""
    # Free-text fields that may name someone else than the row's subject: erasure replaces the
    # person's name, e-mail and student number in them with the pseudonym.
    mentions: tuple[str, ...] = ()
    # False: not part of the subject's export (secrets, or rows that mostly hold other people).
    exported: bool = True

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def field(self, name: str) -> PersonalField:
        for personal in self.personal:
            if personal.name == name:
                return personal
        raise KeyError(name)

    @property
    def categories(self) -> tuple[Category, ...]:
        return tuple(dict.fromkeys(f.category for f in self.personal))


# Purposes shared by many models.
WHO_DID_IT = _("vastleggen wie iets deed of besliste, zodat het te verantwoorden is")
WORK_TOGETHER = _("samenwerken: laten zien wie de contactpersoon is en wie iets doet")


def field(
    name: str,
    category: Category,
    purpose: StrOrPromise,
    recipients: Iterable[str],
    retention: RetentionRule | None = None,
    replacement: object = "",
) -> PersonalField:
    return PersonalField(name, category, purpose, retention, tuple(recipients), replacement)


def not_personal_model(label: str, *fields: str) -> ModelDeclaration:
    """A model that holds no personal data."""
    return ModelDeclaration(
        label=label,
        subjects=(),
        personal=(),
        not_personal=fields,
        erasure=Erasure.KEEP,
        keep_reason=_("Geen persoonsgegevens."),
    )


@cache
def declarations() -> tuple[ModelDeclaration, ...]:
    from backend.privacy.register import (
        accounts,
        agreements,
        allocations,
        engagement,
        learning,
        offers,
        organisations,
        platform,
        privacy,
        security,
    )

    modules = (
        accounts,
        organisations,
        offers,
        allocations,
        agreements,
        engagement,
        learning,
        security,
        privacy,
        platform,
    )
    return tuple(d for module in modules for d in module.DECLARATIONS)


@cache
def _by_label() -> dict[str, ModelDeclaration]:
    return {d.label.lower(): d for d in declarations()}


def declaration_for(
    model_or_label: str | type[models.Model] | models.Model,
) -> ModelDeclaration:
    """The declaration of a model (class, instance or "app.Model"); KeyError when undeclared."""
    if isinstance(model_or_label, str):
        label = model_or_label
    else:
        label = model_or_label._meta.concrete_model._meta.label  # type: ignore[union-attr]
    return _by_label()[label.lower()]


def registered_models() -> list[type[models.Model]]:
    """Every model that must be declared: all concrete, non-proxy models."""
    return [m for m in apps.get_models() if not m._meta.proxy]


def undeclared() -> list[str]:
    """ "app.Model.field" for every concrete field that is not declared."""
    missing = []
    for model in registered_models():
        try:
            declaration = declaration_for(model)
        except KeyError:
            declared: set[str] = set()
        else:
            declared = {f.name for f in declaration.personal} | set(declaration.not_personal)
        missing += [
            f"{model._meta.label}.{f.name}"
            for f in model._meta.concrete_fields
            if f.name not in declared
        ]
    return missing


def _final_field(model: type[models.Model], lookup: str) -> Any:
    """The last model field a lookup walks to (transforms such as "iexact" end the walk)."""
    found: Any = None
    current: Any = model
    for part in lookup.split("__"):
        if current is None:
            break
        if part == "pk":
            found = current._meta.pk
            current = None
            continue
        try:
            found = current._meta.get_field(part)
        except Exception:  # a transform or lookup such as "iexact"
            break
        current = found.related_model if found.is_relation else None
    return found


def subject_filter(declaration: ModelDeclaration, user: models.Model) -> Q:
    """The rows of the declared model that are about `user`: the OR of its subject lookups.
    Lookups through a relation or ending in an id compare with the user's id; lookups ending in
    a text field (an e-mail address) compare with the user's e-mail, case-insensitively when the
    lookup says "iexact". No subjects: a filter that matches nothing."""
    query = Q(pk__in=[])
    model = declaration.model
    for lookup in declaration.subjects:
        final = _final_field(model, lookup)
        if isinstance(final, models.CharField | models.TextField) and not (
            final.is_relation or final.primary_key
        ):
            email = getattr(user, "email", "")
            if email:
                query |= Q(**{lookup: email})
        else:
            query |= Q(**{lookup: user.pk})
    return query
