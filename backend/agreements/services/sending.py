"""The rule before an agreement goes out for acceptance: the text the parties accept is
complete (no "(nog niet ingevuld)", no unfilled template variable) and its term has not ended."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from backend.agreements.models import AgreementTemplate
from backend.agreements.selectors.completeness import missing_terms, term_problem
from backend.core.errors import ApplicationError


def require_sendable(
    *,
    template: AgreementTemplate,
    terms: dict[str, Any],
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    today: dt.date,
) -> None:
    """Refuse (400, naming each field) a text with empty terms or a term that is over or ends
    before it starts. Used when an agreement is proposed and when a draft is previewed."""
    fields: dict[str, list[str]] = {}
    for missing in missing_terms(template, terms):
        fields[missing.field] = [_("Vul %(what)s in.") % {"what": missing.label}]
    if problem := term_problem(starts_on, ends_on, today=today):
        fields.setdefault("ends_on", []).append(problem)
    if fields:
        messages = [message for field_messages in fields.values() for message in field_messages]
        raise ApplicationError(
            _("Deze afspraak kan nog niet ter acceptatie worden verstuurd: %(why)s")
            % {"why": " ".join(messages)},
            extra={"fields": fields},
        )
