"""The agreements ledger: templates and clauses, agreements with versions and acceptances,
commitments, the hash-chained log, collectives and the co-financing ledger."""

from backend.agreements.models.agreements import (
    Acceptance,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    PartyRole,
    VersionLocked,
)
from backend.agreements.models.commitments import Commitment, CommitmentStatus, CommitmentUpdate
from backend.agreements.models.ledger import (
    CollectiveMember,
    Pledge,
    PledgeKind,
    Realisation,
)
from backend.agreements.models.log import (
    AgreementEvent,
    AgreementLogHead,
    EventKind,
    LogIsAppendOnly,
)
from backend.agreements.models.templates import AgreementTemplate, Clause, ClauseCategory

__all__ = [
    "Acceptance",
    "Agreement",
    "AgreementEvent",
    "AgreementKind",
    "AgreementLogHead",
    "AgreementParty",
    "AgreementStatus",
    "AgreementTemplate",
    "AgreementVersion",
    "Clause",
    "ClauseCategory",
    "CollectiveMember",
    "Commitment",
    "CommitmentStatus",
    "CommitmentUpdate",
    "EventKind",
    "LogIsAppendOnly",
    "PartyRole",
    "Pledge",
    "PledgeKind",
    "Realisation",
    "VersionLocked",
]
