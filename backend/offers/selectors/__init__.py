"""Reads for offers: visibility, review queue, status in words, coverage, certificate policy."""

from backend.offers.selectors.certificates import (
    POLICY_SUBJECT_BY_KIND,
    CertificateViolation,
    offer_certificate_violations,
)
from backend.offers.selectors.coverage import (
    CoverageReport,
    CoverageRow,
    CoveringOffer,
    coverage_for_kwalificatie,
)
from backend.offers.selectors.status import (
    REVIEW_EXPECTED_DAYS,
    StatusSummary,
    dashboard_items_for,
    offer_status_summary,
    offer_url,
)
from backend.offers.selectors.visibility import (
    REVIEW_ROLES,
    RUN_ROLES,
    company_contact_ids,
    offer_target_school_ids,
    offers_visible_to,
    review_queue_for,
    school_staff_ids,
    submitted_to_schools,
    user_is_offer_company,
    user_reviews_offer,
    user_runs_offer,
)

__all__ = [
    "POLICY_SUBJECT_BY_KIND",
    "REVIEW_EXPECTED_DAYS",
    "REVIEW_ROLES",
    "RUN_ROLES",
    "CertificateViolation",
    "CoverageReport",
    "CoverageRow",
    "CoveringOffer",
    "StatusSummary",
    "company_contact_ids",
    "coverage_for_kwalificatie",
    "dashboard_items_for",
    "offer_certificate_violations",
    "offer_status_summary",
    "offer_target_school_ids",
    "offer_url",
    "offers_visible_to",
    "review_queue_for",
    "school_staff_ids",
    "submitted_to_schools",
    "user_is_offer_company",
    "user_reviews_offer",
    "user_runs_offer",
]
