"""A school's registered domains: the `schac_home_organization` values that mean this school."""

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, field_error
from backend.sso.access import require_may_manage_sso
from backend.sso.models import RegisteredDomain, StudentMatching

if TYPE_CHECKING:
    from backend.organisations.models import Organisation

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_PATTERN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")


def normalise_domain(value: str) -> str:
    return (value or "").strip().lower().rstrip(".")


@transaction.atomic
def domain_register(
    *,
    school: "Organisation",
    domain: str,
    student_matching: str,
    actor: User,
    now: dt.datetime,
) -> RegisteredDomain:
    """Register `domain` (the home organisation the school's identity provider sends, such as
    "vista.nl") for `school`. Raises PermissionDenied for anyone but the school's institution
    admins and Koppel staff, a field error for a malformed domain or matching, Conflict when the
    domain is registered already (without saying by whom)."""
    require_may_manage_sso(actor, school)
    domain = normalise_domain(domain)
    if len(domain) > 190 or not DOMAIN_PATTERN.match(domain):
        raise field_error("domain", _("Vul een domeinnaam in zoals vista.nl."))
    if student_matching not in StudentMatching.values:
        raise field_error("student_matching", _("Kies hoe studenten herkend worden."))
    if RegisteredDomain.objects.filter(domain=domain).exists():
        raise Conflict(
            _(
                "Het domein %(domain)s is al geregistreerd. Hoort het bij uw school, neem dan "
                "contact op met Koppel."
            )
            % {"domain": domain}
        )
    return RegisteredDomain.objects.create(
        organisation=school,
        domain=domain,
        student_matching=student_matching,
        created_at=now,
        created_by=actor,
    )


@transaction.atomic
def domain_remove(*, domain: RegisteredDomain, actor: User) -> None:
    """Stop accepting sign-ins for this domain. Links already made stay, but nobody signs in
    through them until a school registers the domain again."""
    require_may_manage_sso(actor, domain.organisation)
    domain.delete()
