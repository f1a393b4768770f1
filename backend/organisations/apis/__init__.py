"""Organisations API: thin views over backend.organisations.services and selectors."""

from backend.organisations.apis.consortia import (
    ConsortiumDetailApi,
    ConsortiumListApi,
    ConsortiumMemberDetailApi,
    ConsortiumMemberEndApi,
    ConsortiumMemberListApi,
    ConsortiumMemberOutputSerializer,
    ConsortiumOutputSerializer,
)
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
from backend.organisations.apis.policies import (
    CertificatePolicyDeleteApi,
    CertificatePolicyListApi,
    CertificatePolicyOutputSerializer,
    SchoolPolicyApi,
)

__all__ = [
    "CertificatePolicyDeleteApi",
    "CertificatePolicyListApi",
    "CertificatePolicyOutputSerializer",
    "ConsortiumDetailApi",
    "ConsortiumListApi",
    "ConsortiumMemberDetailApi",
    "ConsortiumMemberEndApi",
    "ConsortiumMemberListApi",
    "ConsortiumMemberOutputSerializer",
    "ConsortiumOutputSerializer",
    "LocationDetailApi",
    "LocationInputSerializer",
    "LocationListApi",
    "LocationOutputSerializer",
    "MembershipOutputSerializer",
    "OrganisationBriefSerializer",
    "OrganisationDetailApi",
    "OrganisationInputSerializer",
    "OrganisationListApi",
    "OrganisationMembershipListApi",
    "OrganisationOutputSerializer",
    "OrganisationSucceedApi",
    "SchoolPolicyApi",
]
