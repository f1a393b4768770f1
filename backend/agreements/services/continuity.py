"""Continuity: when a person leaves, their open work moves to a named successor; when a company
is taken over, its agreements move to the successor and signatories who left re-confirm."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.accounts.models import Membership, User
from backend.accounts.selectors import organisation_ids_for
from backend.agreements.models import Agreement, AgreementParty, Commitment, EventKind
from backend.agreements.models.agreements import OPEN_STATUSES, RUNNING_STATUSES
from backend.agreements.models.commitments import PENDING_STATUSES
from backend.agreements.selectors.access import require_handover_right, require_takeover_right
from backend.agreements.services.commitments import commitment_reassign
from backend.agreements.services.common import CATEGORY, notify_people
from backend.agreements.services.creation import first_contact
from backend.agreements.services.log import log_event
from backend.core.errors import ApplicationError, field_error
from backend.core.links import PageLink
from backend.notifications.services import notify
from backend.offers.models import FINAL_STATUSES, Offer
from backend.organisations.models import Organisation


def _signatory_left(person: User, organisation_ids: set[int]) -> bool:
    if person.left_at is not None:
        return True
    return (
        not Membership.objects.active()
        .filter(user=person, organisation_id__in=organisation_ids)
        .exists()
    )


def _flag_for_reconfirmation(
    *,
    party: AgreementParty,
    reason: str,
    signatories: list[User],
    actor: User,
    now: dt.datetime,
) -> None:
    AgreementParty.objects.filter(pk=party.pk).update(
        needs_reconfirmation=True, reconfirmation_reason=reason, updated_at=now
    )
    # The log names the signatories who left by user id only, never by name: the reason text
    # (with their names) stays on the party row, which erasure can pseudonymise; a name in the
    # hash-chained log could not be removed without breaking the chain.
    log_event(
        agreement=party.agreement,
        kind=EventKind.RECONFIRMATION,
        actor=actor,
        at=now,
        payload={
            "organisation": party.organisation_id,
            "signatories_left": sorted(p.pk for p in signatories),
        },
    )


# --- A person leaves ---------------------------------------------------------------------------


@transaction.atomic
def person_handover(
    *, leaving_user: User, new_owner: User, actor: User, now: dt.datetime
) -> dict[str, int]:
    """Hand over everything a leaving person holds: their open and overdue commitments, the
    offers they are contact for and the agreements where they are a party's contact. Each
    affected agreement logs the handover; the new owner gets one notification. Where the
    leaving person signed the current version of a running agreement, their party is flagged
    to re-confirm. Allowed for Koppel staff and coordinators/admins of a school, or company
    contacts of a company, where both people work."""
    _check_handover(leaving_user=leaving_user, new_owner=new_owner, actor=actor)
    commitments = _hand_over_commitments(
        leaving_user=leaving_user, new_owner=new_owner, actor=actor, now=now
    )
    parties = _hand_over_contacts(leaving_user=leaving_user, new_owner=new_owner, now=now)
    offer_ids = _hand_over_offers(leaving_user=leaving_user, new_owner=new_owner, now=now)
    touched = {c.agreement_id: c.agreement for c in commitments} | {
        p.agreement_id: p.agreement for p in parties
    }
    for agreement in touched.values():
        _log_handover(
            agreement,
            commitments=[c for c in commitments if c.agreement_id == agreement.pk],
            parties=[p for p in parties if p.agreement_id == agreement.pk],
            leaving_user=leaving_user,
            new_owner=new_owner,
            actor=actor,
            now=now,
        )
    _flag_where_signed(leaving_user=leaving_user, actor=actor, now=now)
    counts = {
        "commitments": len(commitments),
        "contacts": len(parties),
        "offers": len(offer_ids),
        "agreements": len(touched),
    }
    _tell_new_owner(leaving_user=leaving_user, new_owner=new_owner, counts=counts, now=now)
    return counts


def _check_handover(*, leaving_user: User, new_owner: User, actor: User) -> None:
    """Refuse a handover to oneself, across organisations, to someone who left, or by an actor
    who does not act for the organisation both people share."""
    if leaving_user.pk == new_owner.pk:
        raise field_error("new_owner", _("Kies iemand anders dan de vertrekkende persoon."))
    leaving_orgs = set(
        Membership.objects.filter(user=leaving_user).values_list("organisation_id", flat=True)
    )
    # Both people may be anyone the client named: refuse an actor from elsewhere before any
    # message names either of them.
    require_handover_right(actor, leaving_orgs)
    shared = leaving_orgs & organisation_ids_for(new_owner)
    if not shared:
        raise field_error(
            "new_owner",
            _(
                "De nieuwe eigenaar werkt niet bij dezelfde organisatie als de vertrekkende persoon."
            ),
        )
    require_handover_right(actor, shared)
    if new_owner.left_at is not None:
        raise field_error("new_owner", _("%(name)s is zelf vertrokken.") % {"name": new_owner})


def _hand_over_commitments(
    *, leaving_user: User, new_owner: User, actor: User, now: dt.datetime
) -> list[Commitment]:
    """The leaving person's open and overdue commitments, now the new owner's (with a note)."""
    note = _("Overgedragen van %(old)s aan %(new)s.") % {"old": leaving_user, "new": new_owner}
    commitments = list(
        Commitment.objects.filter(owner=leaving_user, status__in=PENDING_STATUSES).select_related(
            "agreement"
        )
    )
    for commitment in commitments:
        commitment_reassign(
            commitment=commitment, new_owner=new_owner, actor=actor, note=note, now=now
        )
    return commitments


def _hand_over_contacts(
    *, leaving_user: User, new_owner: User, now: dt.datetime
) -> list[AgreementParty]:
    """The open agreements' parties the leaving person was contact for, now the new owner's."""
    parties = list(
        AgreementParty.objects.filter(
            contact=leaving_user, agreement__status__in=OPEN_STATUSES
        ).select_related("agreement")
    )
    AgreementParty.objects.filter(pk__in=[p.pk for p in parties]).update(
        contact=new_owner, updated_at=now
    )
    return parties


def _hand_over_offers(*, leaving_user: User, new_owner: User, now: dt.datetime) -> list[int]:
    """The unfinished offers the leaving person was contact for, now the new owner's."""
    offers = Offer.objects.filter(contact=leaving_user).exclude(status__in=FINAL_STATUSES)
    offer_ids = list(offers.values_list("pk", flat=True))
    Offer.objects.filter(pk__in=offer_ids).update(contact=new_owner, updated_at=now)
    return offer_ids


def _log_handover(
    agreement: Agreement,
    *,
    commitments: list[Commitment],
    parties: list[AgreementParty],
    leaving_user: User,
    new_owner: User,
    actor: User,
    now: dt.datetime,
) -> None:
    log_event(
        agreement=agreement,
        kind=EventKind.HANDED_OVER,
        actor=actor,
        at=now,
        payload={
            "from": leaving_user.pk,
            "to": new_owner.pk,
            "commitments": sorted(c.pk for c in commitments),
            "contact_of": sorted(p.organisation_id for p in parties),
        },
    )


def _flag_where_signed(*, leaving_user: User, actor: User, now: dt.datetime) -> None:
    """Running agreements whose current version the leaving person signed: re-confirm."""
    signed = (
        AgreementParty.objects.filter(
            agreement__status__in=RUNNING_STATUSES,
            acceptances__person=leaving_user,
            needs_reconfirmation=False,
        )
        .select_related("agreement")
        .distinct()
    )
    for party in signed:
        if party.acceptances.filter(
            person=leaving_user, version=party.agreement.current_version()
        ).exists():
            _flag_for_reconfirmation(
                party=party,
                actor=actor,
                now=now,
                reason=_("Ondertekenaar %(name)s is vertrokken.") % {"name": leaving_user},
                signatories=[leaving_user],
            )


def _tell_new_owner(
    *, leaving_user: User, new_owner: User, counts: dict[str, int], now: dt.datetime
) -> None:
    notify(
        recipient=new_owner,
        category=CATEGORY,
        title=lambda: _("Je hebt het werk van %(old)s overgenomen") % {"old": leaving_user},
        body=lambda: (
            _("%(c)s toezegging(en), %(a)s afspraak/afspraken als contactpersoon en %(o)s aanbod.")
            % {"c": counts["commitments"], "a": counts["contacts"], "o": counts["offers"]}
        ),
        link=PageLink("agreement-list"),
        dedupe_key=f"handover-{leaving_user.pk}-{new_owner.pk}-{now.isoformat()}",
        now=now,
    )


# --- A company is taken over -------------------------------------------------------------------


@transaction.atomic
def agreements_move_to_successor(
    *, organisation: Organisation, actor: User, now: dt.datetime
) -> list[Agreement]:
    """After a takeover (`organisation.succeeded_by` set, see organisations.organisation_succeed)
    move the organisation's open agreements and pending commitments to the successor, keeping
    the old organisation on the party as a record. A party whose signatory of the current version
    has left (left_at set or no active membership at the old or new organisation) is flagged:
    the agreement "needs re-confirmation" and the successor's contact must re-accept."""
    organisation = Organisation.objects.select_related("succeeded_by").get(pk=organisation.pk)
    if organisation.succeeded_by is None:
        raise ApplicationError(
            _("%(name)s is niet overgenomen; leg eerst de overname vast.")
            % {"name": organisation.name}
        )
    successor = organisation.succeeded_by.current()
    require_takeover_right(actor, organisation, successor)
    new_contact = first_contact(successor)
    parties = AgreementParty.objects.filter(
        organisation=organisation, agreement__status__in=OPEN_STATUSES
    ).select_related("agreement", "contact")
    return [
        _move_party(
            party,
            organisation=organisation,
            successor=successor,
            new_contact=new_contact,
            actor=actor,
            now=now,
        )
        for party in parties
    ]


def _move_party(
    party: AgreementParty,
    *,
    organisation: Organisation,
    successor: Organisation,
    new_contact: User | None,
    actor: User,
    now: dt.datetime,
) -> Agreement:
    """Make the successor the party (its contact: the old one if still there, else the
    successor's first contact), move the pending commitments and log the move."""
    agreement = party.agreement
    if agreement.parties.filter(organisation=successor).exists():
        raise ApplicationError(
            _("%(successor)s is al partij bij '%(title)s'; voeg de partijen eerst samen.")
            % {"successor": successor.name, "title": agreement.title}
        )
    contact = party.contact
    if contact is None or _signatory_left(contact, {organisation.pk, successor.pk}):
        contact = new_contact
    _hand_party_over(
        party, organisation=organisation, successor=successor, contact=contact, now=now
    )
    log_event(
        agreement=agreement,
        kind=EventKind.MOVED,
        actor=actor,
        at=now,
        payload={
            "from": organisation.pk,
            "to": successor.pk,
            "contact": contact.pk if contact else None,
        },
    )
    party.refresh_from_db()
    _reconfirm_if_signatories_left(
        party, organisation=organisation, successor=successor, contact=contact, actor=actor, now=now
    )
    return agreement


def _hand_party_over(
    party: AgreementParty,
    *,
    organisation: Organisation,
    successor: Organisation,
    contact: User | None,
    now: dt.datetime,
) -> None:
    """The successor takes the party's place (the old organisation stays on record) and the
    old organisation's pending commitments."""
    AgreementParty.objects.filter(pk=party.pk).update(
        organisation=successor,
        previous_organisation=organisation,
        contact=contact,
        updated_at=now,
    )
    Commitment.objects.filter(
        agreement_id=party.agreement_id, organisation=organisation, status__in=PENDING_STATUSES
    ).update(organisation=successor)


def _reconfirm_if_signatories_left(
    party: AgreementParty,
    *,
    organisation: Organisation,
    successor: Organisation,
    contact: User | None,
    actor: User,
    now: dt.datetime,
) -> None:
    """When someone who signed the current version for the old organisation has left, the
    successor's contact must accept it again."""
    agreement = party.agreement
    acceptances = agreement.current_version().acceptances.filter(organisation=organisation)
    signatories = [a.person for a in acceptances.select_related("person")]
    left = [p for p in signatories if _signatory_left(p, {organisation.pk, successor.pk})]
    if not left:
        return
    _flag_for_reconfirmation(
        party=party,
        actor=actor,
        now=now,
        reason=_("Overgenomen door %(successor)s; ondertekenaar %(names)s is vertrokken.")
        % {"successor": successor.name, "names": ", ".join(str(p) for p in left)},
        signatories=left,
    )
    notify_people(
        people=[contact],
        agreement=agreement,
        now=now,
        title=gettext_noop("Afspraak '%(title)s' is overgegaan naar jullie: bevestig hem opnieuw"),
        key=f"agreement-{agreement.pk}-reconfirm-{successor.pk}",
    )
