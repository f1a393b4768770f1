"""Create agreements and move them through draft → proposed → accepted → active → fulfilled, or
cancelled / expired / broken. One service per transition; each checks who and the current state,
uses a conditional update and appends to the log."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from backend.accounts.models import Role, User
from backend.agreements.models import (
    Acceptance,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    EventKind,
    PartyRole,
    VersionLocked,
)
from backend.agreements.selectors.access import (
    acting_party,
    can_manage,
    is_school_coordinator_for,
)
from backend.agreements.services.common import (
    OPEN,
    build_version,
    notify_people,
    party_contacts,
    refresh_version,
    transition,
)
from backend.agreements.services.log import log_event
from backend.agreements.services.rendering import template_for
from backend.core.errors import ApplicationError, Conflict, PermissionDenied, field_error
from backend.offers.models import Offer, OfferKind
from backend.organisations.models import Organisation

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
CHANGEABLE_FIELDS = ("title", "starts_on", "ends_on", "mentoring_hours", "place", "provides", "deliverables")
DEFAULT_MENTORING_HOURS = {
    OfferKind.CHALLENGE: 8,
    OfferKind.INTERNSHIP: 16,
    OfferKind.GUEST_LESSON: 2,
    OfferKind.COMPANY_VISIT: 2,
}


def first_contact(organisation: Organisation) -> User | None:
    membership = (
        organisation.memberships.active()
        .filter(role=Role.COMPANY_CONTACT, user__left_at__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _offer_place(offer: Offer) -> str:
    if offer.location_id:
        return str(offer.location)
    return offer.get_location_kind_display()


def _offer_provides(offer: Offer) -> str:
    parts = [offer.description.strip()]
    if offer.expectations.strip():
        parts.append(offer.expectations.strip())
    if offer.kind == OfferKind.INTERNSHIP and offer.pok_reference:
        parts.append(_("De stage zelf loopt via praktijkovereenkomst %(ref)s.") % {"ref": offer.pok_reference})
    return " ".join(parts)


def _default_commitments(*, agreement: Agreement, offer: Offer, school_owner: User, now) -> None:
    from backend.agreements.services.commitments import commitment_create_unchecked

    today = now.date()
    start = offer.starts_on or today + dt.timedelta(days=14)
    end = offer.ends_on or start
    plan = [
        (school_owner, agreement.parties.get(role=PartyRole.SCHOOL).organisation,
         N_("Studenten voorbereiden en aan het bedrijf voorstellen"), start - dt.timedelta(days=7)),
        (offer.contact, agreement.parties.get(role=PartyRole.COMPANY).organisation,
         N_("Aftrap en briefing voor de studenten geven"), start),
        (offer.contact, agreement.parties.get(role=PartyRole.COMPANY).organisation,
         N_("Feedback op het eindresultaat geven"), end + dt.timedelta(days=7)),
        (school_owner, agreement.parties.get(role=PartyRole.SCHOOL).organisation,
         N_("Terugkoppeling aan het bedrijf over wat de studenten leerden"), end + dt.timedelta(days=14)),
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
def agreement_create_from_offer(*, offer: Offer, school: Organisation, actor: User, now) -> Agreement:
    """One step from an offer to a draft short agreement: parties (the school and the offer's
    company, as it is today after takeovers), dates, place, what the company provides, mentoring
    hours, deliverables, the clauses of the current template rendered in Dutch and English as
    version 1, and default commitments with one owner each. Allowed for coordinators of `school`
    and company contacts of the offer's company."""
    from backend.accounts.selectors import company_ids, coordinator_school_ids

    if not school.is_school:
        raise field_error("school", _("Kies een school als partij."))
    company = offer.owner.current()
    is_school_side = actor.is_staff or school.pk in coordinator_school_ids(actor)
    if not (is_school_side or company.pk in company_ids(actor) or offer.owner_id in company_ids(actor)):
        raise PermissionDenied(_("Alleen de coördinator van de school of het bedrijf maakt deze afspraak."))
    if offer.kind not in ENGAGEMENT_OFFER_KINDS:
        raise field_error("offer", _("Voor dit soort aanbod maken we geen afspraak."))
    if Agreement.objects.open().filter(offer=offer, parties__organisation=school).exists():
        raise Conflict(
            _("Er is al een lopende afspraak tussen %(school)s en %(company)s over '%(offer)s'.")
            % {"school": school.name, "company": company.name, "offer": offer.title}
        )
    agreement = Agreement.objects.create(
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
    school_contact = actor if is_school_side and not actor.is_staff else None
    AgreementParty.objects.create(agreement=agreement, organisation=school, role=PartyRole.SCHOOL, contact=school_contact)
    AgreementParty.objects.create(
        agreement=agreement, organisation=company, role=PartyRole.COMPANY,
        contact=offer.contact if offer.contact.left_at is None else first_contact(company),
    )
    version = build_version(agreement=agreement, actor=actor, now=now)
    log_event(
        agreement=agreement, kind=EventKind.CREATED, actor=actor, at=now,
        payload={"offer": offer.pk, "version": version.number, "content_hash": version.content_hash,
                 "parties": [school.pk, company.pk]},
    )
    _default_commitments(agreement=agreement, offer=offer, school_owner=school_contact or actor, now=now)
    return agreement


def create_agreement(
    *, kind: str, title: str, parties: list[tuple[Organisation, str, User | None]], actor: User, now,
    payload: dict | None = None, **fields,
) -> Agreement:
    """Shared by umbrella, rotation and consortium agreements (callers check permissions)."""
    agreement = Agreement.objects.create(
        kind=kind, title=title, template=template_for(kind, on=now.date()), created_by=actor,
        status_changed_at=now, **fields,
    )
    for organisation, role, contact in parties:
        AgreementParty.objects.create(agreement=agreement, organisation=organisation, role=role, contact=contact)
    return agreement


def log_created(*, agreement: Agreement, actor: User, now, payload: dict | None = None) -> AgreementVersion:
    version = build_version(agreement=agreement, actor=actor, now=now)
    log_event(
        agreement=agreement, kind=EventKind.CREATED, actor=actor, at=now,
        payload={"version": version.number, "content_hash": version.content_hash,
                 "parties": [p.organisation_id for p in agreement.parties.all()], **(payload or {})},
    )
    return version


def _require_manager(actor: User, agreement: Agreement) -> None:
    if not can_manage(actor, agreement):
        raise PermissionDenied(_("Je bent geen partij bij deze afspraak."))


@transaction.atomic
def agreement_change(*, agreement: Agreement, actor: User, now, note: str = "", **changes) -> AgreementVersion:
    """Change the terms. While nobody accepted the current version it is re-rendered in place;
    after an acceptance a NEW version is made and every party must accept again (an accepted or
    active agreement goes back to proposed). Returns the version that now holds the text."""
    _require_manager(actor, agreement)
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("Dit veld kun je niet wijzigen."))
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status not in OPEN:
        raise Conflict(_("Een afgesloten afspraak kan niet meer worden gewijzigd."))
    changed = {name: value for name, value in changes.items() if getattr(agreement, name) != value}
    if not changed:
        raise ApplicationError(_("Er is niets gewijzigd."))
    for name, value in changed.items():
        setattr(agreement, name, value)
    agreement.full_clean(exclude=["template", "created_by", "offer", "parent", "consortium"])
    agreement.save()
    current = agreement.current_version()
    if current.is_accepted():
        version = build_version(agreement=agreement, actor=actor, now=now, note=note)
        if agreement.status in (AgreementStatus.ACCEPTED, AgreementStatus.ACTIVE):
            Agreement.objects.filter(pk=agreement.pk).update(
                status=AgreementStatus.PROPOSED, status_changed_at=now,
                status_reason=_("Gewijzigd na acceptatie: versie %(n)s moet opnieuw worden geaccepteerd.") % {"n": version.number},
            )
        notify_people(
            people=party_contacts(agreement, exclude=actor), agreement=agreement,
            title=N_("Afspraak '%(title)s' is gewijzigd: accepteer de nieuwe versie"),
            key=f"agreement-{agreement.pk}-v{version.number}-proposed", now=now,
        )
    else:
        version = refresh_version(version=current, note=note)
    log_event(
        agreement=agreement, kind=EventKind.CHANGED, actor=actor, at=now,
        payload={"version": version.number, "content_hash": version.content_hash, "note": note,
                 "fields": sorted(changed)},
    )
    agreement.refresh_from_db()
    return version


@transaction.atomic
def agreement_version_update(*, version: AgreementVersion, actor: User, now, note: str = "", **changes) -> AgreementVersion:
    """Edit one specific version in place. Refused (409) once any party accepted it: use
    agreement_change, which makes a new version."""
    if version.is_accepted():
        raise VersionLocked(
            _("Versie %(n)s is al geaccepteerd en kan niet meer worden gewijzigd; "
              "een wijziging maakt een nieuwe versie.") % {"n": version.number}
        )
    if version.agreement.current_version().pk != version.pk:
        raise Conflict(_("Alleen de nieuwste versie kan nog worden aangepast."))
    return agreement_change(agreement=version.agreement, actor=actor, now=now, note=note, **changes)


@transaction.atomic
def agreement_propose(*, agreement: Agreement, actor: User, now) -> Agreement:
    _require_manager(actor, agreement)
    if agreement.parties.count() < 2:
        raise ApplicationError(_("Een afspraak heeft minstens twee partijen."))
    version = agreement.current_version()
    agreement = transition(
        agreement=agreement, allowed_from=(AgreementStatus.DRAFT,), to=AgreementStatus.PROPOSED,
        actor=actor, now=now, event_kind=EventKind.PROPOSED, payload={"version": version.number},
    )
    notify_people(
        people=party_contacts(agreement, exclude=actor), agreement=agreement,
        title=N_("Afspraak '%(title)s' wacht op je acceptatie"),
        body=N_("Lees de afspraak in het Nederlands of Engels en accepteer hem in Koppel."),
        key=f"agreement-{agreement.pk}-v{version.number}-proposed", now=now,
    )
    return agreement


def parties_still_to_accept(agreement: Agreement, version: AgreementVersion) -> list[AgreementParty]:
    accepted = set(version.acceptances.values_list("organisation_id", flat=True))
    return [
        party for party in agreement.parties.select_related("organisation")
        if party.organisation_id not in accepted or party.needs_reconfirmation
    ]


@transaction.atomic
def agreement_accept(
    *, agreement: Agreement, actor: User, now, version_number: int | None = None,
    ip_address: str | None = None, user_agent: str = "",
) -> Acceptance:
    """The actor accepts the current version for their party: a coordinator, programme lead or
    institution admin for a school party, a company contact for a company or collective. When
    every party accepted, the agreement becomes accepted. A party flagged for re-confirmation
    (after a takeover or a departed signatory) re-accepts here too."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    party = acting_party(actor, agreement)
    if party is None:
        raise PermissionDenied(
            _("Alleen een contactpersoon van een partij (bedrijf) of een coördinator van de school "
              "kan deze afspraak accepteren.")
        )
    version = agreement.current_version()
    if version_number is not None and version_number != version.number:
        raise Conflict(
            _("Je las versie %(old)s, maar de nieuwste versie is %(new)s. Lees die eerst.")
            % {"old": version_number, "new": version.number}
        )
    reconfirming = party.needs_reconfirmation and agreement.status in (AgreementStatus.ACCEPTED, AgreementStatus.ACTIVE)
    if agreement.status != AgreementStatus.PROPOSED and not reconfirming:
        raise Conflict(
            _("Deze afspraak kan nu niet worden geaccepteerd: hij is '%(status)s'.")
            % {"status": agreement.get_status_display()}
        )
    if version.acceptances.filter(organisation_id=party.organisation_id).exists() and not party.needs_reconfirmation:
        raise Conflict(_("%(org)s heeft versie %(n)s al geaccepteerd.") % {"org": party.organisation.name, "n": version.number})
    role = _acting_role(actor, party)
    try:
        with transaction.atomic():
            acceptance = Acceptance.objects.create(
                version=version, party=party, organisation=party.organisation, person=actor,
                role=role, accepted_at=now, ip_address=ip_address or None,
                user_agent=(user_agent or "")[:300],
            )
    except IntegrityError as error:
        raise Conflict(_("Je hebt deze versie al geaccepteerd.")) from error
    if party.needs_reconfirmation:
        AgreementParty.objects.filter(pk=party.pk).update(needs_reconfirmation=False, reconfirmation_reason="")
    log_event(
        agreement=agreement, kind=EventKind.ACCEPTED, actor=actor, at=now,
        payload={"version": version.number, "content_hash": version.content_hash,
                 "organisation": party.organisation_id, "role": acceptance.role,
                 "ip_address": acceptance.ip_address, "user_agent": acceptance.user_agent,
                 "reconfirmation": reconfirming},
    )
    if agreement.status == AgreementStatus.PROPOSED and not parties_still_to_accept(agreement, version):
        transition(
            agreement=agreement, allowed_from=(AgreementStatus.PROPOSED,), to=AgreementStatus.ACCEPTED,
            actor=actor, now=now, event_kind=EventKind.ACCEPTED,
            payload={"version": version.number, "all_parties": True},
        )
        notify_people(
            people=party_contacts(agreement, exclude=actor), agreement=agreement,
            title=N_("Afspraak '%(title)s' is door alle partijen geaccepteerd"),
            key=f"agreement-{agreement.pk}-v{version.number}-accepted", now=now,
        )
    return acceptance


def _acting_role(actor: User, party: AgreementParty) -> str:
    from backend.accounts.models import Membership

    roles = set(
        Membership.objects.active()
        .filter(user=actor, organisation_id=party.organisation_id)
        .values_list("role", flat=True)
    )
    for role in (Role.INSTITUTION_ADMIN, Role.PROGRAMME_LEAD, Role.COORDINATOR, Role.COMPANY_CONTACT):
        if role in roles:
            return role
    return "staff" if actor.is_staff else ""


def _require_school_coordinator(actor: User | None, agreement: Agreement) -> None:
    if actor is not None and not is_school_coordinator_for(actor, agreement):
        raise PermissionDenied(_("Alleen een coördinator van de school bij deze afspraak kan dit doen."))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Geef een reden op."))
    return reason


@transaction.atomic
def agreement_activate(*, agreement: Agreement, actor: User | None, now) -> Agreement:
    """accepted → active. `actor=None` is the daily task when the start date is reached."""
    _require_school_coordinator(actor, agreement)
    return transition(agreement=agreement, allowed_from=(AgreementStatus.ACCEPTED,), to=AgreementStatus.ACTIVE,
                      actor=actor, now=now, event_kind=EventKind.ACTIVATED)


@transaction.atomic
def agreement_fulfil(*, agreement: Agreement, actor: User, now) -> Agreement:
    """active → fulfilled, once no commitment is open or overdue."""
    _require_school_coordinator(actor, agreement)
    pending = agreement.commitments.pending().count()
    if pending:
        raise Conflict(
            _("Nog %(n)s toezegging(en) open of te laat: rond die eerst af of laat ze vervallen.") % {"n": pending}
        )
    return transition(agreement=agreement, allowed_from=(AgreementStatus.ACTIVE,), to=AgreementStatus.FULFILLED,
                      actor=actor, now=now, event_kind=EventKind.FULFILLED)


@transaction.atomic
def agreement_cancel(*, agreement: Agreement, actor: User, now, reason: str) -> Agreement:
    """Any party (school coordinator or company contact) cancels an open agreement, with a reason."""
    reason = _require_reason(reason)
    _require_manager(actor, agreement)
    agreement = transition(agreement=agreement, allowed_from=OPEN, to=AgreementStatus.CANCELLED, actor=actor,
                           now=now, event_kind=EventKind.CANCELLED, reason=reason)
    notify_people(people=party_contacts(agreement, exclude=actor), agreement=agreement,
                  title=N_("Afspraak '%(title)s' is geannuleerd"), key=f"agreement-{agreement.pk}-cancelled", now=now)
    return agreement


@transaction.atomic
def agreement_break(*, agreement: Agreement, actor: User, now, reason: str) -> Agreement:
    """accepted/active → broken: a party did not keep the agreement. School coordinator only."""
    reason = _require_reason(reason)
    _require_school_coordinator(actor, agreement)
    return transition(agreement=agreement, allowed_from=(AgreementStatus.ACCEPTED, AgreementStatus.ACTIVE),
                      to=AgreementStatus.BROKEN, actor=actor, now=now, event_kind=EventKind.BROKEN, reason=reason)


@transaction.atomic
def agreement_expire(*, agreement: Agreement, now) -> Agreement:
    """draft/proposed → expired (the system): the end date passed before every party accepted."""
    return transition(
        agreement=agreement, allowed_from=(AgreementStatus.DRAFT, AgreementStatus.PROPOSED),
        to=AgreementStatus.EXPIRED, actor=None, now=now, event_kind=EventKind.EXPIRED,
        reason=_("Niet door alle partijen geaccepteerd vóór de einddatum."),
    )


def agreements_advance(*, now) -> dict[str, int]:
    """The daily run: start accepted agreements whose start date is reached, expire unaccepted
    ones whose end date passed. Idempotent: a second run finds nothing to do."""
    today = now.date()
    counts = {"activated": 0, "expired": 0}
    for agreement in Agreement.objects.filter(status=AgreementStatus.ACCEPTED, starts_on__lte=today):
        try:
            agreement_activate(agreement=agreement, actor=None, now=now)
            counts["activated"] += 1
        except Conflict:
            pass  # another run got there first
    for agreement in Agreement.objects.filter(
        status__in=(AgreementStatus.DRAFT, AgreementStatus.PROPOSED), ends_on__lt=today
    ):
        try:
            agreement_expire(agreement=agreement, now=now)
            counts["expired"] += 1
        except Conflict:
            pass
    return counts


@transaction.atomic
def agreement_set_participants(*, agreement: Agreement, students: list[User], actor: User, now) -> Agreement:
    """The school coordinator names the students who work under this agreement (they may read
    it). Students must be enrolled at a school party."""
    _require_school_coordinator(actor, agreement)
    school_ids = {p.organisation_id for p in agreement.parties.select_related("organisation") if p.organisation.is_school}
    for student in students:
        enrolment = getattr(student, "enrolment", None)
        if enrolment is None or enrolment.school_id not in school_ids:
            raise field_error("students", _("%(name)s is geen student van een school bij deze afspraak.") % {"name": student.first_name})
    agreement.participants.set(students)
    log_event(agreement=agreement, kind=EventKind.PARTICIPANTS, actor=actor, at=now,
              payload={"students": sorted(s.pk for s in students)})
    return agreement
