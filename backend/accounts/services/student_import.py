"""Import students from a school's student-system export (CSV). Format: docs/student-import.md.

Two phases: every row is validated first (including lookups against the database); only when the
whole file is right is anything written, in one transaction with bulk statements. The number of
queries does not grow with the number of rows (apart from bulk batches of BATCH_SIZE rows).
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import Leerweg, Membership, Role, StudentEnrolment, User
from backend.accounts.selectors import organisation_ids_for
from backend.core.errors import ApplicationError, PermissionDenied
from backend.curriculum.models import Kwalificatie
from backend.organisations.models import Organisation

BATCH_SIZE = 500

# Column name in the file -> our name. Headers are matched case-insensitively, ignoring spaces,
# underscores and hyphens, so "E-mail", "email" and "E_MAIL" are the same column.
COLUMNS = {
    "studentnummer": "student_number",
    "voornaam": "first_name",
    "tussenvoegsel": "prefix",
    "achternaam": "last_name",
    "e-mail": "email",
    "crebo": "crebo",
    "cohort": "cohort",
    "leerweg": "leerweg",
    "klas": "class_code",
    "coach e-mail": "coach_email",
    "geboortedatum": "date_of_birth",
}
REQUIRED = ("studentnummer", "voornaam", "achternaam", "e-mail", "crebo", "cohort", "leerweg")
OPTIONAL = ("tussenvoegsel", "klas", "coach e-mail", "geboortedatum")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")


@dataclass(frozen=True)
class RowError:
    row: int  # line in the file; the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return _("rij %(row)s, kolom %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


class StudentImportError(ApplicationError):
    """The file was rejected; `errors` lists every problem, row by row. Nothing was imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        message = _("Het bestand bevat %(count)s fout(en); er is niets geïmporteerd.") % {
            "count": len(errors)
        }
        super().__init__(
            message,
            extra={
                "errors": [error.as_dict() for error in errors],
                "fields": {"file": [str(error) for error in errors]},
            },
        )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _Row:
    row: int
    student_number: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    crebo: str = ""
    kwalificatie_id: int | None = None
    cohort: int | None = None
    leerweg: str = ""
    class_code: str = ""
    coach_email: str = ""
    coach_id: int | None = None
    date_of_birth: dt.date | None = None
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))


# --- reading the file ---------------------------------------------------------------------------


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel versions save "CSV" in Windows-1252.
        return content.decode("cp1252", errors="replace")


def _header_key(name: str) -> str:
    compact = re.sub(r"[\s_\-]", "", name.strip().lower())
    for column in COLUMNS:
        if compact == re.sub(r"[\s_\-]", "", column):
            return column
    return name.strip().lower()


def _read(content: bytes | str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_header_key(name) for name in next(reader)]
    except StopIteration:
        raise StudentImportError([RowError(1, "-", _("het bestand is leeg"))]) from None
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise StudentImportError(
            [RowError(1, column, _("deze kolom ontbreekt in de kopregel")) for column in missing]
        )
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        cells = {
            name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)
        }
        rows.append((reader.line_num, cells))
    return header, rows


# --- validating ---------------------------------------------------------------------------------


def _parse_date(value: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _parse_row(number: int, cells: dict[str, str], *, today: dt.date) -> _Row:
    row = _Row(row=number)
    row.student_number = cells["studentnummer"]
    if not row.student_number:
        row.error("studentnummer", _("studentnummer ontbreekt"))
    elif len(row.student_number) > 30:
        row.error("studentnummer", _("studentnummer is langer dan 30 tekens"))
    row.first_name = cells["voornaam"]
    if not row.first_name:
        row.error("voornaam", _("voornaam ontbreekt"))
    achternaam = cells["achternaam"]
    if not achternaam:
        row.error("achternaam", _("achternaam ontbreekt"))
    row.last_name = f"{cells.get('tussenvoegsel', '')} {achternaam}".strip()
    if len(row.first_name) > 150 or len(row.last_name) > 150:
        row.error("achternaam", _("naam is langer dan 150 tekens"))

    row.email = cells["e-mail"].lower()
    try:
        validate_email(row.email)
    except ValidationError:
        row.error("e-mail", _("'%(value)s' is geen geldig e-mailadres") % {"value": row.email})

    row.crebo = cells["crebo"]
    if not re.fullmatch(r"\d{5}", row.crebo):
        row.error(
            "crebo",
            _("een crebonummer bestaat uit 5 cijfers, niet '%(value)s'") % {"value": row.crebo},
        )

    cohort = re.fullmatch(r"(\d{4})(?:\s*[-/]\s*\d{2,4})?", cells["cohort"])
    if cohort and 2000 <= int(cohort.group(1)) <= 2100:
        row.cohort = int(cohort.group(1))
    else:
        row.error(
            "cohort",
            _("'%(value)s' is geen cohort; gebruik een jaartal zoals 2025")
            % {"value": cells["cohort"]},
        )

    row.leerweg = cells["leerweg"].upper()
    if row.leerweg not in Leerweg.values:
        row.error(
            "leerweg",
            _("leerweg moet BOL of BBL zijn, niet '%(value)s'") % {"value": cells["leerweg"]},
        )

    row.class_code = cells.get("klas", "")
    if len(row.class_code) > 30:
        row.error("klas", _("klas is langer dan 30 tekens"))

    row.coach_email = cells.get("coach e-mail", "").lower()

    birth = cells.get("geboortedatum", "")
    if birth:
        row.date_of_birth = _parse_date(birth)
        if row.date_of_birth is None:
            row.error(
                "geboortedatum",
                _("'%(value)s' is geen geldige datum; gebruik dd-mm-jjjj") % {"value": birth},
            )
        elif not (dt.date(1900, 1, 1) <= row.date_of_birth <= today):
            row.error(
                "geboortedatum",
                _("geboortedatum %(value)s ligt in de toekomst of is onmogelijk")
                % {"value": birth},
            )
    return row


def _check_duplicates(rows: list[_Row]) -> None:
    first_number: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for row in rows:
        if row.student_number:
            if row.student_number in first_number:
                row.error(
                    "studentnummer",
                    _("studentnummer %(value)s staat ook op rij %(other)s")
                    % {"value": row.student_number, "other": first_number[row.student_number]},
                )
            else:
                first_number[row.student_number] = row.row
        if row.email:
            if row.email in first_email:
                row.error(
                    "e-mail",
                    _("e-mailadres %(value)s staat ook op rij %(other)s")
                    % {"value": row.email, "other": first_email[row.email]},
                )
            else:
                first_email[row.email] = row.row


def _kwalificaties_by_crebo(crebos: Iterable[str]) -> dict[str, int]:
    # The same crebo can appear in several editions of a dossier: take the newest edition.
    found: dict[str, int] = {}
    for kwalificatie_id, crebo in (
        Kwalificatie.objects.filter(crebo__in=set(crebos))
        .order_by("crebo", "-dossier__edition", "-pk")
        .values_list("pk", "crebo")
    ):
        found.setdefault(crebo, kwalificatie_id)
    return found


def _coaches_by_email(school: Organisation, emails: Iterable[str]) -> dict[str, int]:
    return dict(
        Membership.objects.active()
        .filter(
            organisation=school,
            role__in=[Role.COACH, Role.TEACHER],
            user__email__in=set(emails),
        )
        .values_list("user__email", "user_id")
    )


def _check_against_database(
    rows: list[_Row], school: Organisation, existing: dict[str, StudentEnrolment]
) -> None:
    kwalificaties = _kwalificaties_by_crebo(row.crebo for row in rows if row.crebo)
    coaches = _coaches_by_email(school, (row.coach_email for row in rows if row.coach_email))
    owners = {
        values["email"]: values
        for values in User.objects.filter(email__in={row.email for row in rows}).values(
            "pk", "email", "enrolment__school_id", "enrolment__student_number"
        )
    }
    for row in rows:
        if row.crebo and re.fullmatch(r"\d{5}", row.crebo):
            row.kwalificatie_id = kwalificaties.get(row.crebo)
            if row.kwalificatie_id is None:
                row.error("crebo", _("onbekend crebonummer %(value)s") % {"value": row.crebo})
        if row.coach_email:
            row.coach_id = coaches.get(row.coach_email)
            if row.coach_id is None:
                row.error(
                    "coach e-mail",
                    _("%(value)s is geen docent of coach van %(school)s")
                    % {"value": row.coach_email, "school": school.name},
                )
        owner = owners.get(row.email)
        enrolment = existing.get(row.student_number)
        if owner is None or (enrolment is not None and owner["pk"] == enrolment.student_id):
            continue
        if owner["enrolment__school_id"] not in (None, school.pk):
            row.error(
                "e-mail",
                _("%(value)s is al in gebruik door een student van een andere school")
                % {"value": row.email},
            )
        elif owner["enrolment__school_id"] == school.pk:
            row.error(
                "e-mail",
                _("%(value)s hoort al bij studentnummer %(number)s")
                % {"value": row.email, "number": owner["enrolment__student_number"]},
            )
        elif enrolment is not None:
            row.error(
                "e-mail",
                _("%(value)s is al in gebruik door een ander account") % {"value": row.email},
            )


# --- writing ------------------------------------------------------------------------------------

USER_FIELDS = ("first_name", "last_name", "email")
ENROLMENT_FIELDS = (
    "kwalificatie_id",
    "cohort",
    "leerweg",
    "class_code",
    "coach_id",
    "date_of_birth",
)


def _desired(row: _Row, enrolment: StudentEnrolment | None) -> dict:
    values = {
        "kwalificatie_id": row.kwalificatie_id,
        "cohort": row.cohort,
        "leerweg": row.leerweg,
        "class_code": row.class_code,
        # An empty coach or birth date cell keeps what Koppel has (exports are often incomplete).
        "coach_id": row.coach_id
        if row.coach_email
        else (enrolment.coach_id if enrolment else None),
        "date_of_birth": row.date_of_birth
        if row.date_of_birth
        else (enrolment.date_of_birth if enrolment else None),
    }
    return values


def _write(
    rows: list[_Row], school: Organisation, existing: dict[str, StudentEnrolment]
) -> ImportResult:
    updated_users: list[User] = []
    updated_enrolments: list[StudentEnrolment] = []
    new_rows: list[_Row] = []
    unchanged = updated = 0
    with_membership = set(
        Membership.objects.active()
        .filter(
            organisation=school,
            role=Role.STUDENT,
            user_id__in=[e.student_id for e in existing.values()],
        )
        .values_list("user_id", flat=True)
    )
    missing_memberships: list[Membership] = []
    for row in rows:
        enrolment = existing.get(row.student_number)
        if enrolment is None:
            new_rows.append(row)
            continue
        user = enrolment.student
        changed = False
        for name in USER_FIELDS:
            if getattr(user, name) != getattr(row, name):
                setattr(user, name, getattr(row, name))
                changed = True
        if changed:
            updated_users.append(user)
        enrolment_changed = False
        for name, value in _desired(row, enrolment).items():
            if getattr(enrolment, name) != value:
                setattr(enrolment, name, value)
                enrolment_changed = True
        if enrolment_changed:
            updated_enrolments.append(enrolment)
        if user.pk not in with_membership:
            missing_memberships.append(
                Membership(user=user, organisation=school, role=Role.STUDENT)
            )
        if changed or enrolment_changed or user.pk not in with_membership:
            updated += 1
        else:
            unchanged += 1

    User.objects.bulk_update(updated_users, USER_FIELDS, batch_size=BATCH_SIZE)
    StudentEnrolment.objects.bulk_update(
        updated_enrolments,
        [name.removesuffix("_id") for name in ENROLMENT_FIELDS],
        batch_size=BATCH_SIZE,
    )

    linked = dict(
        User.objects.filter(email__in=[row.email for row in new_rows]).values_list("email", "pk")
    )
    User.objects.bulk_create(
        [
            User(
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                # No password yet: the student sets one through "wachtwoord vergeten".
                password=make_password(None),
            )
            for row in new_rows
            if row.email not in linked
        ],
        batch_size=BATCH_SIZE,
    )
    user_ids = dict(
        User.objects.filter(email__in=[row.email for row in new_rows]).values_list("email", "pk")
    )
    Membership.objects.bulk_create(
        missing_memberships
        + [
            Membership(user_id=user_ids[row.email], organisation=school, role=Role.STUDENT)
            for row in new_rows
        ],
        batch_size=BATCH_SIZE,
    )
    StudentEnrolment.objects.bulk_create(
        [
            StudentEnrolment(
                student_id=user_ids[row.email],
                school=school,
                student_number=row.student_number,
                **_desired(row, None),
            )
            for row in new_rows
        ],
        batch_size=BATCH_SIZE,
    )
    return ImportResult(created=len(new_rows), updated=updated, unchanged=unchanged)


def students_import(
    *, school: Organisation, content: bytes | str, actor: User | None, today: dt.date
) -> ImportResult:
    """Import or update the students in `content` (a CSV export) for `school`.

    Students are matched on school + studentnummer: a known number updates that student, a new one
    creates a login (without password), a student membership and the enrolment. An e-mail address
    that already has a login without enrolment is linked rather than duplicated. Students missing
    from the file are left alone.

    All-or-nothing: raises StudentImportError listing every bad row ("rij 14, kolom crebo: onbekend
    crebonummer 99999") and writes nothing. `actor=None` is an operator on the command line;
    otherwise the actor must be coordinator or institution admin of `school` (or Koppel staff).
    """
    if actor is not None and not (
        actor.is_staff
        or school.pk in organisation_ids_for(actor, Role.COORDINATOR, Role.INSTITUTION_ADMIN)
    ):
        raise PermissionDenied(
            _("Alleen coördinatoren en beheerders van %(school)s importeren studenten.")
            % {"school": school.name}
        )
    if not school.is_school:
        raise ApplicationError(_("%(name)s is geen school.") % {"name": school.name})
    _header, raw_rows = _read(content)
    rows = [_parse_row(number, cells, today=today) for number, cells in raw_rows]
    if not rows:
        raise StudentImportError([RowError(2, "-", _("het bestand bevat geen studenten"))])
    _check_duplicates(rows)
    with transaction.atomic():
        existing = {
            enrolment.student_number: enrolment
            for enrolment in StudentEnrolment.objects.select_for_update(of=("self",))
            .select_related("student")
            .filter(school=school, student_number__in={row.student_number for row in rows})
        }
        _check_against_database(rows, school, existing)
        errors = [error for row in rows for error in row.errors]
        if errors:
            raise StudentImportError(errors)
        return _write(rows, school, existing)
