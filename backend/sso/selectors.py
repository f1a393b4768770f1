"""Reads for the school account pages: a school's domains, waiting employees and sign-in log.

Who may read them is decided in backend.sso.access (`may_manage_sso`); these return rows."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from backend.accounts.models import Role, User
from backend.accounts.selectors import organisation_ids_for
from backend.organisations.models import Organisation
from backend.sso.models import (
    PendingEmployee,
    PendingStatus,
    RegisteredDomain,
    SignInLogEntry,
)

LOG_PAGE_SIZE = 200


def sso_schools_of(user: User) -> QuerySet[Organisation]:
    """The schools whose SSO connection `user` manages as institution admin (Koppel staff:
    every school)."""
    schools = Organisation.objects.schools()
    if user.is_staff:
        return schools
    return schools.filter(pk__in=organisation_ids_for(user, Role.INSTITUTION_ADMIN))


def school_get(pk: int) -> Organisation | None:
    return Organisation.objects.schools().filter(pk=pk).first()


def domains_of(school: Organisation) -> QuerySet[RegisteredDomain]:
    return RegisteredDomain.objects.filter(organisation=school).order_by("domain")


def registered_domain_get(pk: int) -> RegisteredDomain | None:
    return RegisteredDomain.objects.select_related("organisation").filter(pk=pk).first()


def pending_employees_of(school: Organisation) -> QuerySet[PendingEmployee]:
    """The employees of `school` waiting for approval, longest waiting first."""
    return PendingEmployee.objects.filter(organisation=school, status=PendingStatus.OPEN).order_by(
        "requested_at", "pk"
    )


def pending_employee_get(pk: int) -> PendingEmployee | None:
    return PendingEmployee.objects.select_related("organisation").filter(pk=pk).first()


@dataclass(frozen=True)
class LogRow:
    entry: SignInLogEntry
    # The login's and the admin's names as they are now; empty when the login is gone.
    person: str
    actor: str

    @property
    def at(self) -> dt.datetime:
        return self.entry.at


def sign_in_log_of(school: Organisation, *, limit: int = LOG_PAGE_SIZE) -> list[LogRow]:
    """The newest entries about `school` (two queries: the entries, then the names)."""
    entries = list(SignInLogEntry.objects.filter(organisation_id=school.pk)[:limit])
    ids = {i for e in entries for i in (e.user_id, e.actor_id) if i is not None}
    names = {user.pk: str(user) for user in User.objects.filter(pk__in=ids)} if ids else {}
    return [
        LogRow(
            entry=entry,
            person=names.get(entry.user_id, "") if entry.user_id else "",
            actor=names.get(entry.actor_id, "") if entry.actor_id else "",
        )
        for entry in entries
    ]
