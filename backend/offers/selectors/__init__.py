"""Reads for offers: visibility, review queue, status in words, coverage, certificate policy.
Who may do what with an offer: backend.offers.access."""

from backend.offers.selectors.certificates import (
    POLICY_SUBJECT_BY_KIND,
    CertificateViolation,
    offer_certificate_violations,
)
from backend.offers.selectors.coverage import (
    COVERAGE_TOP,
    COVERAGE_TOP_MAX,
    CoverageSummary,
    CoveringOffer,
    KerntaakCoverage,
    WerkprocesCoverage,
    coverage_summary,
    coverage_werkproces,
    covering_challenges,
)
from backend.offers.selectors.curation import (
    curation_programmes,
    offer_mapping,
    offer_mappings,
    werkproces_to_map,
)
from backend.offers.selectors.status import (
    REJECTION_VISIBLE_DAYS,
    REVIEW_EXPECTED_DAYS,
    StatusSummary,
    offer_status_summary,
    offers_needing_company,
    offers_to_complete,
    offers_to_start,
    review_due,
)
from backend.offers.selectors.visibility import (
    REVIEW_QUEUE_STATUSES,
    company_contact_ids,
    offer_target_school_ids,
    offers_visible_to,
    review_queue_filtered,
    review_queue_for,
    school_staff_ids,
    submitted_to_schools,
)

__all__ = [
    "COVERAGE_TOP",
    "COVERAGE_TOP_MAX",
    "POLICY_SUBJECT_BY_KIND",
    "REJECTION_VISIBLE_DAYS",
    "REVIEW_EXPECTED_DAYS",
    "REVIEW_QUEUE_STATUSES",
    "CertificateViolation",
    "CoverageSummary",
    "CoveringOffer",
    "KerntaakCoverage",
    "StatusSummary",
    "WerkprocesCoverage",
    "company_contact_ids",
    "coverage_summary",
    "coverage_werkproces",
    "covering_challenges",
    "curation_programmes",
    "offer_certificate_violations",
    "offer_mapping",
    "offer_mappings",
    "offer_status_summary",
    "offer_target_school_ids",
    "offers_needing_company",
    "offers_to_complete",
    "offers_to_start",
    "offers_visible_to",
    "review_due",
    "review_queue_filtered",
    "review_queue_for",
    "school_staff_ids",
    "submitted_to_schools",
    "werkproces_to_map",
]
