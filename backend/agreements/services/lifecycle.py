"""Change, propose and accept agreements. A change after acceptance makes a new version that every
party accepts again; an accepted version is never edited."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.accounts.models import Role, User
from backend.accounts.selectors import organisation_ids_for
from backend.agreements.models import (
    Acceptance,
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    EventKind,
    VersionLocked,
)
from backend.agreements.selectors.access import (
    acting_party,
    can_manage,
)
from backend.agreements.services.common import (
    OPEN,
    build_version,
    notify_people,
    party_contacts,
    refresh_version,
    transition,
    transition_to_proposed,
)
from backend.agreements.services.creation import (  # noqa: F401  (engagement imports these from here)
    ENGAGEMENT_OFFER_KINDS,
    agreement_create_from_offer,
    create_agreement,
    first_contact,
    log_created,
)
from backend.agreements.services.log import log_event
from backend.core.errors import ApplicationError, Conflict, PermissionDenied, field_error

CHANGEABLE_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "mentoring_hours",
    "place",
    "provides",
    "deliverables",
)


def _require_manager(actor: User, agreement: Agreement) -> None:
    if not can_manage(actor, agreement):
        raise PermissionDenied(_("Je bent geen partij bij deze afspraak."))


@transaction.atomic
def agreement_change(
    *, agreement: Agreement, actor: User, now, note: str = "", **changes
) -> AgreementVersion:
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
                status=AgreementStatus.PROPOSED,
                status_changed_at=now,
                status_reason=_(
                    "Gewijzigd na acceptatie: versie %(n)s moet opnieuw worden geaccepteerd."
                )
                % {"n": version.number},
            )
        notify_people(
            people=party_contacts(agreement, exclude=actor),
            agreement=agreement,
            title=gettext_noop("Afspraak '%(title)s' is gewijzigd: accepteer de nieuwe versie"),
            key=f"agreement-{agreement.pk}-v{version.number}-proposed",
            now=now,
        )
    else:
        version = refresh_version(version=current, note=note)
    log_event(
        agreement=agreement,
        kind=EventKind.CHANGED,
        actor=actor,
        at=now,
        payload={
            "version": version.number,
            "content_hash": version.content_hash,
            "note": note,
            "fields": sorted(changed),
        },
    )
    agreement.refresh_from_db()
    return version


@transaction.atomic
def agreement_version_update(
    *, version: AgreementVersion, actor: User, now, note: str = "", **changes
) -> AgreementVersion:
    """Edit one specific version in place. Refused (409) once any party accepted it: use
    agreement_change, which makes a new version."""
    if version.is_accepted():
        raise VersionLocked(
            _(
                "Versie %(n)s is al geaccepteerd en kan niet meer worden gewijzigd; "
                "een wijziging maakt een nieuwe versie."
            )
            % {"n": version.number}
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
    agreement = transition_to_proposed(agreement=agreement, version=version, actor=actor, now=now)
    notify_people(
        people=party_contacts(agreement, exclude=actor),
        agreement=agreement,
        title=gettext_noop("Afspraak '%(title)s' wacht op je acceptatie"),
        body=gettext_noop(
            "Lees de afspraak in het Nederlands of Engels en accepteer hem in Koppel."
        ),
        key=f"agreement-{agreement.pk}-v{version.number}-proposed",
        now=now,
    )
    return agreement


def parties_still_to_accept(
    agreement: Agreement, version: AgreementVersion
) -> list[AgreementParty]:
    accepted = set(version.acceptances.values_list("organisation_id", flat=True))
    return [
        party
        for party in agreement.parties.select_related("organisation")
        if party.organisation_id not in accepted or party.needs_reconfirmation
    ]


@transaction.atomic
def agreement_accept(
    *,
    agreement: Agreement,
    actor: User,
    now,
    version_number: int | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Acceptance:
    """The actor accepts the current version for their party: a coordinator, programme lead or
    institution admin for a school party, a company contact for a company or collective. When
    every party accepted, the agreement becomes accepted. A party flagged for re-confirmation
    (after a takeover or a departed signatory) re-accepts here too."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    party = acting_party(actor, agreement)
    if party is None:
        raise PermissionDenied(
            _(
                "Alleen een contactpersoon van een partij (bedrijf) of een coördinator van de school "
                "kan deze afspraak accepteren."
            )
        )
    version = agreement.current_version()
    if version_number is not None and version_number != version.number:
        raise Conflict(
            _("Je las versie %(old)s, maar de nieuwste versie is %(new)s. Lees die eerst.")
            % {"old": version_number, "new": version.number}
        )
    reconfirming = party.needs_reconfirmation and agreement.status in (
        AgreementStatus.ACCEPTED,
        AgreementStatus.ACTIVE,
    )
    if agreement.status != AgreementStatus.PROPOSED and not reconfirming:
        raise Conflict(
            _("Deze afspraak kan nu niet worden geaccepteerd: hij is '%(status)s'.")
            % {"status": agreement.get_status_display()}
        )
    if (
        version.acceptances.filter(organisation_id=party.organisation_id).exists()
        and not party.needs_reconfirmation
    ):
        raise Conflict(
            _("%(org)s heeft versie %(n)s al geaccepteerd.")
            % {"org": party.organisation.name, "n": version.number}
        )
    role = _acting_role(actor, party)
    try:
        with transaction.atomic():
            acceptance = Acceptance.objects.create(
                version=version,
                party=party,
                organisation=party.organisation,
                person=actor,
                role=role,
                accepted_at=now,
                ip_address=ip_address or None,
                user_agent=(user_agent or "")[:300],
            )
    except IntegrityError as error:
        raise Conflict(_("Je hebt deze versie al geaccepteerd.")) from error
    if party.needs_reconfirmation:
        AgreementParty.objects.filter(pk=party.pk).update(
            needs_reconfirmation=False, reconfirmation_reason=""
        )
    log_event(
        agreement=agreement,
        kind=EventKind.ACCEPTED,
        actor=actor,
        at=now,
        payload={
            "version": version.number,
            "content_hash": version.content_hash,
            "organisation": party.organisation_id,
            "role": acceptance.role,
            "ip_address": acceptance.ip_address,
            "user_agent": acceptance.user_agent,
            "reconfirmation": reconfirming,
        },
    )
    if agreement.status == AgreementStatus.PROPOSED and not parties_still_to_accept(
        agreement, version
    ):
        transition(
            agreement=agreement,
            allowed_from=(AgreementStatus.PROPOSED,),
            to=AgreementStatus.ACCEPTED,
            actor=actor,
            now=now,
            event_kind=EventKind.ACCEPTED,
            payload={"version": version.number, "all_parties": True},
        )
        notify_people(
            people=party_contacts(agreement, exclude=actor),
            agreement=agreement,
            title=gettext_noop("Afspraak '%(title)s' is door alle partijen geaccepteerd"),
            key=f"agreement-{agreement.pk}-v{version.number}-accepted",
            now=now,
        )
    return acceptance


def _acting_role(actor: User, party: AgreementParty) -> str:
    for role in (
        Role.INSTITUTION_ADMIN,
        Role.PROGRAMME_LEAD,
        Role.COORDINATOR,
        Role.COMPANY_CONTACT,
    ):
        if party.organisation_id in organisation_ids_for(actor, role):
            return role
    return "staff" if actor.is_staff else ""
