"""Create agreements: from an offer (drafted, previewed, then created), and the shared helper
for the other kinds."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
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
    commitment_owner_ids,
    is_school_side,
    may_make_agreement_about,
    offer_is_known_to,
    offer_unavailable,
)
from backend.agreements.services.commitments import commitment_create_unchecked
from backend.agreements.services.common import build_version
from backend.agreements.services.log import log_event
from backend.agreements.services.rendering import render_clauses, template_for
from backend.agreements.services.sending import require_sendable
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
# What the company offers, by kind of offer, as the first item of "{company} biedt: …".
OFFER_KIND_PHRASES: dict[str, str] = {
    OfferKind.CHALLENGE: gettext_noop("een praktijkopdracht: “%(title)s”"),
    OfferKind.GUEST_LESSON: gettext_noop("een gastles: “%(title)s”"),
    OfferKind.MASTERCLASS: gettext_noop("een masterclass: “%(title)s”"),
    OfferKind.WORKSHOP: gettext_noop("een workshop: “%(title)s”"),
    OfferKind.COMPANY_VISIT: gettext_noop("een bedrijfsbezoek: “%(title)s”"),
    OfferKind.INTERNSHIP: gettext_noop("een stageplaats: “%(title)s”"),
    OfferKind.TEACHER_INTERNSHIP: gettext_noop("een docentenstage: “%(title)s”"),
    OfferKind.OTHER_HELP: gettext_noop("hulp bij “%(title)s”"),
}


@dataclass(frozen=True)
class CommitmentPlan:
    """One commitment in a draft: what, who (one person) for which party, by when."""

    title: str
    owner: User
    organisation: Organisation
    due_on: dt.date


@dataclass(frozen=True)
class OfferAgreementDraft:
    """The terms of an agreement about an offer before it exists: prefilled from the offer by
    `offer_agreement_draft`, changed by the person drafting it, previewed, then created.
    `mentoring_hours` is None until someone fills it in (the offer states no hours)."""

    title: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    mentoring_hours: int | None
    place: str
    provides: str
    deliverables: str
    commitments: tuple[CommitmentPlan, ...] = field(default=())


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


def _offer_contact(offer: Offer) -> User | None:
    """The company's contact for this offer: the offer's own, or the first one still there."""
    if offer.contact.left_at is None:
        return offer.contact
    return first_contact(offer.owner.current())


def _join(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return _("%(first)s en %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _offer_provides(offer: Offer) -> str:
    """What the company offers, written as the end of "{company} biedt: …": the offer itself,
    the person who guides the students and the place. Never the company's problem statement."""
    phrase = OFFER_KIND_PHRASES.get(offer.kind, OFFER_KIND_PHRASES[OfferKind.OTHER_HELP])
    parts = [_(phrase) % {"title": offer.title}]
    contact = _offer_contact(offer)
    if contact is not None:
        parts.append(
            _("een vaste contactpersoon (%(name)s) die de studenten begeleidt")
            % {"name": contact.get_full_name() or str(contact)}
        )
    if offer.location_id:
        parts.append(_("een plek om te werken (%(place)s)") % {"place": offer.location})
    text = _join(parts) + "."
    if offer.kind == OfferKind.INTERNSHIP and offer.pok_reference:
        text += " " + _("De stage zelf loopt via praktijkovereenkomst %(ref)s.") % {
            "ref": offer.pok_reference
        }
    return text


def _default_plans(
    *, offer: Offer, school: Organisation, school_owner: User, now: dt.datetime
) -> tuple[CommitmentPlan, ...]:
    """The usual four commitments around an offer, each with one owner, never due in the past."""
    today = now.date()
    start = offer.starts_on or today + dt.timedelta(days=14)
    end = offer.ends_on or start
    company = offer.owner.current()
    company_owner = _offer_contact(offer) or offer.contact
    plan = [
        (
            school_owner,
            school,
            gettext_noop("Studenten voorbereiden en aan het bedrijf voorstellen"),
            start - dt.timedelta(days=7),
        ),
        (company_owner, company, gettext_noop("Aftrap en briefing voor de studenten geven"), start),
        (
            company_owner,
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
    return tuple(
        CommitmentPlan(
            title=_(title), owner=owner, organisation=organisation, due_on=max(due_on, today)
        )
        for owner, organisation, title, due_on in plan
    )


def offer_agreement_draft(
    *, offer: Offer, school: Organisation, actor: User, now: dt.datetime
) -> OfferAgreementDraft:
    """The agreement about `offer` as Koppel would draft it: title, the offer's period and place,
    what the company offers, the deliverables and the usual commitments. No mentoring hours: the
    offer states none, so the person drafting fills them in. Same checks as creating it."""
    _check_offer_agreement(offer=offer, school=school, actor=actor)
    return OfferAgreementDraft(
        title=offer.title,
        starts_on=offer.starts_on,
        ends_on=offer.ends_on,
        mentoring_hours=None,
        place=_offer_place(offer),
        provides=_offer_provides(offer),
        deliverables=offer.deliverables,
        commitments=_default_plans(offer=offer, school=school, school_owner=actor, now=now),
    )


def draft_terms(
    *, offer: Offer, school: Organisation, draft: OfferAgreementDraft
) -> dict[str, Any]:
    """The terms a draft fills the template with: the same dict `terms_for` makes of the
    agreement once it exists (a test holds them equal), so the preview is the text accepted."""
    return {
        "title": draft.title,
        "school": [school.name],
        "company": [offer.owner.current().name],
        "collective": [],
        "members": [],
        "consortium": "",
        "offer_title": offer.title,
        "umbrella": "",
        "students": [],
        "start": draft.starts_on.isoformat() if draft.starts_on else "",
        "end": draft.ends_on.isoformat() if draft.ends_on else "",
        "hours": draft.mentoring_hours or 0,
        "place": draft.place,
        "place_kind": str(offer.location_kind),
        "provides": draft.provides,
        "deliverables": draft.deliverables,
    }


def offer_agreement_preview(
    *,
    offer: Offer,
    school: Organisation,
    actor: User,
    draft: OfferAgreementDraft,
    now: dt.datetime,
) -> list[dict[str, str]]:
    """The clauses (Dutch and English) the other parties will be asked to accept for `draft`.
    Refused like sending: empty terms, a term that is over, a commitment for someone who is
    not of that party or due in the past (400, naming the field)."""
    _check_offer_agreement(offer=offer, school=school, actor=actor)
    return _checked_clauses(offer=offer, school=school, draft=draft, actor=actor, now=now)


def _checked_clauses(
    *,
    offer: Offer,
    school: Organisation,
    draft: OfferAgreementDraft,
    actor: User,
    now: dt.datetime,
) -> list[dict[str, str]]:
    template = template_for(AgreementKind.ENGAGEMENT, on=now.date())
    terms = draft_terms(offer=offer, school=school, draft=draft)
    require_sendable(
        template=template,
        terms=terms,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        today=timezone.localdate(now),
    )
    _check_plans(
        draft.commitments, school=school, company=offer.owner.current(), actor=actor, now=now
    )
    return render_clauses(template, terms)


def _check_plans(
    plans: Sequence[CommitmentPlan],
    *,
    school: Organisation,
    company: Organisation,
    actor: User,
    now: dt.datetime,
) -> None:
    """Each commitment for the school or the company, by someone of that party (or the person
    drafting it for the school), with a title, not due in the past."""
    today = timezone.localdate(now)
    owners = {
        school.pk: commitment_owner_ids(school) | {actor.pk},
        company.pk: commitment_owner_ids(company),
    }
    for index, plan in enumerate(plans):
        if plan.organisation.pk not in (school.pk, company.pk):
            raise field_error(
                f"commitments[{index}].organisation", _("Kies de school of het bedrijf.")
            )
        if not plan.title.strip():
            raise field_error(f"commitments[{index}].title", _("Vul in wat er gebeurt."))
        if plan.owner.pk not in owners[plan.organisation.pk]:
            raise field_error(
                f"commitments[{index}].owner",
                _("%(name)s kan geen toezegging doen namens %(org)s.")
                % {"name": plan.owner, "org": plan.organisation.name},
            )
        if plan.due_on < today:
            raise field_error(f"commitments[{index}].due_on", _("Deze datum ligt in het verleden."))


@transaction.atomic
def agreement_create_from_offer(
    *,
    offer: Offer,
    school: Organisation,
    actor: User,
    now: dt.datetime,
    draft: OfferAgreementDraft | None = None,
) -> Agreement:
    """From an offer to a draft short agreement: parties (the school and the offer's company,
    as it is today after takeovers), the terms of `draft` (or, without one, as
    `offer_agreement_draft` prefills them, with no mentoring hours yet), the clauses of the
    current template rendered in Dutch and English as version 1, and the draft's commitments
    with one owner each. Allowed for coordinators of `school` and company contacts of the
    offer's company, only with a school the offer was submitted to while it is published or
    running (`agreement_school_ids`). An offer the actor may not see is refused exactly like an
    id that does not exist (`offer_unavailable`). A given draft is checked like a preview."""
    _check_offer_agreement(offer=offer, school=school, actor=actor)
    company = offer.owner.current()
    school_contact = actor if is_school_side(actor, school) and not actor.is_staff else None
    if draft is None:
        draft = offer_agreement_draft(offer=offer, school=school, actor=actor, now=now)
    else:
        _checked_clauses(offer=offer, school=school, draft=draft, actor=actor, now=now)
    agreement = _offer_agreement(offer, draft, actor=actor, now=now)
    AgreementParty.objects.create(
        agreement=agreement, organisation=school, role=PartyRole.SCHOOL, contact=school_contact
    )
    AgreementParty.objects.create(
        agreement=agreement,
        organisation=company,
        role=PartyRole.COMPANY,
        contact=_offer_contact(offer),
    )
    log_created(agreement=agreement, actor=actor, now=now, payload={"offer": offer.pk})
    for plan in draft.commitments:
        commitment_create_unchecked(
            agreement=agreement,
            owner=plan.owner,
            organisation=plan.organisation,
            title=plan.title,
            due_on=plan.due_on,
            actor=actor,
            now=now,
        )
    return agreement


def _offer_agreement(
    offer: Offer, draft: OfferAgreementDraft, *, actor: User, now: dt.datetime
) -> Agreement:
    """The agreement's terms as the draft states them, under the current template."""
    return Agreement.objects.create(
        kind=AgreementKind.ENGAGEMENT,
        title=draft.title,
        template=template_for(AgreementKind.ENGAGEMENT, on=now.date()),
        offer=offer,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        mentoring_hours=draft.mentoring_hours or 0,
        place=draft.place,
        provides=draft.provides,
        deliverables=draft.deliverables,
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
