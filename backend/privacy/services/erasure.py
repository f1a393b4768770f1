"""Erasure (AVG art. 17): remove or pseudonymise a person everywhere, driven by the register.

Per declared model (`backend.privacy.register`), the rows about the person (its `subjects`):
- DELETE: the rows are deleted;
- PSEUDONYMISE: the rows stay, each personal field gets its declared `replacement` ("{pk}" in a
  replacement becomes the row's primary key; a relation to a person keeps pointing at the
  pseudonymised User row);
- KEEP: the rows stay (the school must keep them; `keep_reason` says why); they name the person
  only through the pseudonymised User row. A kept row that finds its subject by e-mail address
  (a subject lookup ending in a text field, e.g. the sign-in log's "email__iexact") holds that
  address: it becomes the pseudonymous address `erased-<id>@invalid`.
Files in storage of deleted rows (a student's attachments) are removed after the commit.
Then every declared `mentions` field of ANY row is searched for the person's full name, e-mail
address and student number, which are replaced by the pseudonym "Verwijderde persoon #<id>"
(JSON fields too, value by value).

The few things the register cannot say are done here, documented once:
- the User row: pseudonymised by its declaration, and also made unusable (no password, inactive,
  `left_at` set); its API tokens, sessions and second-factor devices and its SSO identity links
  are deleted (they are credentials, not records);
- the person's own requests (privacy.DataRequest) are kept, but what they wrote in them
  (`details`, free text about themselves) is emptied;
- append-only tables: the sign-in log (`sso.SignInLogEntry`) and the access log
  (`accounts.PersonalDataRead`) refuse UPDATE on PostgreSQL; erasure uses their documented
  maintenance switch (`SET LOCAL koppel.sso_log_maintenance` / `koppel.privacy_log_maintenance`)
  inside its transaction, for its own statements only, and keeps the rows;
- the hash-chained agreement log (`agreements.AgreementEvent`/`AgreementLogHead`) is never
  written: its entries name people by user id only (a pseudonymous reference), so erasing the
  User row removes the name without touching the chain and `verify_chain()` stays empty.

Everything runs in one transaction; the report is stored on the erasure request, which is closed.
Erasing an already erased person is harmless: nothing is left to match."""

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Replace
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import StudentEnrolment, User
from backend.accounts.services.sensitive_reads import MAINTENANCE_SETTING as ACCESS_LOG_SWITCH
from backend.allocations.models import AllocationRound, Assignment, ChoiceList
from backend.allocations.services import rebuild_round_counts
from backend.core.errors import ApplicationError, Conflict
from backend.core.i18n import in_language
from backend.privacy import register
from backend.privacy.models import DataRequest, RequestKind, RequestStatus
from backend.privacy.selectors.requests import (
    erased_email,
    is_erased,
    may_be_erased_for,
    pseudonym,
    rows_about,
)
from backend.privacy.services.requests import tell_subject_closed
from backend.privacy.services.stored_files import delete_after_commit, files_of
from backend.security.services import api_tokens_revoke
from backend.sso.models import IdentityLink

# Append-only tables and the documented switch that lets a maintenance transaction change them
# (their PostgreSQL triggers check it; SQLite has no triggers).
APPEND_ONLY_SWITCHES = {
    "sso.SignInLogEntry": "koppel.sso_log_maintenance",
    "accounts.PersonalDataRead": ACCESS_LOG_SWITCH,
}
# Hash-chained: changing an entry breaks the chain. Never written by erasure (see above).
HASH_CHAINED = frozenset({"agreements.AgreementEvent", "agreements.AgreementLogHead"})
USER_LABEL = "accounts.User"


@dataclass(frozen=True)
class ModelOutcome:
    label: str
    erasure: str
    count: int
    keep_reason: str = ""


@dataclass
class ErasureReport:
    person_id: int
    pseudonym: str
    erased_at: str
    models: list[ModelOutcome] = field(default_factory=list)
    # "app.Model.field" → rows whose text named the person.
    mentions: dict[str, int] = field(default_factory=dict)
    # Credentials removed: tokens, sessions, devices, identity links.
    credentials: dict[str, int] = field(default_factory=dict)

    def count(self, erasure: str) -> int:
        return sum(m.count for m in self.models if m.erasure == erasure)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@transaction.atomic
def erase_person(
    *, person: User, by: User | None, request: DataRequest | None = None, now: dt.datetime
) -> ErasureReport:
    """Erase `person` as described in the module docstring. With `request` (an open erasure
    request of a student of the request's school, about `person`) the report is stored on it and
    it is closed as done. Raises ApplicationError for a request about someone else, of another
    kind, or about someone who is not a student of its school; Conflict for a closed request.
    `by` is who handled it (None: the retention task, which erases without a request)."""
    if request is not None:
        _check_request(request, person)
    person = User.objects.select_for_update().get(pk=person.pk)
    needles = _identifiers(person)
    # The report is a record: written in the site's language (Dutch), whoever erases.
    with in_language(None):
        report = ErasureReport(
            person_id=person.pk, pseudonym=pseudonym(person), erased_at=now.isoformat()
        )
        # Which rows are about the person is decided before anything changes: a delete
        # cascades (a choice list takes its choices) and the report counts what was about them.
        declarations = [
            d
            for d in register.declarations()
            if d.subjects and d.label not in (USER_LABEL, *HASH_CHAINED)
        ]
        rows = {
            d.label: list(rows_about(d, person).values_list("pk", flat=True)) for d in declarations
        }
        rounds = set(
            ChoiceList.objects.filter(student=person).values_list("round_id", flat=True)
        ) | set(Assignment.objects.filter(student=person).values_list("round_id", flat=True))
        # Deleted rows take their stored files (a student's attachments) with them, once the
        # erasure has committed; collected first, as a delete may cascade to them.
        files = [
            stored
            for d in declarations
            if d.erasure == register.Erasure.DELETE
            for stored in files_of(d.model, rows[d.label])
        ]
        for declaration in declarations:
            if rows[declaration.label]:
                report.models.append(_apply(declaration, person, rows[declaration.label]))
        delete_after_commit(files)
        # Their choices and placements were deleted past the choice services: the rounds' stored
        # counts (what the coordinator's pages read) are counted again.
        for allocation_round in AllocationRound.objects.filter(pk__in=rounds):
            rebuild_round_counts(allocation_round)
        report.mentions = _redact_mentions(needles, report.pseudonym)
        report.credentials = _remove_credentials(person)
        # The person's own requests are kept (the school accounts for them), but what they wrote
        # in them is about them: emptied (documented on DataRequest.details).
        DataRequest.objects.filter(subject=person).exclude(details="").update(details="")
        report.models.append(_pseudonymise_user(person, now=now))
        if request is not None:
            _close(request, report, by=by, now=now)
    return report


def _check_request(request: DataRequest, person: User) -> None:
    if request.subject_id != person.pk:
        raise ApplicationError(_("Dit verzoek gaat over iemand anders."))
    if request.kind != RequestKind.ERASURE:
        raise ApplicationError(_("Alleen een verzoek om verwijdering leidt tot wissen."))
    if request.status != RequestStatus.SUBMITTED:
        raise Conflict(_("Dit verzoek is al afgesloten."))
    if not may_be_erased_for(request):
        raise ApplicationError(
            _("Via een verzoek kunnen alleen studenten van de school worden gewist.")
        )


def _close(
    request: DataRequest, report: ErasureReport, *, by: User | None, now: dt.datetime
) -> None:
    closed = DataRequest.objects.filter(pk=request.pk, status=RequestStatus.SUBMITTED).update(
        status=RequestStatus.DONE,
        handled_by=by,
        handled_at=now,
        outcome=str(
            _(
                "De gegevens zijn verwijderd of gepseudonimiseerd; wat de school moet bewaren "
                "staat in het verslag."
            )
        ),
        report=report.as_json(),
        details="",  # about the person: erased with them
    )
    if closed != 1:
        raise Conflict(_("Dit verzoek is al afgesloten."))
    request.refresh_from_db()
    tell_subject_closed(request, now=now)


# --- Rows about the person -------------------------------------------------------------------


def _apply(declaration: register.ModelDeclaration, person: User, ids: list[Any]) -> ModelOutcome:
    rows = declaration.model._base_manager.filter(pk__in=ids)
    if ids and declaration.erasure == register.Erasure.DELETE:
        with _maintenance(declaration.label):
            rows.delete()
    elif ids and declaration.erasure == register.Erasure.PSEUDONYMISE:
        changes = _replacements(declaration)
        if changes:
            with _maintenance(declaration.label):
                rows.update(**changes)
    elif ids:
        _pseudonymise_address(declaration, person, rows)
    return ModelOutcome(
        label=declaration.label,
        erasure=str(declaration.erasure),
        count=len(ids),
        keep_reason=str(declaration.keep_reason)
        if declaration.erasure == register.Erasure.KEEP
        else "",
    )


def _replacements(declaration: register.ModelDeclaration) -> dict[str, Any]:
    """The update of a pseudonymised row: each personal, non-relation field's replacement."""
    changes: dict[str, Any] = {}
    model = declaration.model
    for personal in declaration.personal:
        model_field = model._meta.get_field(personal.name)
        if model_field.is_relation:
            continue  # the reference stays; it points to the pseudonymised User row
        value = personal.replacement
        if value == "" and not isinstance(model_field, models.CharField | models.TextField):
            # "Empty" for a number or date: NULL where allowed; a required value (a cohort)
            # identifies nobody on its own once the name is gone, so it stays.
            if not model_field.null:
                continue
            value = None
        if isinstance(value, str) and "{pk}" in value:
            value = Replace(Value(value), Value("{pk}"), Cast("pk", CharField()))  # type: ignore[arg-type]
        changes[personal.name] = value
    return changes


def _pseudonymise_address(
    declaration: register.ModelDeclaration, person: User, rows: models.QuerySet[Any]
) -> None:
    """A kept row that finds its subject by e-mail address (a subject lookup ending in a text
    field, such as the sign-in log's "email__iexact") holds that address: it becomes the
    person's pseudonymous address, the row stays."""
    for lookup in declaration.subjects:
        column = declaration.model._meta.get_field(lookup.split("__")[0])
        if column.is_relation or not isinstance(column, models.CharField | models.TextField):
            continue
        with _maintenance(declaration.label):
            rows.filter(**{lookup: person.email}).update(**{column.name: erased_email(person)})


@contextmanager
def _maintenance(label: str) -> Iterator[None]:
    """Let this transaction's next statements change an append-only table (PostgreSQL), then
    switch it off again so nothing else in the transaction is exempt."""
    setting = APPEND_ONLY_SWITCHES.get(label)
    if setting is None or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL {setting} = 'on'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL {setting} = 'off'")


# --- Mentions in texts about others ----------------------------------------------------------


def _identifiers(person: User) -> list[str]:
    """What names the person in free text: the full name, the e-mail address and the student
    number(s). Nothing for an erased person (their pseudonyms must not be replaced again); a
    first name alone is too common to replace."""
    if is_erased(person):
        return []
    needles = []
    if person.first_name.strip() and person.last_name.strip():
        needles.append(f"{person.first_name.strip()} {person.last_name.strip()}")
    if person.email:
        needles.append(person.email)
    numbers = StudentEnrolment.objects.filter(student=person).values_list(
        "student_number", flat=True
    )
    needles += [n for n in numbers if n]
    return needles


def _pattern(needles: list[str]) -> re.Pattern[str]:
    # Not inside a longer word or number: student number 1234 must not hit 12345.
    alternatives = "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))
    return re.compile(rf"(?<![\w@.])(?:{alternatives})(?![\w@])", re.IGNORECASE)


def _redact_mentions(needles: list[str], replacement: str) -> dict[str, int]:
    if not needles:
        return {}
    pattern = _pattern(needles)
    counts: dict[str, int] = {}
    for declaration in register.declarations():
        if declaration.label in HASH_CHAINED:
            continue
        for name in declaration.mentions:
            changed = _redact_field(declaration, name, needles, pattern, replacement)
            if changed:
                counts[f"{declaration.label}.{name}"] = changed
    return counts


def _redact_field(
    declaration: register.ModelDeclaration,
    name: str,
    needles: list[str],
    pattern: re.Pattern[str],
    replacement: str,
) -> int:
    model = declaration.model
    model_field = model._meta.get_field(name)
    is_json = isinstance(model_field, models.JSONField)
    manager = model._base_manager
    candidates = manager.all()
    if is_json:
        # As stored: PostgreSQL keeps "ë" in jsonb text, SQLite stores "\u00eb".
        forms = {v for n in needles for v in (n, json.dumps(n)[1:-1])}
        candidates = candidates.annotate(_as_text=Cast(name, models.TextField()))
        lookup = "_as_text__icontains"
    else:
        forms = set(needles)
        lookup = f"{name}__icontains"
    match = Q()
    for form in forms:
        match |= Q(**{lookup: form})
    changed = 0
    for pk, value in candidates.filter(match).values_list("pk", name):
        new = _redact_value(value, pattern, replacement)
        if new != value:
            with _maintenance(declaration.label):
                manager.filter(pk=pk).update(**{name: new})
            changed += 1
    return changed


def _redact_value(value: Any, pattern: re.Pattern[str], replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_redact_value(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {
            _redact_value(k, pattern, replacement): _redact_value(v, pattern, replacement)
            for k, v in value.items()
        }
    return value


# --- The account itself -----------------------------------------------------------------------


def _remove_credentials(person: User) -> dict[str, int]:
    """API tokens, sessions, second-factor devices and SSO identity links: credentials of the
    account, deleted whatever else the register says about them."""
    counts = {
        "tokens": api_tokens_revoke(user=person),
        "totp_devices": TOTPDevice.objects.filter(user=person).delete()[0],
        "static_devices": StaticDevice.objects.filter(user=person).delete()[0],
        "identity_links": IdentityLink.objects.filter(user=person).delete()[0],
        "sessions": _delete_sessions(person),
    }
    return {key: count for key, count in counts.items() if count}


def _delete_sessions(person: User) -> int:
    """Sessions hold the user id only inside their signed data: decode each live one."""
    user_id = str(person.pk)
    keys = [
        session.session_key
        for session in Session.objects.iterator(chunk_size=500)
        if str(session.get_decoded().get("_auth_user_id", "")) == user_id
    ]
    return Session.objects.filter(session_key__in=keys).delete()[0] if keys else 0


def _pseudonymise_user(person: User, *, now: dt.datetime) -> ModelOutcome:
    declaration = register.declaration_for(USER_LABEL)
    changes = _replacements(declaration)
    changes.update(is_active=False, left_at=person.left_at or now)
    User.objects.filter(pk=person.pk).update(**changes)
    person.refresh_from_db()
    person.set_unusable_password()
    person.save(update_fields=["password"])
    return ModelOutcome(label=USER_LABEL, erasure=str(declaration.erasure), count=1)
