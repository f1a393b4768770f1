"""Checks across rows and against the database, in a fixed number of queries."""

import re
from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.accounts.services.student_import.types import ParsedRow
from backend.curriculum.models import Kwalificatie
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


def check_against_database(
    rows: list[ParsedRow], school: Organisation, existing: dict[str, StudentEnrolment]
) -> None:
    kwalificaties = _kwalificaties_by_crebo(row.crebo for row in rows if row.crebo)
    coaches = _coaches_by_email(school, (row.coach_email for row in rows if row.coach_email))
    owners = {
        values["email"]: values
        for values in User.objects.filter(email__in={row.email for row in rows})
        .annotate(
            # Only a login that is not in use elsewhere may be linked to a new student.
            has_memberships=Exists(
                Membership.objects.filter(user_id=OuterRef("pk"), ended_at__isnull=True)
            )
        )
        .values(
            "pk", "email", "enrolment__school_id", "enrolment__student_number", "has_memberships"
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
        elif enrolment is not None or owner["has_memberships"]:
            row.error(
                "e-mail",
                _("%(value)s is al in gebruik door een ander account") % {"value": row.email},
            )
