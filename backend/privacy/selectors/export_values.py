"""How the export shows values (backend.privacy.selectors.export): raw values for the JSON,
readable ones for the page, and references to other rows and other people.

A reference to another person shows what they are to the subject, never who ("docent bij Vista
college", "een student"); a reference to a row that is not a person shows the row's name only when
the register declares that name not personal, else its kind and number ("inschrijving #12"). All
references of an export are resolved together: one query per kind of row, two for the people."""

import base64
import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.privacy import register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Fields that may name a row that is not a person, most telling first; "code" and "title"
# together name a werkproces or kerntaak ("B1-K1-W2 Stelt een planning op").
TITLE_FIELDS = (("code", "title"), ("title",), ("name",), ("title_nl",), ("topic",), ("key",))
# Dutch labels for fields whose model gives none (Django then shows the English field name):
# used only when the field's verbose name is the default one.
FIELD_LABELS: dict[str, "StrOrPromise"] = {
    "user": gettext_lazy("gebruiker"),
    "actor": gettext_lazy("uitgevoerd door"),
    "created_by": gettext_lazy("aangemaakt door"),
    "subject": gettext_lazy("onderwerp"),
    "offer": gettext_lazy("opdracht of aanbod"),
    "offer_id": gettext_lazy("opdracht of aanbod (nummer)"),
    "new_offer": gettext_lazy("nieuwe opdracht"),
    "created_at": gettext_lazy("aangemaakt op"),
    "updated_at": gettext_lazy("bijgewerkt op"),
    "submitted_at": gettext_lazy("ingediend op"),
    "requested_by": gettext_lazy("aangevraagd door"),
    "person": gettext_lazy("persoon"),
    "recorded_by": gettext_lazy("vastgelegd door"),
    "rank": gettext_lazy("plaats in je keuzes"),
    "locked": gettext_lazy("vastgezet"),
    "changed_by": gettext_lazy("gewijzigd door"),
    "decided_by": gettext_lazy("besloten door"),
    "organiser": gettext_lazy("organisator"),
    "attendance": gettext_lazy("aanwezigheid"),
    "holder": gettext_lazy("houder"),
    "verified_by": gettext_lazy("gecontroleerd door"),
    "invited_by": gettext_lazy("uitgenodigd door"),
    "accepted_by": gettext_lazy("geaccepteerd door"),
    "enrolment": gettext_lazy("inschrijving"),
    "reader": gettext_lazy("gelezen door"),
    "reviewer": gettext_lazy("beoordelaar"),
    "mapped_by": gettext_lazy("gekoppeld door"),
    "published_by": gettext_lazy("gepubliceerd door"),
    "choice_list": gettext_lazy("keuzelijst"),
    "kwalificatie": gettext_lazy("kwalificatie"),
    "student_id": gettext_lazy("student (nummer)"),
    "reason": gettext_lazy("reden"),
    "explanation": gettext_lazy("uitleg"),
    "source": gettext_lazy("bron"),
    "from_owner": gettext_lazy("van eigenaar"),
    "to_owner": gettext_lazy("naar eigenaar"),
    "payload": gettext_lazy("gegevens"),
    "expert": gettext_lazy("gastspreker"),
    "author": gettext_lazy("schrijver"),
    "host": gettext_lazy("gastheer of gastvrouw"),
    "slot": gettext_lazy("tijdvak"),
    "table": gettext_lazy("tafel"),
    "seat": gettext_lazy("plaats"),
    "kind": gettext_lazy("soort"),
    "cancelled_at": gettext_lazy("geannuleerd op"),
    "cancelled_by": gettext_lazy("geannuleerd door"),
    "attendance_recorded_by": gettext_lazy("aanwezigheid vastgelegd door"),
    "attendance_recorded_at": gettext_lazy("aanwezigheid vastgelegd op"),
    "submitted_by": gettext_lazy("ingediend door"),
    "handled_by": gettext_lazy("afgehandeld door"),
    "started_by": gettext_lazy("gestart door"),
    "recipient": gettext_lazy("ontvanger"),
    "read_at": gettext_lazy("gelezen op"),
    "emailed_at": gettext_lazy("gemaild op"),
    "to": gettext_lazy("aan"),
    "body": gettext_lazy("bericht"),
    "sent_at": gettext_lazy("verstuurd op"),
    "name": gettext_lazy("naam"),
    "last_used_at": gettext_lazy("laatst gebruikt op"),
}


@dataclass
class Reference:
    """What a foreign key shows: {"id", "label"} for rows, {"label"} for another person."""

    id: Any
    label: str

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label} if self.id is None else {"id": self.id, "label": self.label}


def field_label(model_field: Any) -> str:
    verbose = str(model_field.verbose_name)
    if verbose == model_field.name.replace("_", " ") and model_field.name in FIELD_LABELS:
        return str(FIELD_LABELS[model_field.name])
    return verbose


def concrete_field(model: type[models.Model], name: str) -> Any:
    """A concrete field (the register declares only those)."""
    return model._meta.get_field(name)


def target_model(model_field: Any) -> type[models.Model]:
    target: type[models.Model] = model_field.remote_field.model._meta.concrete_model
    return target


# --- references: rows and other people -----------------------------------------------------------


def resolve_references(
    fetched: list[tuple[register.ModelDeclaration, list[dict[str, Any]]]],
    user: User,
) -> dict[tuple[type[models.Model], Any], Reference]:
    """A label for every foreign key value in the fetched rows: one query per kind of row
    pointed to, and two for the people other than `user`."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for declaration, rows in fetched:
        model = declaration.model
        for personal in declaration.personal:
            model_field = concrete_field(model, personal.name)
            if not (model_field.many_to_one or model_field.one_to_one):
                continue
            wanted[target_model(model_field)].update(
                row[model_field.attname] for row in rows if row[model_field.attname] is not None
            )
    references: dict[tuple[type[models.Model], Any], Reference] = {}
    for target, ids in wanted.items():
        if not ids:
            continue
        if target is User:
            labels = _people(ids, user)
            references.update({(User, pk): labels[pk] for pk in ids})
        else:
            references.update({(target, pk): ref for pk, ref in _row_labels(target, ids).items()})
    return references


def _row_labels(target: type[models.Model], ids: Iterable[Any]) -> dict[Any, Reference]:
    """Each row's name ("Vista college") when the register declares that name not personal;
    else the kind of row and its number ("inschrijving #12")."""
    title = _title_fields(target)
    kind = str(target._meta.verbose_name)
    if not title:
        return {pk: Reference(json_scalar(pk), f"{kind} #{pk}") for pk in ids}
    found = target._base_manager.filter(pk__in=ids).values_list("pk", *title)
    labels = {pk: " ".join(str(part) for part in parts if part) for pk, *parts in found}
    return {pk: Reference(json_scalar(pk), labels.get(pk) or f"{kind} #{pk}") for pk in ids}


def _title_fields(target: type[models.Model]) -> tuple[str, ...]:
    try:
        declaration = register.declaration_for(target)
    except KeyError:
        return ()
    safe = set(declaration.not_personal)
    return next((names for names in TITLE_FIELDS if set(names) <= safe), ())


def _people(ids: set[Any], user: User) -> dict[Any, Reference]:
    """The subject by name; everyone else by what they are, never by who: "coördinator bij
    Vista college", "een voormalig medewerker van Bakkerij Jansen", "een student"."""
    others = ids - {user.pk}
    labels: dict[Any, Reference] = {}
    if user.pk in ids:
        labels[user.pk] = Reference(user.pk, str(user))
    if not others:
        return labels
    students = set(
        StudentEnrolment.objects.filter(student_id__in=others).values_list("student_id", flat=True)
    )
    memberships: dict[Any, list[tuple[str, str, bool]]] = defaultdict(list)
    for person, role, organisation, ended in (
        Membership.objects.filter(user_id__in=others - students)
        .order_by(F("ended_at").asc(nulls_first=True), "pk")
        .values_list("user_id", "role", "organisation__name", "ended_at")
    ):
        memberships[person].append((role, organisation, ended is not None))
    for person in others:
        labels[person] = Reference(None, _describe(person in students, memberships[person]))
    return labels


def _describe(is_student: bool, memberships: list[tuple[str, str, bool]]) -> str:
    if is_student:
        return _("een student")
    if not memberships:
        return _("een medewerker van Koppel")
    role, organisation, ended = memberships[0]  # the oldest active one, else the oldest
    if ended:
        return _("een voormalig medewerker van %(organisation)s") % {"organisation": organisation}
    if role == Role.STUDENT:
        return _("een student")
    return _("%(role)s bij %(organisation)s") % {
        "role": dict(Role.choices).get(role, role),
        "organisation": organisation,
    }


# --- values ------------------------------------------------------------------------------------


def _choice_label(model_field: Any, raw: Any) -> str | None:
    if not getattr(model_field, "choices", None):
        return None
    return str(dict(model_field.flatchoices).get(raw, raw))


def json_value(model_field: Any, raw: Any) -> Any:
    label = _choice_label(model_field, raw)
    if label is not None and raw not in (None, ""):
        return {"value": raw, "label": label}
    return json_scalar(raw)


def json_scalar(raw: Any) -> Any:
    if isinstance(raw, dt.datetime):
        return (timezone.localtime(raw) if timezone.is_aware(raw) else raw).isoformat()
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    if isinstance(raw, dt.timedelta):
        return duration_iso_string(raw)
    if isinstance(raw, Decimal | uuid.UUID):
        return str(raw)
    if isinstance(raw, bytes | memoryview):
        return base64.b64encode(bytes(raw)).decode()
    if isinstance(raw, list | tuple):
        return [json_scalar(item) for item in raw]
    if isinstance(raw, dict):
        return {str(key): json_scalar(item) for key, item in raw.items()}
    return raw


def display_value(model_field: Any, raw: Any) -> str:
    if raw in (None, "", [], {}):
        return ""
    label = _choice_label(model_field, raw)
    if label is not None:
        return label
    if model_field.name == "language" and raw in dict(settings.LANGUAGES):
        # A language code without choices (the language a consent was given in): its name.
        return str(dict(settings.LANGUAGES)[raw])
    if isinstance(raw, bool):
        return _("ja") if raw else _("nee")
    if isinstance(raw, dt.datetime):
        moment = timezone.localtime(raw) if timezone.is_aware(raw) else raw
        return formats.date_format(moment, "j F Y H:i")
    if isinstance(raw, dt.date):
        return formats.date_format(raw, "j F Y")
    if isinstance(raw, dict | list):
        return json.dumps(json_scalar(raw), ensure_ascii=False)
    return str(json_scalar(raw))
