"""The processing register (verwerkingsregister) in words, read from the declarations in
`backend.privacy.register`: per category of personal data, every field with its purpose, who sees
it and how long it is kept. The officer's register page and docs/privacy.md both show these rows,
so neither can drift from the code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.privacy import register
from backend.privacy.models import RetentionRule
from backend.privacy.register import Category, Erasure

if TYPE_CHECKING:
    from backend.organisations.models import Organisation


@dataclass(frozen=True)
class RegisterField:
    label: str  # "accounts.StudentEnrolment.care_notes"
    model: str  # the model's name in words
    field: str  # the field's name in words
    purpose: str
    recipients: tuple[str, ...]  # in words
    retention: str  # in words
    erasure: str  # what erasure does with the row, in words
    keep_reason: str


@dataclass
class RegisterCategory:
    category: Category
    label: str
    fields: list[RegisterField] = field(default_factory=list)

    @property
    def purposes(self) -> list[str]:
        return list(dict.fromkeys(f.purpose for f in self.fields))

    @property
    def recipients(self) -> list[str]:
        return list(dict.fromkeys(r for f in self.fields for r in f.recipients))

    @property
    def retentions(self) -> list[str]:
        return list(dict.fromkeys(f.retention for f in self.fields))


@dataclass(frozen=True)
class RegisterModel:
    """How erasure treats one model, and why a kept one is kept."""

    label: str
    model: str
    erasure: str
    keep_reason: str
    exported: bool


def retention_months(school: Organisation | None) -> dict[RetentionRule, int]:
    """Each rule's period: the school's own (its policy, else the default) or the defaults."""
    from backend.privacy import retention

    if school is None:
        return dict(retention.DEFAULT_MONTHS)
    return retention.school_months(school)


def retention_in_words(rule: RetentionRule | None, months: dict[RetentionRule, int]) -> str:
    if rule is None:
        return _("zolang het account bestaat")
    count = months[rule]
    if count == 0:
        period = _("direct")
    else:
        period = ngettext("%(months)d maand", "%(months)d maanden", count) % {"months": count}
    return f"{period}: {rule.label}"


def _field_name(model: type[Model], name: str) -> str:
    verbose = getattr(model._meta.get_field(name), "verbose_name", name)
    return str(capfirst(str(verbose)))


def register_rows(school: Organisation | None = None) -> list[RegisterCategory]:
    """Every category of personal data (in the order of `Category`) with its fields. With a
    school, the retention periods are that school's; without one, the defaults."""
    months = retention_months(school)
    categories = {c: RegisterCategory(c, str(c.label)) for c in Category}
    for declaration in register.declarations():
        model = declaration.model
        model_name = str(capfirst(str(model._meta.verbose_name)))
        for personal in declaration.personal:
            categories[personal.category].fields.append(
                RegisterField(
                    label=f"{declaration.label}.{personal.name}",
                    model=model_name,
                    field=_field_name(model, personal.name),
                    purpose=str(personal.purpose),
                    recipients=tuple(str(register.RECIPIENTS[r]) for r in personal.recipients),
                    retention=retention_in_words(personal.retention, months),
                    erasure=str(Erasure(declaration.erasure).label),
                    keep_reason=str(declaration.keep_reason)
                    if declaration.erasure == Erasure.KEEP
                    else "",
                )
            )
    return [c for c in categories.values() if c.fields]


def register_models() -> list[RegisterModel]:
    """The models that hold personal data, with what erasure does to them."""
    rows = []
    for declaration in register.declarations():
        if not declaration.personal:
            continue
        rows.append(
            RegisterModel(
                label=declaration.label,
                model=str(capfirst(str(declaration.model._meta.verbose_name))),
                erasure=str(Erasure(declaration.erasure).label),
                keep_reason=str(declaration.keep_reason)
                if declaration.erasure == Erasure.KEEP
                else "",
                exported=declaration.exported,
            )
        )
    return rows


def recipients_in_words() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in register.RECIPIENTS.items()]
