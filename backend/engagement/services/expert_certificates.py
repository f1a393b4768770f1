"""A company records its experts' certificates (a VOG) so a school can check them.

The accounts app lets people record only their own certificates; a company contact who keeps
an expert's profile may record one for that expert. It is stored as the expert's own
declaration (accounts.services.certificate_create, with its validity rules) and counts for a
school's policy only once a coordinator of that school has seen the original document
(organisations.services.certificate_verify)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import Certificate, User
from backend.accounts.services.certificates import certificate_create
from backend.core.errors import PermissionDenied, field_error
from backend.engagement.models import ExpertProfile
from backend.engagement.selectors.access import may_manage_experts_of


@transaction.atomic
def expert_certificate_register(
    *,
    actor: User,
    expert: ExpertProfile,
    kind: str,
    issued_on: dt.date,
    valid_until: dt.date,
    now: dt.datetime,
) -> Certificate:
    """Record a certificate for `expert`, unverified. Allowed for the expert and for the
    contacts of the expert's company. Raises PermissionDenied, or ApplicationError naming the
    field (`kind`, `issued_on`, `valid_until`): a certificate issued in the future, a validity
    that ends before it starts or lasts longer than the kind allows."""
    if actor.pk != expert.user_id and not may_manage_experts_of(actor, expert.organisation_id):
        raise PermissionDenied(
            _("Alleen de expert of een contactpersoon van het bedrijf registreert dit certificaat.")
        )
    if issued_on > now.date():
        raise field_error("issued_on", _("De datum van afgifte ligt in de toekomst."))
    # The expert's own declaration: recorded in their name, checked later by a school.
    return certificate_create(
        holder=expert.user,
        actor=expert.user,
        kind=kind,
        issued_on=issued_on,
        valid_until=valid_until,
    )
