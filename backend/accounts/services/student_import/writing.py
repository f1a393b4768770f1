"""Writing a validated file with bulk statements."""

from django.contrib.auth.hashers import make_password

from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.accounts.services.student_import.types import ImportResult, ParsedRow
from backend.organisations.models import Organisation

BATCH_SIZE = 500


USER_FIELDS = ("first_name", "last_name", "email")
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


def write_rows(
    rows: list[ParsedRow], school: Organisation, existing: dict[str, StudentEnrolment]
) -> ImportResult:
    updated_users: list[User] = []
    updated_enrolments: list[StudentEnrolment] = []
    new_rows: list[ParsedRow] = []
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
        if not user.is_active or user.left_at is not None:
            # The school's export lists them again: they are (re-)enrolled, so they may log in.
            user.is_active, user.left_at = True, None
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

    User.objects.bulk_update(
        updated_users, [*USER_FIELDS, "is_active", "left_at"], batch_size=BATCH_SIZE
    )
    StudentEnrolment.objects.bulk_update(
        updated_enrolments,
        [name.removesuffix("_id") for name in ENROLMENT_FIELDS],
        batch_size=BATCH_SIZE,
    )

    # Existing logins without enrolment or active membership (checked before) are linked; someone
    # who left earlier and now enrols may log in again.
    linked = dict(
        User.objects.filter(email__in=[row.email for row in new_rows]).values_list("email", "pk")
    )
    if linked:
        User.objects.filter(pk__in=linked.values()).update(is_active=True, left_at=None)
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
