"""Writes for people: sign-up, invitations, password reset, leaving, certificates, imports.

Import from here: `from backend.accounts.services import invitation_create, person_leave`.
"""

from backend.accounts.services.certificates import (
    certificate_create,
    certificate_delete,
    certificate_verify,
)
from backend.accounts.services.invitations import (
    IssuedInvitation,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from backend.accounts.services.leaving import membership_end, person_leave
from backend.accounts.services.passwords import password_reset_confirm, password_reset_request
from backend.accounts.services.signup import SignUp, company_sign_up
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
    "SignUp",
    "StudentImportError",
    "certificate_create",
    "certificate_delete",
    "certificate_verify",
    "company_sign_up",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "membership_end",
    "password_reset_confirm",
    "password_reset_request",
    "person_leave",
    "students_import",
]
