"""Everything Koppel holds about one person (AVG art. 15 and 20), derived from the register.

`personal_data_of(user)` walks the declarations of `backend.privacy.register`: for every model
whose declaration is exported, the rows whose subjects match the person (`subject_filter`), and of
each row the declared personal fields, grouped by the category each field is declared in. One
query per declared model, plus one per kind of row the fields point to and two to describe other
people: the number never grows with the data.

Other people never appear in someone's export: a field that points to another person shows what
that person is to the subject, never who ("coach / SLB bij Vista college", "een student"); see
`export_values` for how references and values are shown.

`export_json(data)` is the machine-readable form (art. 20), format "koppel-personal-data/1":
raw values (ISO dates, choices as their stored value plus label, references as id plus label)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from backend.accounts.models import StudentEnrolment, User
from backend.allocations import texts
from backend.allocations.selectors.student import passed_over_sentences, unassigned_reason
from backend.offers.models import Offer
from backend.privacy import register
from backend.privacy.access import officer_schools
from backend.privacy.read_purposes import purpose_label
from backend.privacy.selectors.export_values import (
    Reference,
    concrete_field,
    display_value,
    field_label,
    json_scalar,
    json_value,
    resolve_references,
    target_model,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FORMAT = "koppel-personal-data/1"
# Secrets the register declares as personal but the export names without their value: a password
# hash or a second-factor key is no use to the person and would make a leaked export file an
# attack on their account. The export says that Koppel holds one.
SECRET: dict[str, "StrOrPromise"] = {
    "accounts.User.password": gettext_lazy("versleuteld opgeslagen, niet getoond")
}


@dataclass(frozen=True)
class FieldValue:
    """One declared personal field of one row: its name and verbose name, the JSON-ready raw
    value and a readable form in the active language ("" when the field holds nothing).
    `names_subject`: a reference to the person themselves ("student: Sanne"), which the readable
    page leaves out as it says nothing new; the JSON keeps it."""

    name: str
    label: str
    value: Any
    display: str
    names_subject: bool = False

    @property
    def is_empty(self) -> bool:
        return self.value in (None, "", [], {})


@dataclass(frozen=True)
class Row:
    id: Any
    fields: tuple[FieldValue, ...]

    @property
    def shown(self) -> tuple[FieldValue, ...]:
        """The fields the readable page shows: those holding something about the row."""
        return tuple(v for v in self.fields if not (v.is_empty or v.names_subject))


@dataclass(frozen=True)
class ModelSection:
    model: str  # "accounts.StudentEnrolment"
    label: str  # "Inschrijvingen"
    rows: tuple[Row, ...]

    @property
    def shown_rows(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.shown)


@dataclass(frozen=True)
class CategorySection:
    category: str
    label: str
    models: tuple[ModelSection, ...]

    @property
    def shown_models(self) -> tuple[ModelSection, ...]:
        return tuple(section for section in self.models if section.shown_rows)


@dataclass(frozen=True)
class PersonalData:
    """The export: `categories` holds every row and field (the JSON); the `shown_*` properties
    leave out what holds nothing, for the readable page."""

    subject: User
    generated_at: dt.datetime
    categories: tuple[CategorySection, ...] = field(default=())

    @property
    def shown_categories(self) -> tuple[CategorySection, ...]:
        return tuple(category for category in self.categories if category.shown_models)


def personal_data_of(user: User, *, now: dt.datetime | None = None) -> PersonalData:
    """Every exported declared personal field of every row about `user`, by category."""
    fetched = [
        (declaration, _rows_about(declaration, user))
        for declaration in register.declarations()
        if declaration.exported and declaration.subjects and declaration.personal
    ]
    references = resolve_references(fetched, user)
    sections: dict[str, list[ModelSection]] = defaultdict(list)
    for declaration, rows in fetched:
        model = declaration.model
        by_category: dict[str, list[register.PersonalField]] = defaultdict(list)
        for personal in declaration.personal:
            by_category[str(personal.category)].append(personal)
        for category, personal_fields in by_category.items():
            built = tuple(
                Row(
                    id=json_scalar(row["pk"]),
                    fields=tuple(
                        _field_value(
                            declaration.label,
                            model,
                            personal.name,
                            row,
                            references,
                            user.pk,
                        )
                        for personal in personal_fields
                    ),
                )
                for row in rows
            )
            if built:
                label = capfirst(str(model._meta.verbose_name_plural))
                sections[category].append(ModelSection(declaration.label, label, built))
    categories = tuple(
        CategorySection(str(value), str(label), tuple(sections[str(value)]))
        for value, label in register.Category.choices
        if sections.get(str(value))
    )
    return PersonalData(subject=user, generated_at=now or timezone.now(), categories=categories)


def export_json(data: PersonalData) -> dict[str, Any]:
    """The machine-readable export (format "koppel-personal-data/1")."""
    subject = data.subject
    enrolment = StudentEnrolment.objects.filter(student_id=subject.pk).select_related("school")
    about: dict[str, Any] = {"id": subject.pk, "name": str(subject), "email": subject.email}
    for row in enrolment[:1]:
        about["student_number"] = row.student_number
        about["school"] = {"id": row.school_id, "name": row.school.name}
    return {
        "format": FORMAT,
        "generated_at": timezone.localtime(data.generated_at).isoformat(),
        "subject": about,
        "categories": [
            {
                "category": category.category,
                "label": category.label,
                "models": [
                    {
                        "model": section.model,
                        "label": section.label,
                        "rows": [
                            {"id": row.id, **{value.name: value.value for value in row.fields}}
                            for row in section.rows
                        ],
                    }
                    for section in category.models
                ],
            }
            for category in data.categories
        ],
    }


# --- the officer's students ----------------------------------------------------------------------


def officer_students(officer: User) -> QuerySet[StudentEnrolment]:
    """The enrolments of the officer's schools, by name, each with its student and school."""
    return (
        StudentEnrolment.objects.filter(school__in=officer_schools(officer))
        .select_related("student", "school")
        .order_by("student__last_name", "student__first_name", "student_id")
    )


def officer_student_search(officer: User, text: str) -> QuerySet[StudentEnrolment]:
    """The officer's students matching every word of `text` in their first name, last name or
    student number (a student number matches from its start)."""
    students = officer_students(officer)
    for word in text.split()[:5]:
        students = students.filter(
            Q(student__first_name__icontains=word)
            | Q(student__last_name__icontains=word)
            | Q(student_number__istartswith=word)
        )
    return students


def officer_student(officer: User, pk: int) -> User | None:
    """The student `pk` when they are enrolled at one of the officer's schools, else None."""
    enrolment = officer_students(officer).filter(student_id=pk).first()
    return enrolment.student if enrolment else None


# --- the rows ----------------------------------------------------------------------------------


def _rows_about(declaration: register.ModelDeclaration, user: User) -> list[dict[str, Any]]:
    """The rows of one model about `user`: one query. A subject lookup through a many-valued
    relation could repeat a row, so the rows are picked by primary key from a subquery."""
    model = declaration.model
    manager = model._base_manager
    matching = manager.filter(register.subject_filter(declaration, user)).values("pk")
    columns = [concrete_field(model, personal.name).attname for personal in declaration.personal]
    return list(manager.filter(pk__in=matching).order_by("pk").values("pk", *columns))


def _field_value(
    model_label: str,
    model: type[models.Model],
    name: str,
    row: dict[str, Any],
    references: dict[tuple[type[models.Model], Any], Reference],
    subject_pk: Any,
) -> FieldValue:
    model_field = concrete_field(model, name)
    label = capfirst(field_label(model_field))
    raw = row[model_field.attname]
    secret = SECRET.get(f"{model_label}.{name}")
    if secret is not None:
        shown = "" if raw in (None, "") else str(secret)
        return FieldValue(name, label, shown or None, shown)
    if model_field.many_to_one or model_field.one_to_one:
        if raw is None:
            return FieldValue(name, label, None, "")
        target = target_model(model_field)
        reference = references[(target, raw)]
        names_subject = target is User and raw == subject_pk
        return FieldValue(name, label, reference.as_json(), reference.label, names_subject)
    if model_label == "allocations.RunPlacement" and name == "student_id":
        # A plain number, not a foreign key, but the same reference to the person themselves.
        value = json_value(model_field, raw)
        return FieldValue(name, label, value, str(raw), names_subject=raw == subject_pk)
    if model_label == "allocations.RunPlacement" and name == "offer_id" and raw is not None:
        # A plain number: the page names the assignment, as the other rows do.
        title = Offer.objects.filter(pk=raw).values_list("title", flat=True).first()
        if title:
            label = capfirst(str(gettext_lazy("opdracht of aanbod")))
        return FieldValue(name, label, json_value(model_field, raw), title or str(raw))
    if model_label == "allocations.RunPlacement" and name == "explanation" and raw:
        # The engine's explanation, as the student reads it on their round page (the stored
        # summary is the engine's own English line with offer codes); the JSON keeps it all.
        return FieldValue(name, label, json_value(model_field, raw), _explanation_text(raw))
    if model_label == "accounts.PersonalDataRead" and name == "purpose" and raw:
        # The page or API that read the data, as a person reads it (the JSON keeps the name).
        return FieldValue(name, label, json_value(model_field, raw), purpose_label(raw))
    return FieldValue(name, label, json_value(model_field, raw), display_value(model_field, raw))


def _explanation_text(explanation: dict[str, Any]) -> str:
    """The sentences of a placement's explanation in the reader's language (a few queries for
    the titles; a student has a placement in a handful of runs at most)."""
    offer_id, rank = explanation.get("offer_id"), explanation.get("rank")
    title = None
    if offer_id is not None:
        title = Offer.objects.filter(pk=offer_id).values_list("title", flat=True).first()
    sentences = [
        texts.result_sentence(
            title=title or str(offer_id) if offer_id is not None else None,
            rank=rank,
            source="matcher",
            unassigned_reason=unassigned_reason(explanation),
        )
    ]
    sentences += passed_over_sentences(list(explanation.get("passed_over") or []))
    return "\n".join(sentences)
