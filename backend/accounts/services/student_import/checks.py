"""Checks across rows and against the database, in a fixed number of queries."""

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.accounts.roles import STUDENT_COACH_ROLES
from backend.accounts.services.student_import.types import ParsedRow
from backend.curriculum.models import Kwalificatie

if TYPE_CHECKING:
    from backend.organisations.models import Organisation


def check_duplicates(rows: list[ParsedRow]) -> None:
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


def _coaches_by_email(school: "Organisation", emails: Iterable[str]) -> dict[str, int]:
    return dict(
        Membership.objects.active()
        .filter(
            organisation=school,
            role__in=STUDENT_COACH_ROLES,
            user__email__in=set(emails),
        )
        .values_list("user__email", "user_id")
    )


# What the import knows about one login it may touch: a row of `_accounts`.
Account = Mapping[str, Any]

# One message for every login the import may not touch, whatever the reason (staff, another
# school's student, someone else's login): the importer learns nothing about other accounts.
NOT_USABLE = gettext_lazy("%(value)s kan niet voor een student van deze school worden gebruikt")


def _accounts(
    school: "Organisation", rows: list[ParsedRow], existing: dict[str, StudentEnrolment]
) -> list[Account]:
    """Facts about every login a row names (by e-mail) or matches (by student number)."""
    return list(
        User.objects.filter(
            Q(email__in={row.email for row in rows})
            | Q(pk__in=[enrolment.student_id for enrolment in existing.values()])
        )
        .annotate(
            # Any membership that is not "student of this school", even one that ended.
            elsewhere=Exists(
                Membership.objects.filter(user_id=OuterRef("pk")).exclude(
                    organisation=school, role=Role.STUDENT
                )
            ),
            student_here=Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"), organisation=school, role=Role.STUDENT
                )
            ),
        )
        .values(
            "pk",
            "email",
            "is_staff",
            "is_superuser",
            "elsewhere",
            "student_here",
            "enrolment__school_id",
            "enrolment__student_number",
        )
    )


def may_touch(account: Account, school: "Organisation") -> bool:
    """The import creates logins or updates logins that are students of this school only: never
    staff, superusers, or anyone with another organisation's history (even ended)."""
    if account["is_staff"] or account["is_superuser"] or account["elsewhere"]:
        return False
    enrolled_at = account["enrolment__school_id"]
    return enrolled_at == school.pk or (enrolled_at is None and account["student_here"])


def _check_known_student(
    row: ParsedRow, school: "Organisation", account: Account, owner: Account | None
) -> None:
    if not may_touch(account, school):
        row.error("studentnummer", NOT_USABLE % {"value": row.student_number})
    elif owner is None:
        row.email_change = row.email != account["email"].lower()
    elif owner["pk"] != account["pk"]:
        _refuse_email(row, school, owner)


def _refuse_email(row: ParsedRow, school: "Organisation", owner: Account) -> None:
    if owner["enrolment__school_id"] == school.pk:
        # This school's own student: the importer may see that.
        row.error(
            "e-mail",
            _("%(value)s hoort al bij studentnummer %(number)s")
            % {"value": row.email, "number": owner["enrolment__student_number"]},
        )
    else:
        row.error("e-mail", NOT_USABLE % {"value": row.email})


def check_against_database(
    rows: list[ParsedRow], school: "Organisation", existing: dict[str, StudentEnrolment]
) -> None:
    kwalificaties = _kwalificaties_by_crebo(row.crebo for row in rows if row.crebo)
    coaches = _coaches_by_email(school, (row.coach_email for row in rows if row.coach_email))
    accounts = _accounts(school, rows, existing)
    by_pk = {account["pk"]: account for account in accounts}
    by_email = {account["email"]: account for account in accounts}
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
        owner = by_email.get(row.email)
        enrolment = existing.get(row.student_number)
        if enrolment is not None:
            _check_known_student(row, school, by_pk[enrolment.student_id], owner)
        elif owner is None:
            continue
        elif owner["enrolment__school_id"] is None and may_touch(owner, school):
            # A student login of this school without enrolment: link it, never a second login.
            row.linked_user_id = owner["pk"]
        else:
            _refuse_email(row, school, owner)
