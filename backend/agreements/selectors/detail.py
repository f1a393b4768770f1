"""An agreement as its readers see it: the plain data that the API answers and the pages show.

Built from the prefetched `agreement_detail`, so a whole agreement costs a fixed handful of
queries. Nothing here decides who may read it (selectors.access and the callers do)."""

from typing import Any

from django.utils import timezone

from backend.accounts.models import User
from backend.agreements.models import Agreement, AgreementParty, AgreementVersion, Commitment
from backend.agreements.selectors import parties_still_to_accept
from backend.agreements.selectors.access import AgreementRights, can_see_acceptance_audit

READING_LANGUAGES = ("nl", "en")


def reading_language(requested: str | None, reader: object) -> str:
    """The language an agreement is read in: the one asked for (`?lang=`), else the reader's
    own, else Dutch. Agreements exist in Dutch and English only."""
    if requested is not None and requested in READING_LANGUAGES:
        return requested
    preferred = str(getattr(reader, "preferred_language", "nl"))
    return preferred if preferred in READING_LANGUAGES else "nl"


def party_data(party: AgreementParty) -> dict[str, Any]:
    return {
        "organisation": {"id": party.organisation_id, "name": party.organisation.name},
        "role": party.role,
        "contact": str(party.contact) if party.contact_id else None,
        "previous_organisation": party.previous_organisation.name
        if party.previous_organisation is not None
        else None,
        "needs_reconfirmation": party.needs_reconfirmation,
        "reconfirmation_reason": party.reconfirmation_reason,
    }


def summary_data(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "kind": agreement.kind,
        "title": agreement.title,
        "status": agreement.status,
        "status_display": agreement.get_status_display(),
        "status_reason": agreement.status_reason,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "parties": [
            {
                "organisation": p.organisation.name,
                "role": p.role,
                "needs_reconfirmation": p.needs_reconfirmation,
            }
            for p in agreement.parties.all()
        ],
    }


def version_data(
    version: AgreementVersion, language: str, *, with_audit: bool = False
) -> dict[str, Any]:
    """One version as the API shows it; `with_audit` adds each acceptance's IP address and
    browser (access.can_see_acceptance_audit says who may see them)."""
    return {
        "number": version.number,
        "content_hash": version.content_hash,
        "created_at": version.created_at,
        "created_by": str(version.created_by),
        "change_note": version.change_note,
        "locked": bool(version.acceptances.all()),
        "terms": version.terms,
        "clauses": version.clauses_in(language),
        "acceptances": [
            {
                "organisation": a.organisation.name,
                "person": str(a.person),
                "role": a.role,
                "accepted_at": a.accepted_at,
                **({"ip_address": a.ip_address, "user_agent": a.user_agent} if with_audit else {}),
            }
            for a in version.acceptances.all()
        ],
    }


def commitment_data(commitment: Commitment, *, can_update: bool | None = None) -> dict[str, Any]:
    data = {
        "id": commitment.pk,
        "agreement": commitment.agreement_id,
        "title": commitment.title,
        "description": commitment.description,
        "owner": {"id": commitment.owner_id, "name": str(commitment.owner)},
        "organisation": {"id": commitment.organisation_id, "name": commitment.organisation.name},
        "due_on": commitment.due_on,
        "status": commitment.status,
        "status_display": commitment.get_status_display(),
        "done_at": commitment.done_at,
    }
    if can_update is not None:
        data["can_update"] = can_update
    return data


def _offer_data(agreement: Agreement) -> dict[str, Any] | None:
    if agreement.offer is None:
        return None
    return {
        "id": agreement.offer_id,
        "title": agreement.offer.title,
        "pok_reference": agreement.offer.pok_reference,
    }


def _versions_data(versions: list[AgreementVersion]) -> list[dict[str, Any]]:
    return [
        {
            "number": v.number,
            "content_hash": v.content_hash,
            "created_at": v.created_at,
            "locked": bool(v.acceptances.all()),
        }
        for v in versions
    ]


def detail_data(agreement: Agreement, user: User, language: str) -> dict[str, Any]:
    """Everything about one agreement for `user`, with what they may do on it."""
    versions = list(agreement.versions.all())
    current = versions[-1]
    rights = AgreementRights(user, agreement)
    party = rights.party
    waiting = {p.organisation_id for p in parties_still_to_accept(agreement, current)}
    return {
        **summary_data(agreement),
        "language": language,
        "mentoring_hours": agreement.mentoring_hours,
        "place": agreement.place,
        "provides": agreement.provides,
        "deliverables": agreement.deliverables,
        "offer": _offer_data(agreement),
        "parent": agreement.parent_id,
        "consortium": agreement.consortium.name if agreement.consortium is not None else None,
        "parties": [
            {**party_data(p), "accepted_current_version": p.organisation_id not in waiting}
            for p in agreement.parties.all()
        ],
        # Privacy: companies see first names only.
        "participants": sorted(s.first_name for s in agreement.participants.all()),
        "current_version": version_data(
            current, language, with_audit=can_see_acceptance_audit(user, agreement)
        ),
        "versions": _versions_data(versions),
        "commitments": [
            commitment_data(c, can_update=c.is_pending and rights.may_update_commitment(c))
            for c in agreement.commitments.all()
        ],
        "can_accept": party is not None and party.organisation_id in waiting,
        "can_manage": rights.may_manage,
        "is_school_coordinator": rights.is_school_coordinator,
        "generated_at": timezone.now(),
    }
