"""Writes for the agreements ledger (see docs/agreements.md)."""

from backend.agreements.services.collective import (
    Rotation,
    collective_member_add,
    consortium_agreement_create,
    umbrella_create,
    umbrella_generate_children,
)
from backend.agreements.services.commitments import (
    commitment_create,
    commitment_escalate_overdue,
    commitment_reassign,
    commitment_send_reminders,
    commitment_set_status,
)
from backend.agreements.services.continuity import agreements_move_to_successor, person_handover
from backend.agreements.services.creation import (
    CommitmentPlan,
    OfferAgreementDraft,
    agreement_create_from_offer,
    offer_agreement_draft,
    offer_agreement_preview,
)
from backend.agreements.services.ledger import pledge_create, realisation_record
from backend.agreements.services.lifecycle import (
    agreement_accept,
    agreement_change,
    agreement_propose,
    agreement_version_update,
)
from backend.agreements.services.log import log_event, verify_chain
from backend.agreements.services.transitions import (
    agreement_activate,
    agreement_break,
    agreement_cancel,
    agreement_expire,
    agreement_fulfil,
    agreement_set_participants,
    agreements_advance,
)

__all__ = [
    "CommitmentPlan",
    "OfferAgreementDraft",
    "Rotation",
    "agreement_accept",
    "agreement_activate",
    "agreement_break",
    "agreement_cancel",
    "agreement_change",
    "agreement_create_from_offer",
    "agreement_expire",
    "agreement_fulfil",
    "agreement_propose",
    "agreement_set_participants",
    "agreement_version_update",
    "agreements_advance",
    "agreements_move_to_successor",
    "collective_member_add",
    "commitment_create",
    "commitment_escalate_overdue",
    "commitment_reassign",
    "commitment_send_reminders",
    "commitment_set_status",
    "consortium_agreement_create",
    "log_event",
    "offer_agreement_draft",
    "offer_agreement_preview",
    "person_handover",
    "pledge_create",
    "realisation_record",
    "umbrella_create",
    "umbrella_generate_children",
    "verify_chain",
]
