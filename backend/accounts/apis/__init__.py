"""Accounts API: thin views over backend.accounts.services and selectors.

The people endpoints that involve an organisation (me with memberships, invitations, students,
a school's certificate checks, company sign-up) are served by backend.organisations.apis under
the same /api/auth/ paths (backend/organisations/urls.py, `auth_urlpatterns`)."""

from backend.accounts.apis.auth import (
    LogoutApi,
    PasswordResetConfirmApi,
    PasswordResetRequestApi,
    TokenApi,
)
from backend.accounts.apis.email_change import EmailChangeConfirmApi
from backend.accounts.apis.people import (
    CertificateDetailApi,
    CertificateListApi,
    CertificateOutputSerializer,
    PersonLeaveApi,
)

__all__ = [
    "CertificateDetailApi",
    "CertificateListApi",
    "CertificateOutputSerializer",
    "EmailChangeConfirmApi",
    "LogoutApi",
    "PasswordResetConfirmApi",
    "PasswordResetRequestApi",
    "PersonLeaveApi",
    "TokenApi",
]
