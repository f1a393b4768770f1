"""Create agreements: from an offer in one step, and the shared helper for the other kinds."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.accounts.models import User
from backend.accounts.roles import COMPANY_ROLES
from backend.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementVersion,
    EventKind,
    PartyRole,
)
from backend.agreements.selectors.access import (
    agreement_school_ids,
    is_school_side,
    may_make_agreement_about,
    offer_is_known_to,
    offer_unavailable,
)
from backend.agreements.services.commitments import commitment_create_unchecked
from backend.agreements.services.common import build_version
from backend.agreements.services.log import log_event
from backend.agreements.services.rendering import template_for
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.offers.models import Offer, OfferKind
from backend.organisations.models import Organisation

# A party to a new agreement: the organisation, its role and its contact person (if known).
PartySpec = tuple[Organisation, str, User | None]
ENGAGEMENT_OFFER_KINDS = (
    OfferKind.CHALLENGE,
    OfferKind.GUEST_LESSON,
    OfferKind.MASTERCLASS,
    OfferKind.WORKSHOP,
    OfferKind.COMPANY_VISIT,
    OfferKind.INTERNSHIP,
    OfferKind.TEACHER_INTERNSHIP,
    OfferKind.OTHER_HELP,
)
DEFAULT_MENTORING_HOURS: dict[str, int] = {
    OfferKind.CHALLENGE: 8,
    OfferKind.INTERNSHIP: 16,
    OfferKind.GUEST_LESSON: 2,
    OfferKind.COMPANY_VISIT: 2,
}


def first_contact(organisation: Organisation) -> User | None:
    """The organisation's longest-serving contact person who has not left."""
    membership = (
        organisation.memberships.active()
        .filter(role__in=COMPANY_ROLES, user__left_at__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _offer_place(offer: Offer) -> str:
    # Without an address the clause names the kind of place in the reader's language.
    return str(offer.location) if offer.location_id else ""


def _offer_provides(offer: Offer) -> str:
    parts = [offer.description.strip()]
    if offer.expectations.strip():
        parts.append(offer.expectations.strip())
    if offer.kind == OfferKind.INTERNSHIP and offer.pok_reference:
        parts.append(
            _("De stage zelf loopt via praktijkovereenkomst %(ref)s.")
            % {"ref": offer.pok_reference}
        )
    return " ".join(parts)


def _default_commitments(
    *, agreement: Agreement, offer: Offer, school_owner: User, now: dt.datetime
) -> None:
    """The usual four commitments around an offer, each with one owner, never due in the past."""
    today = now.date()
    start = offer.starts_on or today + dt.timedelta(days=14)
    end = offer.ends_on or start
    school = agreement.parties.get(role=PartyRole.SCHOOL).organisation
    company = agreement.parties.get(role=PartyRole.COMPANY).organisation
    plan = [
        (
            school_owner,
            school,
            gettext_noop("Studenten voorbereiden en aan het bedrijf voorstellen"),
            start - dt.timedelta(days=7),
        ),
        (offer.contact, company, gettext_noop("Aftrap en briefing voor de studenten geven"), start),
        (
            offer.contact,
            company,
            gettext_noop("Feedback op het eindresultaat geven"),
            end + dt.timedelta(days=7),
        ),
        (
            school_owner,
            school,
            gettext_noop("Terugkoppeling aan het bedrijf over wat de studenten leerden"),
            end + dt.timedelta(days=14),
        ),
    ]
    for owner, organisation, title, due_on in plan:
        commitment_create_unchecked(
            agreement=agreement,
            owner=owner,
            organisation=organisation,
            title=_(title),
            due_on=max(due_on, today),
            actor=school_owner,
            now=now,
        )


@transaction.atomic
def agreement_create_from_offer(
    *, offer: Offer, school: Organisation, actor: User, now: dt.datetime
) -> Agreement:
    """One step from an offer to a draft short agreement: parties (the school and the offer's
    company, as it is today after takeovers), dates, place, what the company provides, mentoring
    hours, deliverables, the clauses of the current template rendered in Dutch and English as
    version 1, and default commitments with one owner each. Allowed for coordinators of `school`
    and company contacts of the offer's company, only with a school the offer was submitted to
    while it is published or running (`agreement_school_ids`). An offer the actor may not see
    is refused exactly like an id that does not exist (`offer_unavailable`)."""
    _check_offer_agreement(offer=offer, school=school, actor=actor)
    company = offer.owner.current()
    agreement = _offer_agreement(offer, actor=actor, now=now)
    school_contact = actor if is_school_side(actor, school) and not actor.is_staff else None
    AgreementParty.objects.create(
        agreement=agreement, organisation=school, role=PartyRole.SCHOOL, contact=school_contact
    )
    AgreementParty.objects.create(
        agreement=agreement,
        organisation=company,
        role=PartyRole.COMPANY,
        contact=offer.contact if offer.contact.left_at is None else first_contact(company),
    )
    log_created(agreement=agreement, actor=actor, now=now, payload={"offer": offer.pk})
    _default_commitments(
        agreement=agreement, offer=offer, school_owner=school_contact or actor, now=now
    )
    return agreement


def _offer_agreement(offer: Offer, *, actor: User, now: dt.datetime) -> Agreement:
    """The agreement's terms as the offer describes them, under the current template."""
    return Agreement.objects.create(
        kind=AgreementKind.ENGAGEMENT,
        title=offer.title,
        template=template_for(AgreementKind.ENGAGEMENT, on=now.date()),
        offer=offer,
        starts_on=offer.starts_on,
        ends_on=offer.ends_on,
        mentoring_hours=DEFAULT_MENTORING_HOURS.get(offer.kind, 4),
        place=_offer_place(offer),
        provides=_offer_provides(offer),
        deliverables=offer.deliverables,
        created_by=actor,
        status_changed_at=now,
    )


def _check_offer_agreement(*, offer: Offer, school: Organisation, actor: User) -> None:
    """Refuse an agreement about an offer the actor may not see or act on, with a school it was
    not submitted to, about a kind of offer without agreements, or a second open one."""
    if not offer_is_known_to(actor, offer):
        raise offer_unavailable(offer.pk)
    if not school.is_school:
        raise field_error("school", _("Kies een school als partij."))
    if not may_make_agreement_about(actor, offer, school):
        raise PermissionDenied(
            _("Alleen de coördinator van de school of het bedrijf maakt deze afspraak.")
        )
    if school.pk not in agreement_school_ids(actor, offer):
        raise field_error(
            "offer",
            _(
                "Over dit aanbod maakt u alleen een afspraak met een school waarbij het is "
                "ingediend, zolang het gepubliceerd is of loopt."
            ),
        )
    if offer.kind not in ENGAGEMENT_OFFER_KINDS:
        raise field_error("offer", _("Voor dit soort aanbod maken we geen afspraak."))
    if Agreement.objects.open().filter(offer=offer, parties__organisation=school).exists():
        raise Conflict(
            _("Er is al een lopende afspraak tussen %(school)s en %(company)s over '%(offer)s'.")
            % {"school": school.name, "company": offer.owner.current().name, "offer": offer.title}
        )


def create_agreement(
    *,
    kind: str,
    title: str,
    parties: Sequence[PartySpec],
    actor: User,
    now: dt.datetime,
    payload: dict[str, Any] | None = None,
    **fields: Any,
) -> Agreement:
    """Shared by umbrella, rotation and consortium agreements (callers check permissions)."""
    agreement = Agreement.objects.create(
        kind=kind,
        title=title,
        template=template_for(kind, on=now.date()),
        created_by=actor,
        status_changed_at=now,
        **fields,
    )
    for organisation, role, contact in parties:
        AgreementParty.objects.create(
            agreement=agreement, organisation=organisation, role=role, contact=contact
        )
    return agreement


def log_created(
    *, agreement: Agreement, actor: User, now: dt.datetime, payload: dict[str, Any] | None = None
) -> AgreementVersion:
    """Its first version, and the log entry saying who made it with which parties."""
    version = build_version(agreement=agreement, actor=actor, now=now)
    log_event(
        agreement=agreement,
        kind=EventKind.CREATED,
        actor=actor,
        at=now,
        payload={
            "version": version.number,
            "content_hash": version.content_hash,
            "parties": [p.organisation_id for p in agreement.parties.all()],
            **(payload or {}),
        },
    )
    return version
