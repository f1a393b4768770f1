"""Writes for signing in with the school account.

Import from here: `from backend.sso.services import sso_sign_in, domain_register`."""

from backend.sso.services.domains import domain_register, domain_remove
from backend.sso.services.employees import pending_employee_approve, pending_employee_refuse
from backend.sso.services.sign_in import SignInResult, sso_refusal_record, sso_sign_in

__all__ = [
    "SignInResult",
    "domain_register",
    "domain_remove",
    "pending_employee_approve",
    "pending_employee_refuse",
    "sso_refusal_record",
    "sso_sign_in",
]
