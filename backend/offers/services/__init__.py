"""Writes for offers: editing, the lifecycle (one service per transition) and curation."""

from backend.offers.services.curation import offer_map_werkproces, offer_unmap_werkproces
from backend.offers.services.editing import EDITABLE_FIELDS, offer_create, offer_update
from backend.offers.services.lifecycle import (
    RULES,
    offer_archive,
    offer_complete,
    offer_publish,
    offer_reject,
    offer_request_changes,
    offer_review_start,
    offer_start,
    offer_submit,
    offer_withdraw,
)

__all__ = [
    "EDITABLE_FIELDS",
    "RULES",
    "offer_archive",
    "offer_complete",
    "offer_create",
    "offer_map_werkproces",
    "offer_publish",
    "offer_reject",
    "offer_request_changes",
    "offer_review_start",
    "offer_start",
    "offer_submit",
    "offer_unmap_werkproces",
    "offer_update",
    "offer_withdraw",
]
