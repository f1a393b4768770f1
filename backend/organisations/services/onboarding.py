"""A company signs itself up: the company and its first contact person, whose login works once
confirmed from the e-mail address (accounts.services.signup does the login half).

The answer never tells whether the e-mail address already has an account (no enumeration): a new
address gets an inactive login and a confirmation link, a known one gets a mail saying someone
tried to sign up with it; both answers are "check your e-mail", and both mails are sent by a task.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import Membership, Role, User
from backend.accounts.services.signup import (
    NewLogin,
    sign_up_for_known_address,
    sign_up_login_create,
    sign_up_validate,
)
from backend.core.errors import field_error
from backend.organisations.models import Organisation, OrganisationKind
from backend.organisations.services.organisations import normalise_kvk, organisation_create


@dataclass(frozen=True)
class SignUp:
    organisation: Organisation
    user: User
    membership: Membership


def _validate_company(*, name: str, kvk: str) -> None:
    if not name or not name.strip():
        raise field_error("name", _("Vul de naam van het bedrijf in."))
    if not re.fullmatch(r"\d{8}", kvk):
        raise field_error("kvk", _("Een KvK-nummer bestaat uit precies 8 cijfers."))
    if existing := Organisation.objects.filter(kvk=kvk).first():
        raise field_error(
            "kvk",
            _(
                "KvK-nummer %(kvk)s is al geregistreerd voor %(name)s. Vraag een collega bij "
                "%(name)s om je uit te nodigen."
            )
            % {"kvk": kvk, "name": existing.name},
        )


def company_sign_up_check(*, name: str, kvk: str) -> None:
    """The company's half of `company_sign_up`'s checks (name given, KvK 8 digits and not yet
    registered), without side effects, so a sign-up form can show this problem together with
    every other one. Raises ApplicationError naming the field (`name`, `kvk`)."""
    _validate_company(name=name, kvk=normalise_kvk(kvk))


@transaction.atomic
def company_sign_up(
    *,
    name: str,
    kvk: str,
    contact_email: str,
    contact_first_name: str,
    contact_last_name: str,
    password: str,
    phone: str = "",
    website: str = "",
    description: str = "",
    employee_count: int | None = None,
    job_title: str = "",
    preferred_language: str = "nl",
    address: str = "",
    now: datetime | None = None,
) -> SignUp | None:
    """A company registers itself: the organisation plus its first company contact, whose login
    works once confirmed through the e-mailed link (`accounts.services.company_sign_up_confirm`).

    When `contact_email` already has an account nothing is created and that account holder gets a
    mail instead; returns None then. The caller must answer exactly as for a new sign-up.

    Raises ApplicationError naming the field: `kvk` not exactly 8 digits or already registered (the
    message names the company so the person can ask a colleague for an invitation instead),
    `contact_email` invalid, `password` too weak (Django's validators); and a 429 when the client
    `address` sent SIGN_UP_MAX_PER_ADDRESS sign-ups within the hour. None of these depends on the
    e-mail address having an account.
    """
    now = now or timezone.now()
    kvk = normalise_kvk(kvk)
    login = NewLogin(
        email=(contact_email or "").strip().lower(),
        password=password,
        first_name=contact_first_name,
        last_name=contact_last_name,
        phone=phone,
        job_title=job_title,
        preferred_language=preferred_language,
    )
    _validate_company(name=name, kvk=kvk)
    sign_up_validate(login=login, address=address, now=now)
    if sign_up_for_known_address(email=login.email, password=password, address=address, now=now):
        return None
    organisation = organisation_create(
        actor=None,
        name=name,
        kind=OrganisationKind.COMPANY,
        kvk=kvk,
        website=website,
        description=description,
        employee_count=employee_count,
    )
    membership = sign_up_login_create(
        login=login, organisation=organisation, role=Role.COMPANY_CONTACT, address=address, now=now
    )
    return SignUp(organisation=organisation, user=membership.user, membership=membership)
