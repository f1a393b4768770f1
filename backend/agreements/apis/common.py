"""Output shapes shared by the agreement API views and the pages."""

import re

from django.utils import timezone

from backend.agreements.models import Agreement, AgreementVersion, Commitment
from backend.agreements.selectors import acting_party, agreement_detail
from backend.agreements.selectors.access import is_school_coordinator_for
from backend.agreements.services.lifecycle import parties_still_to_accept
from backend.agreements.services.rendering import clauses_in
from backend.core.errors import NotFound


def visible_agreement_or_404(user, pk: int) -> Agreement:
    agreement = agreement_detail(user, pk)
    if agreement is None:
        # Outsiders learn nothing, not even that the agreement exists.
        raise NotFound("Afspraak niet gevonden.")
    return agreement


def reader_language(request) -> str:
    language = (
        request.query_params.get("lang")
        if hasattr(request, "query_params")
        else request.GET.get("lang")
    )
    if language in ("nl", "en"):
        return language
    user_language = getattr(request.user, "preferred_language", "nl")
    return user_language if user_language in ("nl", "en") else "nl"


def party_data(party) -> dict:
    return {
        "organisation": {"id": party.organisation_id, "name": party.organisation.name},
        "role": party.role,
        "contact": str(party.contact) if party.contact_id else None,
        "previous_organisation": party.previous_organisation.name
        if party.previous_organisation_id
        else None,
        "needs_reconfirmation": party.needs_reconfirmation,
        "reconfirmation_reason": party.reconfirmation_reason,
    }


def summary_data(agreement: Agreement) -> dict:
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


def version_data(version: AgreementVersion, language: str) -> dict:
    return {
        "number": version.number,
        "content_hash": version.content_hash,
        "created_at": version.created_at,
        "created_by": str(version.created_by),
        "change_note": version.change_note,
        "locked": bool(version.acceptances.all()),
        "terms": version.terms,
        "clauses": clauses_in(version, language),
        "acceptances": [
            {
                "organisation": a.organisation.name,
                "person": str(a.person),
                "role": a.role,
                "accepted_at": a.accepted_at,
                "ip_address": a.ip_address,
                "user_agent": a.user_agent,
            }
            for a in version.acceptances.all()
        ],
    }


def commitment_data(commitment: Commitment, *, can_update: bool | None = None) -> dict:
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


def detail_data(agreement: Agreement, user, language: str) -> dict:
    versions = list(agreement.versions.all())
    current = versions[-1]
    party = acting_party(user, agreement)
    waiting = {p.organisation_id for p in parties_still_to_accept(agreement, current)}
    coordinator = is_school_coordinator_for(user, agreement)

    def can_update(commitment: Commitment) -> bool:
        if commitment.status not in ("open", "overdue"):
            return False
        return (
            coordinator
            or commitment.owner_id == user.pk
            or (party is not None and party.organisation_id == commitment.organisation_id)
        )

    return {
        **summary_data(agreement),
        "language": language,
        "mentoring_hours": agreement.mentoring_hours,
        "place": agreement.place,
        "provides": agreement.provides,
        "deliverables": agreement.deliverables,
        "offer": {
            "id": agreement.offer_id,
            "title": agreement.offer.title,
            "pok_reference": agreement.offer.pok_reference,
        }
        if agreement.offer_id
        else None,
        "parent": agreement.parent_id,
        "consortium": agreement.consortium.name if agreement.consortium_id else None,
        "parties": [
            {**party_data(p), "accepted_current_version": p.organisation_id not in waiting}
            for p in agreement.parties.all()
        ],
        # Privacy: companies see first names only.
        "participants": sorted(s.first_name for s in agreement.participants.all()),
        "current_version": version_data(current, language),
        "versions": [
            {
                "number": v.number,
                "content_hash": v.content_hash,
                "created_at": v.created_at,
                "locked": bool(v.acceptances.all()),
            }
            for v in versions
        ],
        "commitments": [
            commitment_data(c, can_update=can_update(c)) for c in agreement.commitments.all()
        ],
        "can_accept": party is not None and party.organisation_id in waiting,
        "can_manage": party is not None or user.is_staff,
        "is_school_coordinator": coordinator,
        "generated_at": timezone.now(),
    }


def document_views(namespace: dict) -> None:
    """Give drf-spectacular the request serializer and a JSON-object (or CSV) response for every
    APIView defined in an API module; call at the bottom of the module with `globals()`."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import extend_schema, extend_schema_view
    from rest_framework.views import APIView

    for obj in list(namespace.values()):
        if not (
            isinstance(obj, type)
            and issubclass(obj, APIView)
            and obj.__module__ == namespace["__name__"]
        ):
            continue
        request = getattr(obj, "InputSerializer", None)
        if request is not None:
            # Every view's nested serializer is called InputSerializer; give each its own name.
            request = type(f"{obj.__name__.removesuffix('Api')}InputSerializer", (request,), {})
        if getattr(obj, "needs_reason", False):
            request = obj.ReasonSerializer
        if obj.__name__ == "AgreementChangeApi" or obj.__name__ == "AgreementVersionDetailApi":
            request = namespace.get("TermsSerializer")
        response = OpenApiTypes.STR if "Csv" in obj.__name__ else OpenApiTypes.OBJECT
        methods = {
            method: extend_schema(
                operation_id=f"agreements_{re.sub(r'(?<!^)(?=[A-Z])', '_', obj.__name__.removesuffix('Api')).lower()}_{method}",
                request=None if method == "get" else request,
                responses=response,
            )
            for method in ("get", "post", "patch")
            if hasattr(obj, method)
        }
        extend_schema_view(**methods)(obj)
