"""Institution policies: a school may require a certificate (a VOG) from guest teachers.

An offer cannot be published or started at a school that requires a certificate from its contact
person when that person has no certificate of that kind valid on the offer's start date.
(The accounts app may grow a general `certificate_policy_violations`; this is the offer's view.)
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backend.accounts.models import Certificate
from backend.offers.models import Offer, OfferKind
from backend.offers.selectors.visibility import offer_target_school_ids
from backend.organisations.models import (
    CertificateKind,
    CertificatePolicy,
    Organisation,
    PolicySubject,
)

# In which capacity an offer's contact person works with students, per kind of offer.
POLICY_SUBJECT_BY_KIND = {
    OfferKind.GUEST_LESSON: PolicySubject.GUEST_TEACHER,
    OfferKind.MASTERCLASS: PolicySubject.GUEST_TEACHER,
    OfferKind.WORKSHOP: PolicySubject.GUEST_TEACHER,
    OfferKind.CHALLENGE: PolicySubject.COMPANY_MENTOR,
    OfferKind.INTERNSHIP: PolicySubject.COMPANY_MENTOR,
}


@dataclass(frozen=True)
class CertificateViolation:
    school: Organisation
    certificate: str
    subject: str
    holder_name: str
    needed_on: dt.date
    expired_on: dt.date | None  # the latest certificate's expiry, None when there is none

    @property
    def message(self) -> str:
        certificate = CertificateKind(self.certificate).label
        subject = PolicySubject(self.subject).label
        values = {
            "school": self.school.name,
            "certificate": certificate,
            "code": self.certificate,
            "subject": subject,
            "holder": self.holder_name,
            "needed": date_format(self.needed_on, "j F Y"),
            "expired": date_format(self.expired_on, "j F Y") if self.expired_on else "",
        }
        if self.expired_on:
            problem = (
                _("De %(code)s van %(holder)s is verlopen op %(expired)s") % values
            )
        else:
            problem = _("%(holder)s heeft geen %(code)s geregistreerd") % values
        return (
            _("%(school)s vereist een geldige %(certificate)s van elke %(subject)s.") % values
            + " "
            + problem
            + " "
            + _("(nodig op %(needed)s).") % values
            + " "
            + _(
                "Vraag %(holder)s een nieuwe %(code)s te registreren die geldig is op "
                "%(needed)s, of dien het aanbod niet in bij %(school)s."
            )
            % values
        )


def offer_certificate_violations(
    offer: Offer, *, today: dt.date, school_ids: set[int] | None = None
) -> list[CertificateViolation]:
    """Schools (of `school_ids`, default: all the offer is submitted to) whose certificate
    policy the offer's contact person does not meet on the offer's start date (or today when
    it has none). Queries: a fixed handful."""
    subject = POLICY_SUBJECT_BY_KIND.get(offer.kind)
    if subject is None:
        return []
    targets = offer_target_school_ids(offer) if school_ids is None else set(school_ids)
    if not targets:
        return []
    policies = list(
        CertificatePolicy.objects.select_related("organisation")
        .filter(organisation_id__in=targets, applies_to=subject)
        .order_by("organisation__name", "certificate")
    )
    if not policies:
        return []
    needed_on = offer.starts_on or today
    latest: dict[str, dt.date] = {}
    for kind, valid_until in Certificate.objects.filter(
        holder_id=offer.contact_id, kind__in={p.certificate for p in policies}
    ).values_list("kind", "valid_until"):
        latest[kind] = max(valid_until, latest.get(kind, valid_until))
    holder_name = offer.contact.get_full_name() or offer.contact.email
    return [
        CertificateViolation(
            school=policy.organisation,
            certificate=policy.certificate,
            subject=subject,
            holder_name=holder_name,
            needed_on=needed_on,
            expired_on=latest.get(policy.certificate),
        )
        for policy in policies
        if latest.get(policy.certificate) is None or latest[policy.certificate] < needed_on
    ]
