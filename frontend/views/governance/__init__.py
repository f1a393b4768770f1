"""Governance pages: the collaboration hub and a consortium's partners (`consortia`), its
co-financing (`cofinancing`), umbrella and consortium agreements (`agreements`) and the schools'
VOG policies (`policies`). Pages read through selectors and write through the owning app's
services; who may see and change what is decided there (organisations.access,
agreements.selectors.access) and by the role checks here."""

from frontend.views.governance.agreements import (
    ConsortiumAgreementForm,
    UmbrellaForm,
    governance_agreements_page,
)
from frontend.views.governance.cofinancing import (
    PledgeForm,
    RealisationForm,
    cofinancing_page,
    pledge_new_page,
    realisation_new_page,
)
from frontend.views.governance.consortia import (
    PartnerAddForm,
    PartnerEndForm,
    consortium_detail_page,
    consortium_list_page,
)
from frontend.views.governance.policies import PolicyForm, policy_page

__all__ = [
    "ConsortiumAgreementForm",
    "PartnerAddForm",
    "PartnerEndForm",
    "PledgeForm",
    "PolicyForm",
    "RealisationForm",
    "UmbrellaForm",
    "cofinancing_page",
    "consortium_detail_page",
    "consortium_list_page",
    "governance_agreements_page",
    "pledge_new_page",
    "policy_page",
    "realisation_new_page",
]
