"""Writes for organisations, locations, consortia, certificate policies and checks, and a
company's own sign-up.

Every service takes the acting person, checks they may do it and validates before saving.
"""

from backend.organisations.services.certificates import certificate_verify
from backend.organisations.services.consortia import (
    consortium_create,
    consortium_member_add,
    consortium_member_end,
    consortium_member_update,
    consortium_update,
)
from backend.organisations.services.onboarding import (
    SignUp,
    company_sign_up,
    company_sign_up_check,
)
from backend.organisations.services.organisations import (
    location_create,
    location_delete,
    location_update,
    normalise_kvk,
    normalise_postcode,
    organisation_create,
    organisation_succeed,
    organisation_update,
)
from backend.organisations.services.policies import (
    certificate_policy_create,
    certificate_policy_delete,
    school_policy_update,
)

__all__ = [
    "SignUp",
    "certificate_policy_create",
    "certificate_policy_delete",
    "certificate_verify",
    "company_sign_up",
    "company_sign_up_check",
    "consortium_create",
    "consortium_member_add",
    "consortium_member_end",
    "consortium_member_update",
    "consortium_update",
    "location_create",
    "location_delete",
    "location_update",
    "normalise_kvk",
    "normalise_postcode",
    "organisation_create",
    "organisation_succeed",
    "organisation_update",
    "school_policy_update",
]
