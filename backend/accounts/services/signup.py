import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import Membership, Role, User
from backend.accounts.services.passwords import check_password_strength
from backend.core.errors import field_error
from backend.organisations.models import Organisation, OrganisationKind
from backend.organisations.services import normalise_kvk, organisation_create


@dataclass(frozen=True)
class SignUp:
    organisation: Organisation
    user: User
    membership: Membership


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
) -> SignUp:
    """A company registers itself: the organisation plus its first company contact, who can log in
    at once with `contact_email` and `password`.

    Raises ApplicationError naming the field: `kvk` not exactly 8 digits or already registered (the
    message names the company so the person can ask a colleague for an invitation instead),
    `contact_email` invalid or already in use, `password` too weak (Django's validators).
    """
    kvk = normalise_kvk(kvk)
    email = (contact_email or "").strip().lower()
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
    try:
        validate_email(email)
    except ValidationError:
        raise field_error("contact_email", _("Vul een geldig e-mailadres in.")) from None
    if User.objects.filter(email__iexact=email).exists():
        raise field_error(
            "contact_email",
            _(
                "Er is al een account met dit e-mailadres. Log in of vraag een nieuw wachtwoord aan."
            ),
        )
    if not contact_first_name.strip() or not contact_last_name.strip():
        raise field_error("contact_first_name", _("Vul je voor- en achternaam in."))
    candidate = User(email=email, first_name=contact_first_name, last_name=contact_last_name)
    check_password_strength(password, candidate)

    organisation = organisation_create(
        actor=None,
        name=name,
        kind=OrganisationKind.COMPANY,
        kvk=kvk,
        website=website,
        description=description,
        employee_count=employee_count,
    )
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=contact_first_name.strip(),
        last_name=contact_last_name.strip(),
        phone=phone,
        preferred_language=preferred_language,
    )
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=Role.COMPANY_CONTACT, job_title=job_title
    )
    return SignUp(organisation=organisation, user=user, membership=membership)
