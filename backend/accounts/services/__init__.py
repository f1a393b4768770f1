"""Writes for people: sign-up, invitations, password reset, leaving, certificates, imports.
(A company's sign-up and a school's certificate check live in organisations.services.)

Import from here: `from backend.accounts.services import invitation_create, person_leave`.
"""

from backend.accounts.services.certificates import certificate_create, certificate_delete
from backend.accounts.services.invitations import (
    IssuedInvitation,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from backend.accounts.services.leaving import membership_end, person_leave
from backend.accounts.services.passwords import password_reset_confirm, password_reset_request
from backend.accounts.services.signup import company_sign_up_confirm
from backend.accounts.services.student_import import (
    ImportResult,
    RowError,
    StudentImportError,
    students_import,
)

__all__ = [
    "ImportResult",
    "IssuedInvitation",
    "RowError",
    "StudentImportError",
    "certificate_create",
    "certificate_delete",
    "company_sign_up_confirm",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "membership_end",
    "password_reset_confirm",
    "password_reset_request",
    "person_leave",
    "students_import",
]
