"""Continuity: when a person leaves, their open work moves to a named successor; when a company
is taken over, its agreements move to the successor and signatories who left re-confirm."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.accounts.models import Membership, User
from backend.accounts.selectors import organisation_ids_for
from backend.agreements.models import Agreement, AgreementParty, Commitment, EventKind
from backend.agreements.models.commitments import PENDING_STATUSES
from backend.agreements.selectors.access import acting_organisation_ids
from backend.agreements.services.commitments import commitment_reassign
from backend.agreements.services.common import OPEN, notify_people
from backend.agreements.services.log import log_event
from backend.core.errors import ApplicationError, PermissionDenied, field_error
from backend.notifications.services import notify
from backend.offers.models import Offer, OfferStatus
from backend.organisations.models import Organisation

FINISHED_OFFER_STATUSES = (
    OfferStatus.COMPLETED,
    OfferStatus.ARCHIVED,
    OfferStatus.WITHDRAWN,
    OfferStatus.REJECTED,
)


def _signatory_left(person: User, organisation_ids: set[int]) -> bool:
    if person.left_at is not None:
        return True
    return (
        not Membership.objects.active()
        .filter(user=person, organisation_id__in=organisation_ids)
        .exists()
    )


def _flag_for_reconfirmation(*, party: AgreementParty, reason: str, actor, now) -> None:
    AgreementParty.objects.filter(pk=party.pk).update(
        needs_reconfirmation=True, reconfirmation_reason=reason, updated_at=now
    )
    log_event(
        agreement=party.agreement,
        kind=EventKind.RECONFIRMATION,
        actor=actor,
        at=now,
        payload={"organisation": party.organisation_id, "reason": reason},
    )


def _handover_refused() -> PermissionDenied:
    return PermissionDenied(
        _("Alleen een coördinator of contactpersoon van dezelfde organisatie kan werk overdragen.")
    )


@transaction.atomic
def person_handover(*, leaving_user: User, new_owner: User, actor: User, now) -> dict[str, int]:
    """Hand over everything a leaving person holds: their open and overdue commitments, the
    offers they are contact for and the agreements where they are a party's contact. Each
    affected agreement logs the handover; the new owner gets one notification. Where the
    leaving person signed the current version of a running agreement, their party is flagged
    to re-confirm. Allowed for Koppel staff and coordinators/admins of a school, or company
    contacts of a company, where both people work."""
    if leaving_user.pk == new_owner.pk:
        raise field_error("new_owner", _("Kies iemand anders dan de vertrekkende persoon."))
    leaving_orgs = set(
        Membership.objects.filter(user=leaving_user).values_list("organisation_id", flat=True)
    )
    # Both people may be anyone the client named: refuse an actor from elsewhere before any
    # message names either of them.
    if not (actor.is_staff or (leaving_orgs & acting_organisation_ids(actor))):
        raise _handover_refused()
    shared = leaving_orgs & organisation_ids_for(new_owner)
    if not shared:
        raise field_error(
            "new_owner",
            _(
                "De nieuwe eigenaar werkt niet bij dezelfde organisatie als de vertrekkende persoon."
            ),
        )
    if not (actor.is_staff or (shared & acting_organisation_ids(actor))):
        raise _handover_refused()
    if new_owner.left_at is not None:
        raise field_error("new_owner", _("%(name)s is zelf vertrokken.") % {"name": new_owner})

    note = _("Overgedragen van %(old)s aan %(new)s.") % {"old": leaving_user, "new": new_owner}
    touched: dict[int, Agreement] = {}
    commitments = list(
        Commitment.objects.filter(owner=leaving_user, status__in=PENDING_STATUSES).select_related(
            "agreement"
        )
    )
    for commitment in commitments:
        commitment_reassign(
            commitment=commitment, new_owner=new_owner, actor=actor, note=note, now=now
        )
        touched[commitment.agreement_id] = commitment.agreement
    parties = list(
        AgreementParty.objects.filter(
            contact=leaving_user, agreement__status__in=OPEN
        ).select_related("agreement")
    )
    AgreementParty.objects.filter(pk__in=[p.pk for p in parties]).update(
        contact=new_owner, updated_at=now
    )
    for party in parties:
        touched[party.agreement_id] = party.agreement
    offers = Offer.objects.filter(contact=leaving_user).exclude(status__in=FINISHED_OFFER_STATUSES)
    offer_ids = list(offers.values_list("pk", flat=True))
    Offer.objects.filter(pk__in=offer_ids).update(contact=new_owner, updated_at=now)

    for agreement in touched.values():
        log_event(
            agreement=agreement,
            kind=EventKind.HANDED_OVER,
            actor=actor,
            at=now,
            payload={
                "from": leaving_user.pk,
                "to": new_owner.pk,
                "commitments": sorted(c.pk for c in commitments if c.agreement_id == agreement.pk),
                "contact_of": sorted(
                    p.organisation_id for p in parties if p.agreement_id == agreement.pk
                ),
            },
        )
    signed = (
        AgreementParty.objects.filter(
            agreement__status__in=OPEN[2:],
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
            )
    counts = {
        "commitments": len(commitments),
        "contacts": len(parties),
        "offers": len(offer_ids),
        "agreements": len(touched),
    }
    from django.utils import translation

    with translation.override(new_owner.preferred_language):
        notify(
            recipient=new_owner,
            category="agreements",
            title=_("Je hebt het werk van %(old)s overgenomen") % {"old": leaving_user},
            body=_(
                "%(c)s toezegging(en), %(a)s afspraak/afspraken als contactpersoon en %(o)s aanbod."
            )
            % {"c": counts["commitments"], "a": counts["contacts"], "o": counts["offers"]},
            url=reverse("frontend:agreement-list"),
            dedupe_key=f"handover-{leaving_user.pk}-{new_owner.pk}-{now.isoformat()}",
            now=now,
        )
    return counts


@transaction.atomic
def agreements_move_to_successor(
    *, organisation: Organisation, actor: User, now
) -> list[Agreement]:
    """After a takeover (`organisation.succeeded_by` set, see organisations.organisation_succeed)
    move the organisation's open agreements and pending commitments to the successor, keeping
    the old organisation on the party as a record. A party whose signatory of the current version
    has left (left_at set or no active membership at the old or new organisation) is flagged:
    the agreement "needs re-confirmation" and the successor's contact must re-accept."""
    organisation = Organisation.objects.select_related("succeeded_by").get(pk=organisation.pk)
    successor = organisation.succeeded_by
    if successor is None:
        raise ApplicationError(
            _("%(name)s is niet overgenomen; leg eerst de overname vast.")
            % {"name": organisation.name}
        )
    successor = successor.current()
    mine = acting_organisation_ids(actor)
    if not (actor.is_staff or organisation.pk in mine or successor.pk in mine):
        raise PermissionDenied(
            _("Alleen Koppel-beheer of een contactpersoon van %(name)s kan dit doen.")
            % {"name": successor.name}
        )
    from backend.agreements.services.creation import first_contact

    new_contact = first_contact(successor)
    moved = []
    parties = AgreementParty.objects.filter(
        organisation=organisation, agreement__status__in=OPEN
    ).select_related("agreement", "contact")
    for party in parties:
        agreement = party.agreement
        if agreement.parties.filter(organisation=successor).exists():
            raise ApplicationError(
                _("%(successor)s is al partij bij '%(title)s'; voeg de partijen eerst samen.")
                % {"successor": successor.name, "title": agreement.title}
            )
        contact = party.contact
        if contact is None or _signatory_left(contact, {organisation.pk, successor.pk}):
            contact = new_contact
        AgreementParty.objects.filter(pk=party.pk).update(
            organisation=successor,
            previous_organisation=organisation,
            contact=contact,
            updated_at=now,
        )
        Commitment.objects.filter(
            agreement=agreement, organisation=organisation, status__in=PENDING_STATUSES
        ).update(organisation=successor)
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
        version = agreement.current_version()
        signatories = [
            a.person
            for a in version.acceptances.filter(organisation=organisation).select_related("person")
        ]
        left = [p for p in signatories if _signatory_left(p, {organisation.pk, successor.pk})]
        if left:
            _flag_for_reconfirmation(
                party=party,
                actor=actor,
                now=now,
                reason=_("Overgenomen door %(successor)s; ondertekenaar %(names)s is vertrokken.")
                % {"successor": successor.name, "names": ", ".join(str(p) for p in left)},
            )
            notify_people(
                people=[contact],
                agreement=agreement,
                now=now,
                title=gettext_noop(
                    "Afspraak '%(title)s' is overgegaan naar jullie: bevestig hem opnieuw"
                ),
                key=f"agreement-{agreement.pk}-reconfirm-{successor.pk}",
            )
        moved.append(agreement)
    return moved
