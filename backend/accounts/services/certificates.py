"""Certificates a person holds (VOG, BHV, VCA)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import Certificate, User
from backend.accounts.selectors import coordinator_school_ids
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.organisations.models import CertificateKind


@transaction.atomic
def certificate_create(
    *, holder: User, actor: User, kind: str, issued_on: dt.date, valid_until: dt.date
) -> Certificate:
    """Record a certificate. People record their own; Koppel staff for anyone."""
    if actor.pk != holder.pk and not actor.is_staff:
        raise PermissionDenied(_("Je kunt alleen je eigen certificaten toevoegen."))
    if kind not in CertificateKind.values:
        raise field_error("kind", _("Onbekend certificaat: %(kind)s.") % {"kind": kind})
    if valid_until < issued_on:
        raise field_error("valid_until", _("De geldigheid eindigt voor de datum van afgifte."))
    return Certificate.objects.create(
        holder=holder, kind=kind, issued_on=issued_on, valid_until=valid_until
    )


@transaction.atomic
def certificate_verify(*, certificate: Certificate, actor: User) -> Certificate:
    """A school's coordinator (or programme lead, institution admin) has seen the original
    document; Koppel records who checked it."""
    if not (actor.is_staff or coordinator_school_ids(actor)):
        raise PermissionDenied(_("Alleen een coördinator van een school controleert certificaten."))
    if certificate.holder_id == actor.pk:
        raise PermissionDenied(_("Je kunt je eigen certificaat niet zelf controleren."))
    if certificate.verified_by_id is not None:
        raise Conflict(_("Dit certificaat is al gecontroleerd."))
    certificate.verified_by = actor
    certificate.save(update_fields=["verified_by", "updated_at"])
    return certificate


@transaction.atomic
def certificate_delete(*, certificate: Certificate, actor: User) -> None:
    if actor.pk != certificate.holder_id and not actor.is_staff:
        raise PermissionDenied(_("Je kunt alleen je eigen certificaten verwijderen."))
    certificate.delete()
