"""Change, propose and accept agreements. A change after acceptance makes a new version that every
party accepts again; an accepted version is never edited."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.accounts.models import User
from backend.agreements.models import (
    Acceptance,
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    EventKind,
    VersionLocked,
)
from backend.agreements.selectors import parties_still_to_accept
from backend.agreements.selectors.access import acting_role, require_acting_party, require_manager
from backend.agreements.selectors.completeness import missing_terms
from backend.agreements.services.common import (
    build_version,
    notify_people,
    party_contacts,
    refresh_version,
    transition,
    transition_to_proposed,
)
from backend.agreements.services.log import log_event
from backend.core.errors import ApplicationError, Conflict, field_error

CHANGEABLE_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "mentoring_hours",
    "place",
    "provides",
    "deliverables",
)


@transaction.atomic
def agreement_change(
    *, agreement: Agreement, actor: User, now: dt.datetime, note: str = "", **changes: Any
) -> AgreementVersion:
    """Change the terms. While nobody accepted the current version it is re-rendered in place;
    after an acceptance a NEW version is made and every party must accept again (an accepted or
    active agreement goes back to proposed). Returns the version that now holds the text."""
    require_manager(actor, agreement)
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("Dit veld kun je niet wijzigen."))
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if not agreement.is_open:
        raise Conflict(_("Een afgesloten afspraak kan niet meer worden gewijzigd."))
    changed = _apply_changes(agreement, changes)
    current = agreement.current_version()
    if current.is_accepted():
        version = _version_to_accept_again(agreement=agreement, actor=actor, now=now, note=note)
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


def _apply_changes(agreement: Agreement, changes: dict[str, Any]) -> dict[str, Any]:
    """Save the terms that really differ and return them; refuses a change that changes nothing
    or breaks the model's rules (dates in order, lengths)."""
    changed = {name: value for name, value in changes.items() if getattr(agreement, name) != value}
    if not changed:
        raise ApplicationError(_("Er is niets gewijzigd."))
    for name, value in changed.items():
        setattr(agreement, name, value)
    agreement.full_clean(exclude=["template", "created_by", "offer", "parent", "consortium"])
    agreement.save()
    return changed


def _version_to_accept_again(
    *, agreement: Agreement, actor: User, now: dt.datetime, note: str
) -> AgreementVersion:
    """A new version after an acceptance: a running agreement goes back to proposed and the
    other parties are asked to accept the new text."""
    version = build_version(agreement=agreement, actor=actor, now=now, note=note)
    if agreement.is_running:
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
    return version


@transaction.atomic
def agreement_version_update(
    *, version: AgreementVersion, actor: User, now: dt.datetime, note: str = "", **changes: Any
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
def agreement_propose(*, agreement: Agreement, actor: User, now: dt.datetime) -> Agreement:
    require_manager(actor, agreement)
    if agreement.parties.count() < 2:
        raise ApplicationError(_("Een afspraak heeft minstens twee partijen."))
    version = agreement.current_version()
    agreement = transition_to_proposed(agreement=agreement, version=version, actor=actor, now=now)
    notify_people(
        people=party_contacts(agreement, exclude=actor),
        agreement=agreement,
        title=gettext_noop("Afspraak '%(title)s' wacht op uw acceptatie"),
        body=gettext_noop(
            "Lees de afspraak in het Nederlands of Engels en accepteer hem in Koppel."
        ),
        key=f"agreement-{agreement.pk}-v{version.number}-proposed",
        now=now,
    )
    return agreement


@transaction.atomic
def agreement_accept(
    *,
    agreement: Agreement,
    actor: User,
    now: dt.datetime,
    version_number: int | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Acceptance:
    """The actor accepts the current version for their party: a coordinator, programme lead or
    institution admin for a school party, a company contact for a company or collective. When
    every party accepted, the agreement becomes accepted. A party flagged for re-confirmation
    (after a takeover or a departed signatory) re-accepts here too."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    party = require_acting_party(actor, agreement)
    version = agreement.current_version()
    reconfirming = _check_acceptable(
        agreement=agreement, party=party, version=version, version_number=version_number
    )
    acceptance = _record_acceptance(
        version=version,
        party=party,
        actor=actor,
        now=now,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    _log_acceptance(acceptance, agreement=agreement, reconfirming=reconfirming, now=now)
    if agreement.status == AgreementStatus.PROPOSED and not parties_still_to_accept(
        agreement, version
    ):
        _accepted_by_everyone(agreement=agreement, version=version, actor=actor, now=now)
    return acceptance


def _check_acceptable(
    *,
    agreement: Agreement,
    party: AgreementParty,
    version: AgreementVersion,
    version_number: int | None,
) -> bool:
    """Refuse (Conflict) an acceptance of an older version, of an agreement that is not waiting
    for one, or a second one by the same party. Returns whether it re-confirms a running one."""
    if version_number is not None and version_number != version.number:
        raise Conflict(
            _("Je las versie %(old)s, maar de nieuwste versie is %(new)s. Lees die eerst.")
            % {"old": version_number, "new": version.number}
        )
    if missing := missing_terms(agreement.template, version.terms):
        # An older proposal may still hold "(nog niet ingevuld)": nobody accepts that text.
        raise Conflict(
            _("Deze tekst is nog niet compleet (%(missing)s ontbreekt); accepteren kan daarna.")
            % {"missing": ", ".join(m.label for m in missing)}
        )
    reconfirming = party.needs_reconfirmation and agreement.is_running
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
    return reconfirming


def _record_acceptance(
    *,
    version: AgreementVersion,
    party: AgreementParty,
    actor: User,
    now: dt.datetime,
    ip_address: str | None,
    user_agent: str,
) -> Acceptance:
    """Who accepted, in which role, when and from where; clears a re-confirmation flag."""
    role = acting_role(actor, party)
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
    return acceptance


def _log_acceptance(
    acceptance: Acceptance, *, agreement: Agreement, reconfirming: bool, now: dt.datetime
) -> None:
    """The evidence: which text (number and hash), for whom, in which role, from where."""
    version = acceptance.version
    log_event(
        agreement=agreement,
        kind=EventKind.ACCEPTED,
        actor=acceptance.person,
        at=now,
        payload={
            "version": version.number,
            "content_hash": version.content_hash,
            "organisation": acceptance.organisation_id,
            "role": acceptance.role,
            "ip_address": acceptance.ip_address,
            "user_agent": acceptance.user_agent,
            "reconfirmation": reconfirming,
        },
    )


def _accepted_by_everyone(
    *, agreement: Agreement, version: AgreementVersion, actor: User, now: dt.datetime
) -> None:
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
