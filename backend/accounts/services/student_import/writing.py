"""Writing a validated file with bulk statements."""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password

from backend.accounts.models import EmailChange, Membership, Role, StudentEnrolment, User
from backend.accounts.services.email_change import email_changes_request
from backend.accounts.services.student_import.types import ImportResult, ParsedRow

if TYPE_CHECKING:
    from backend.organisations.models import Organisation

BATCH_SIZE = 500


# Never "email": a new address waits for confirmation from the old one (email_change).
USER_FIELDS = ("first_name", "last_name")
ENROLMENT_FIELDS = (
    "kwalificatie_id",
    "cohort",
    "leerweg",
    "class_code",
    "coach_id",
    "date_of_birth",
)


def _desired(row: ParsedRow, enrolment: StudentEnrolment | None) -> dict[str, Any]:
    values: dict[str, Any] = {
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


def _open_changes(users: list[User], now: dt.datetime) -> set[tuple[int, str]]:
    # A re-import of the same file must not mail the old address again and again.
    return set(
        EmailChange.objects.filter(
            user__in=users, confirmed_at__isnull=True, expires_at__gt=now
        ).values_list("user_id", "new_email")
    )


def _apply_to_user(user: User, row: ParsedRow) -> tuple[bool, bool]:
    """Names from the file; a student who left this school is back. Returns (changed,
    reactivated). The e-mail is never set here: the old address confirms a change first. A login
    that is inactive without having left was switched off by Koppel and stays off."""
    changed = False
    for name in USER_FIELDS:
        if getattr(user, name) != getattr(row, name):
            setattr(user, name, getattr(row, name))
            changed = True
    reactivated = user.left_at is not None
    if reactivated:
        user.is_active, user.left_at = True, None
    return changed or reactivated, reactivated


@dataclass
class _Plan:
    """What writing the file changes, gathered in one pass over its rows."""

    updated_users: list[User] = field(default_factory=list)
    updated_enrolments: list[StudentEnrolment] = field(default_factory=list)
    new_rows: list[ParsedRow] = field(default_factory=list)
    email_changes: list[tuple[User, str]] = field(default_factory=list)
    missing_memberships: list[Membership] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    reactivated: int = 0


@dataclass(frozen=True)
class _Known:
    """What the database says about the file's students before anything is written."""

    school: "Organisation"
    existing: dict[str, StudentEnrolment]
    # Student logins of this school without enrolment that rows link to, by id.
    linked: dict[int, User]
    # Logins that already hold an active student membership of this school.
    with_membership: set[int]
    # (login, new address) of e-mail changes that already wait for confirmation.
    open_changes: set[tuple[int, str]]


def write_rows(
    rows: list[ParsedRow],
    school: "Organisation",
    existing: dict[str, StudentEnrolment],
    *,
    actor: User | None,
    now: dt.datetime,
) -> ImportResult:
    """Write a validated file: update known students, link or create the new ones, and ask the
    old addresses to confirm changed ones. A fixed number of bulk statements for any number of
    rows (batches of BATCH_SIZE)."""
    known = _read_known(rows, school, existing, now)
    plan = _Plan()
    for row in rows:
        enrolment = existing.get(row.student_number)
        if enrolment is None:
            _plan_new(plan, row, known)
        else:
            _plan_known(plan, row, enrolment, known)
    User.objects.bulk_update(
        plan.updated_users, [*USER_FIELDS, "is_active", "left_at"], batch_size=BATCH_SIZE
    )
    StudentEnrolment.objects.bulk_update(
        plan.updated_enrolments,
        [name.removesuffix("_id") for name in ENROLMENT_FIELDS],
        batch_size=BATCH_SIZE,
    )
    email_changes_request(changes=plan.email_changes, requested_by=actor, school=school, now=now)
    _create_new_students(plan, known)
    return ImportResult(
        created=len(plan.new_rows),
        updated=plan.updated,
        unchanged=plan.unchanged,
        reactivated=plan.reactivated,
        email_changes_pending=sum(row.email_change for row in rows),
    )


def _read_known(
    rows: list[ParsedRow],
    school: "Organisation",
    existing: dict[str, StudentEnrolment],
    now: dt.datetime,
) -> _Known:
    linked = {
        user.pk: user
        for user in User.objects.filter(pk__in=[r.linked_user_id for r in rows if r.linked_user_id])
    }
    students = [enrolment.student for enrolment in existing.values()]
    with_membership = set(
        Membership.objects.active()
        .filter(organisation=school, role=Role.STUDENT, user__in=students + list(linked.values()))
        .values_list("user_id", flat=True)
    )
    return _Known(
        school=school,
        existing=existing,
        linked=linked,
        with_membership=with_membership,
        open_changes=_open_changes(students, now),
    )


def _plan_new(plan: _Plan, row: ParsedRow, known: _Known) -> None:
    """A new student number: a new login, or a linked login of this school that gets its names
    from the file (and comes back when it had left)."""
    plan.new_rows.append(row)
    user = known.linked.get(row.linked_user_id) if row.linked_user_id else None
    if user is not None:
        changed, back = _apply_to_user(user, row)
        if changed:
            plan.updated_users.append(user)
        plan.reactivated += back


def _plan_known(plan: _Plan, row: ParsedRow, enrolment: StudentEnrolment, known: _Known) -> None:
    """A known student number: names, enrolment and a missing membership; a new address waits
    for confirmation from the old one."""
    user = enrolment.student
    changed, back = _apply_to_user(user, row)
    plan.reactivated += back
    if changed:
        plan.updated_users.append(user)
    if row.email_change and (user.pk, row.email) not in known.open_changes:
        plan.email_changes.append((user, row.email))
    enrolment_changed = _apply_to_enrolment(enrolment, row)
    if enrolment_changed:
        plan.updated_enrolments.append(enrolment)
    has_membership = user.pk in known.with_membership
    if not has_membership:
        plan.missing_memberships.append(
            Membership(user=user, organisation=known.school, role=Role.STUDENT)
        )
    if changed or enrolment_changed or not has_membership:
        plan.updated += 1
    else:
        plan.unchanged += 1


def _apply_to_enrolment(enrolment: StudentEnrolment, row: ParsedRow) -> bool:
    """The file's programme details; returns whether anything changed."""
    changed = False
    for name, value in _desired(row, enrolment).items():
        if getattr(enrolment, name) != value:
            setattr(enrolment, name, value)
            changed = True
    return changed


def _create_new_students(plan: _Plan, known: _Known) -> None:
    """Logins (without password: the student sets one through "wachtwoord vergeten"), student
    memberships and enrolments for the new student numbers, plus the memberships known students
    missed."""
    User.objects.bulk_create(
        [
            User(
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                password=make_password(None),
            )
            for row in plan.new_rows
            if row.linked_user_id is None
        ],
        batch_size=BATCH_SIZE,
    )
    user_ids = dict(
        User.objects.filter(email__in=[row.email for row in plan.new_rows]).values_list(
            "email", "pk"
        )
    )
    Membership.objects.bulk_create(
        plan.missing_memberships
        + [
            Membership(user_id=user_ids[row.email], organisation=known.school, role=Role.STUDENT)
            for row in plan.new_rows
            if row.linked_user_id not in known.with_membership
        ],
        batch_size=BATCH_SIZE,
    )
    StudentEnrolment.objects.bulk_create(
        [
            StudentEnrolment(
                student_id=user_ids[row.email],
                school=known.school,
                student_number=row.student_number,
                **_desired(row, None),
            )
            for row in plan.new_rows
        ],
        batch_size=BATCH_SIZE,
    )
