"""Certificates a person holds (VOG, BHV, VCA).

Anyone may record their own certificate, but a self-declared one never satisfies a school's
policy: only a certificate whose original document was checked (the school's check,
organisations.services.certificate_verify) counts, and only on the days it is valid
(organisations.selectors.certificate_policy_violations)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.access import can_manage_certificates_of
from backend.accounts.models import Certificate, CertificateKind, User
from backend.core.errors import PermissionDenied, field_error

# How long after issue a certificate may be declared valid. A VOG carries no end date: schools
# accept one issued at most a few years ago (Koppel's demo policies: three years). A BHV
# certificate lasts a year (plus the time to book the refresher); a VCA diploma ten years.
MAX_VALIDITY_YEARS = {CertificateKind.VOG: 3, CertificateKind.BHV: 2, CertificateKind.VCA: 10}


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def certificate_create(
    *, holder: User, actor: User, kind: str, issued_on: dt.date, valid_until: dt.date
) -> Certificate:
    """Record a certificate. People record their own; Koppel staff for anyone. It counts for a
    school's policy only once verified. `valid_until` may be at most MAX_VALIDITY_YEARS[kind]
    after `issued_on` (a VOG "valid until 2099" is refused)."""
    if not can_manage_certificates_of(actor, holder):
        raise PermissionDenied(_("Je kunt alleen je eigen certificaten toevoegen."))
    if kind not in CertificateKind.values:
        raise field_error("kind", _("Onbekend certificaat: %(kind)s.") % {"kind": kind})
    if valid_until < issued_on:
        raise field_error("valid_until", _("De geldigheid eindigt voor de datum van afgifte."))
    years = MAX_VALIDITY_YEARS[CertificateKind(kind)]
    if valid_until > _years_after(issued_on, years):
        raise field_error(
            "valid_until",
            _("Een %(kind)s geldt hoogstens %(years)s jaar na de datum van afgifte.")
            % {"kind": kind, "years": years},
        )
    return Certificate.objects.create(
        holder=holder, kind=kind, issued_on=issued_on, valid_until=valid_until
    )


@transaction.atomic
def certificate_delete(*, certificate: Certificate, actor: User) -> None:
    if not can_manage_certificates_of(actor, certificate.holder):
        raise PermissionDenied(_("Je kunt alleen je eigen certificaten verwijderen."))
    certificate.delete()
