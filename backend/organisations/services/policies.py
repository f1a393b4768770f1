"""Schools' certificate policies."""

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, field_error
from backend.organisations.models import (
    CertificateKind,
    CertificatePolicy,
    Organisation,
    PolicySubject,
)
from backend.organisations.services.organisations import require_manager


@transaction.atomic
def certificate_policy_create(
    *, organisation: Organisation, certificate: str, applies_to: str, actor: User, note: str = ""
) -> CertificatePolicy:
    """A school's rule, e.g. "guest teachers need a valid VOG". Admins of that school."""
    if not organisation.is_school:
        raise field_error("organisation", _("Alleen scholen stellen certificaatbeleid vast."))
    require_manager(actor, organisation)
    if certificate not in CertificateKind.values:
        raise field_error(
            "certificate", _("Onbekend certificaat: %(kind)s.") % {"kind": certificate}
        )
    if applies_to not in PolicySubject.values:
        raise field_error(
            "applies_to", _("Onbekende doelgroep: %(subject)s.") % {"subject": applies_to}
        )
    if CertificatePolicy.objects.filter(
        organisation=organisation, certificate=certificate, applies_to=applies_to
    ).exists():
        raise Conflict(_("Dit beleid bestaat al voor %(name)s.") % {"name": organisation.name})
    return CertificatePolicy.objects.create(
        organisation=organisation, certificate=certificate, applies_to=applies_to, note=note
    )


@transaction.atomic
def certificate_policy_delete(*, policy: CertificatePolicy, actor: User) -> None:
    require_manager(actor, policy.organisation)
    policy.delete()
