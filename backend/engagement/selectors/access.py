"""Who may see or act on what in engagement. Returns ids, reused by selectors and services."""

from backend.accounts.models import Role
from backend.accounts.selectors import (
    company_ids,
    consortium_ids_for_organisations,
    coordinator_school_ids,
    organisation_ids_for,
    staff_school_ids,
)


def teaching_school_ids(user) -> set[int]:
    """Schools where the user may request guest lessons and search experts."""
    return staff_school_ids(user)


def visible_consortium_ids(user) -> set[int]:
    return consortium_ids_for_organisations(teaching_school_ids(user))


def managed_company_ids(user) -> set[int]:
    """Companies whose experts and tables this user manages (as company contact)."""
    return company_ids(user)


def student_school_ids(user) -> set[int]:
    return organisation_ids_for(user, Role.STUDENT)


def organiser_school_ids(user) -> set[int]:
    """Schools where the user may organise events and see attendance (coordinators and leads)."""
    return coordinator_school_ids(user)
