"""Accounts API: thin views over backend.accounts.services and selectors."""

from backend.accounts.apis.auth import (
    CompanySignUpApi,
    LogoutApi,
    MeApi,
    PasswordResetConfirmApi,
    PasswordResetRequestApi,
    TokenApi,
)
from backend.accounts.apis.email_change import EmailChangeConfirmApi
from backend.accounts.apis.invitations import (
    InvitationAcceptApi,
    InvitationListApi,
    InvitationLookupApi,
    InvitationOutputSerializer,
    InvitationRevokeApi,
)
from backend.accounts.apis.people import (
    CertificateCheckApi,
    CertificateDetailApi,
    CertificateListApi,
    CertificateOutputSerializer,
    CertificateVerifyApi,
    MembershipEndApi,
    PersonLeaveApi,
)
from backend.accounts.apis.students import (
    StudentDetailApi,
    StudentImportApi,
    StudentListApi,
    StudentOutputSerializer,
)

__all__ = [
    "CertificateCheckApi",
    "CertificateDetailApi",
    "CertificateListApi",
    "CertificateOutputSerializer",
    "CertificateVerifyApi",
    "CompanySignUpApi",
    "EmailChangeConfirmApi",
    "InvitationAcceptApi",
    "InvitationListApi",
    "InvitationLookupApi",
    "InvitationOutputSerializer",
    "InvitationRevokeApi",
    "LogoutApi",
    "MeApi",
    "MembershipEndApi",
    "PasswordResetConfirmApi",
    "PasswordResetRequestApi",
    "PersonLeaveApi",
    "StudentDetailApi",
    "StudentImportApi",
    "StudentListApi",
    "StudentOutputSerializer",
    "TokenApi",
]
