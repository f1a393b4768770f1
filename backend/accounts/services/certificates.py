"""Certificates a person holds (VOG, BHV, VCA).

Anyone may record their own certificate, but a self-declared one never satisfies a school's
policy: only a certificate whose original document was checked (`certificate_verify`) counts, and
only on the days it is valid (accounts.selectors.certificate_policy_violations)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import Certificate, Role, User
from backend.accounts.selectors import organisation_ids_for, person_related_to_school
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.organisations.models import CertificateKind, Organisation

# How long after issue a certificate may be declared valid. A VOG carries no end date: schools
# accept one issued at most a few years ago (Koppel's demo policies: three years). A BHV
# certificate lasts a year (plus the time to book the refresher); a VCA diploma ten years.
MAX_VALIDITY_YEARS = {CertificateKind.VOG: 3, CertificateKind.BHV: 2, CertificateKind.VCA: 10}
# Roles that check certificates for their school.
VERIFIER_ROLES = (Role.COORDINATOR, Role.INSTITUTION_ADMIN)


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
    if actor.pk != holder.pk and not actor.is_staff:
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


def verifying_schools(actor: User, certificate: Certificate) -> list[Organisation]:
    """Schools for which `actor` may check `certificate`: the actor coordinates or administers
    the school, the school's policy requires this kind of certificate, and the holder works (or
    offers to work) with that school's students. Sorted by name."""
    candidates = (
        Organisation.objects.filter(
            pk__in=organisation_ids_for(actor, *VERIFIER_ROLES),
            certificate_policies__certificate=certificate.kind,
        )
        .distinct()
        .order_by("name")
    )
    return [school for school in candidates if person_related_to_school(certificate.holder, school)]


@transaction.atomic
def certificate_verify(*, certificate: Certificate, actor: User, now: dt.datetime) -> Certificate:
    """Record that `actor` has seen the original document: who, when, and for which school.

    Allowed for Koppel staff, and for a coordinator or institution admin of a school whose policy
    requires this kind of certificate from a person related to that school (`verifying_schools`).
    Nobody checks their own. Raises PermissionDenied (nothing changes) or Conflict when it was
    already checked."""
    if certificate.holder_id == actor.pk:
        raise PermissionDenied(_("Je kunt je eigen certificaat niet zelf controleren."))
    schools = [] if actor.is_staff else verifying_schools(actor, certificate)
    if not (actor.is_staff or schools):
        raise PermissionDenied(
            _(
                "Alleen een coördinator of beheerder van een school die deze %(kind)s vereist "
                "van iemand die met die school werkt, controleert dit certificaat."
            )
            % {"kind": certificate.kind}
        )
    claimed = Certificate.objects.filter(pk=certificate.pk, verified_at__isnull=True).update(
        verified_by=actor,
        verified_at=now,
        verified_for=schools[0] if schools else None,
        updated_at=now,
    )
    if claimed != 1:
        raise Conflict(_("Dit certificaat is al gecontroleerd."))
    certificate.refresh_from_db()
    return certificate


@transaction.atomic
def certificate_delete(*, certificate: Certificate, actor: User) -> None:
    if actor.pk != certificate.holder_id and not actor.is_staff:
        raise PermissionDenied(_("Je kunt alleen je eigen certificaten verwijderen."))
    certificate.delete()
