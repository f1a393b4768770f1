"""Writing a validated file with bulk statements."""

import datetime as dt

from django.contrib.auth.hashers import make_password

from backend.accounts.models import EmailChange, Membership, Role, StudentEnrolment, User
from backend.accounts.services.email_change import email_changes_request
from backend.accounts.services.student_import.types import ImportResult, ParsedRow
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


def _desired(row: ParsedRow, enrolment: StudentEnrolment | None) -> dict:
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


def write_rows(
    rows: list[ParsedRow],
    school: Organisation,
    existing: dict[str, StudentEnrolment],
    *,
    actor: User | None,
    now: dt.datetime,
) -> ImportResult:
    updated_users: list[User] = []
    updated_enrolments: list[StudentEnrolment] = []
    new_rows: list[ParsedRow] = []
    email_changes: list[tuple[User, str]] = []
    unchanged = updated = reactivated = 0
    linked = {
        user.pk: user
        for user in User.objects.filter(pk__in=[r.linked_user_id for r in rows if r.linked_user_id])
    }
    known_users = [e.student for e in existing.values()] + list(linked.values())
    with_membership = set(
        Membership.objects.active()
        .filter(organisation=school, role=Role.STUDENT, user__in=known_users)
        .values_list("user_id", flat=True)
    )
    open_changes = _open_changes([e.student for e in existing.values()], now)
    missing_memberships: list[Membership] = []
    for row in rows:
        enrolment = existing.get(row.student_number)
        if enrolment is None:
            new_rows.append(row)
            user = linked.get(row.linked_user_id)
            if user is not None:
                changed, back = _apply_to_user(user, row)
                updated_users += [user] if changed else []
                reactivated += back
            continue
        user = enrolment.student
        changed, back = _apply_to_user(user, row)
        reactivated += back
        if changed:
            updated_users.append(user)
        if row.email_change and (user.pk, row.email) not in open_changes:
            email_changes.append((user, row.email))
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

    User.objects.bulk_update(
        updated_users, [*USER_FIELDS, "is_active", "left_at"], batch_size=BATCH_SIZE
    )
    StudentEnrolment.objects.bulk_update(
        updated_enrolments,
        [name.removesuffix("_id") for name in ENROLMENT_FIELDS],
        batch_size=BATCH_SIZE,
    )
    email_changes_request(changes=email_changes, requested_by=actor, school=school, now=now)
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
            if row.linked_user_id is None
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
            if row.linked_user_id not in with_membership
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
    return ImportResult(
        created=len(new_rows),
        updated=updated,
        unchanged=unchanged,
        reactivated=reactivated,
        email_changes_pending=sum(row.email_change for row in rows),
    )
