"""Institution policies: a school may require a certificate (a VOG) from guest teachers.

An offer cannot be published or started at a school that requires a certificate from its contact
person when that person holds none valid on the offer's start date. Whether a person meets a
school's policy is decided by `organisations.selectors.certificate_policy_violations`; this module
decides which schools and which capacity apply to an offer.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backend.offers.models import Offer, OfferKind
from backend.offers.selectors.visibility import offer_target_school_ids
from backend.organisations.models import Organisation, PolicySubject
from backend.organisations.selectors import certificate_policy_violations

# In which capacity an offer's contact person works with students, per kind of offer.
POLICY_SUBJECT_BY_KIND: dict[str, PolicySubject] = {
    OfferKind.GUEST_LESSON: PolicySubject.GUEST_TEACHER,
    OfferKind.MASTERCLASS: PolicySubject.GUEST_TEACHER,
    OfferKind.WORKSHOP: PolicySubject.GUEST_TEACHER,
    OfferKind.CHALLENGE: PolicySubject.COMPANY_MENTOR,
    OfferKind.INTERNSHIP: PolicySubject.COMPANY_MENTOR,
}


@dataclass(frozen=True)
class CertificateViolation:
    school: Organisation
    subject: str
    needed_on: dt.date
    reason: str  # from the accounts policy check: which certificate, whose, what is wrong

    @property
    def message(self) -> str:
        return (
            self.reason
            + " "
            + _(
                "Het certificaat moet geldig zijn op %(date)s, de startdatum van het aanbod; "
                "of dien het aanbod in zonder %(school)s."
            )
            % {"date": date_format(self.needed_on, "j F Y"), "school": self.school.name}
        )


def offer_certificate_violations(
    offer: Offer, *, today: dt.date, school_ids: set[int] | None = None
) -> list[CertificateViolation]:
    """Schools (of `school_ids`, default: all the offer is submitted to) whose certificate
    policy the offer's contact person does not meet on the offer's start date (today when it
    has none). Queries: two, plus two per school that has a policy for this kind of offer."""
    subject = POLICY_SUBJECT_BY_KIND.get(offer.kind)
    if subject is None:
        return []
    targets = offer_target_school_ids(offer) if school_ids is None else set(school_ids)
    if not targets:
        return []
    schools = (
        Organisation.objects.filter(pk__in=targets, certificate_policies__applies_to=subject)
        .distinct()
        .order_by("name")
    )
    needed_on = offer.starts_on or today
    return [
        CertificateViolation(school=school, subject=subject, needed_on=needed_on, reason=reason)
        for school in schools
        for reason in certificate_policy_violations(
            person=offer.contact, school=school, subject=subject, on=needed_on
        )
    ]
