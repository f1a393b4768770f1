"""Organisations API: thin views over backend.organisations.services and selectors, and the
people endpoints that involve an organisation (served under /api/auth/, see urls.py)."""

from backend.organisations.apis.certificates import CertificateCheckApi, CertificateVerifyApi
from backend.organisations.apis.consortia import (
    ConsortiumDetailApi,
    ConsortiumListApi,
    ConsortiumMemberDetailApi,
    ConsortiumMemberEndApi,
    ConsortiumMemberListApi,
    ConsortiumMemberOutputSerializer,
    ConsortiumOutputSerializer,
)
from backend.organisations.apis.invitations import (
    InvitationAcceptApi,
    InvitationListApi,
    InvitationLookupApi,
    InvitationOutputSerializer,
    InvitationRevokeApi,
)
from backend.organisations.apis.onboarding import CompanySignUpApi
from backend.organisations.apis.organisations import (
    LocationDetailApi,
    LocationInputSerializer,
    LocationListApi,
    LocationOutputSerializer,
    MembershipOutputSerializer,
    OrganisationBriefSerializer,
    OrganisationDetailApi,
    OrganisationInputSerializer,
    OrganisationListApi,
    OrganisationMembershipListApi,
    OrganisationOutputSerializer,
    OrganisationSucceedApi,
)
from backend.organisations.apis.people import MeApi, MembershipEndApi
from backend.organisations.apis.policies import (
    CertificatePolicyDeleteApi,
    CertificatePolicyListApi,
    CertificatePolicyOutputSerializer,
    SchoolPolicyApi,
)
from backend.organisations.apis.students import (
    StudentDetailApi,
    StudentImportApi,
    StudentListApi,
    StudentOutputSerializer,
)

__all__ = [
    "CertificateCheckApi",
    "CertificatePolicyDeleteApi",
    "CertificatePolicyListApi",
    "CertificatePolicyOutputSerializer",
    "CertificateVerifyApi",
    "CompanySignUpApi",
    "ConsortiumDetailApi",
    "ConsortiumListApi",
    "ConsortiumMemberDetailApi",
    "ConsortiumMemberEndApi",
    "ConsortiumMemberListApi",
    "ConsortiumMemberOutputSerializer",
    "ConsortiumOutputSerializer",
    "InvitationAcceptApi",
    "InvitationListApi",
    "InvitationLookupApi",
    "InvitationOutputSerializer",
    "InvitationRevokeApi",
    "LocationDetailApi",
    "LocationInputSerializer",
    "LocationListApi",
    "LocationOutputSerializer",
    "MeApi",
    "MembershipEndApi",
    "MembershipOutputSerializer",
    "OrganisationBriefSerializer",
    "OrganisationDetailApi",
    "OrganisationInputSerializer",
    "OrganisationListApi",
    "OrganisationMembershipListApi",
    "OrganisationOutputSerializer",
    "OrganisationSucceedApi",
    "SchoolPolicyApi",
    "StudentDetailApi",
    "StudentImportApi",
    "StudentListApi",
    "StudentOutputSerializer",
]
