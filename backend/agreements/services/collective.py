"""Umbrella agreements with a company collective, the short agreements generated under them,
and the long-term consortium agreement."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.accounts.models import User
from backend.accounts.selectors import coordinator_school_ids
from backend.agreements.models import (
    Agreement,
    AgreementKind,
    CollectiveMember,
    EventKind,
    PartyRole,
)
from backend.agreements.selectors.access import (
    may_make_consortium_agreement,
    may_manage_collective,
    require_coordinator_of,
)
from backend.agreements.services.common import notify_people, transition_to_proposed
from backend.agreements.services.creation import (
    PartySpec,
    create_agreement,
    first_contact,
    log_created,
)
from backend.agreements.services.log import log_event
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.organisations.models import (
    Consortium,
    ConsortiumMembership,
    ConsortiumRole,
    Organisation,
    OrganisationKind,
)


@transaction.atomic
def collective_member_add(
    *, collective: Organisation, company: Organisation, joined_on: dt.date, actor: User
) -> CollectiveMember:
    """A company joins a collective. Koppel staff or a contact person of the collective."""
    # Both may be any id the client sent: refuse outsiders before a message names anything.
    if not may_manage_collective(actor, collective):
        raise PermissionDenied(
            _("Alleen een contactpersoon van het collectief kan leden toevoegen.")
        )
    if collective.kind != OrganisationKind.COLLECTIVE:
        raise field_error(
            "collective", _("%(name)s is geen bedrijvencollectief.") % {"name": collective.name}
        )
    if not company.is_company:
        raise field_error("company", _("Organisatie %(id)s is geen bedrijf.") % {"id": company.pk})
    member, created = CollectiveMember.objects.get_or_create(
        collective=collective, company=company, defaults={"joined_on": joined_on}
    )
    if not created:
        if member.left_on is None:
            raise Conflict(_("%(name)s is al lid.") % {"name": company.name})
        member.left_on, member.joined_on = None, joined_on
        member.save(update_fields=["left_on", "joined_on", "updated_at"])
    return member


@transaction.atomic
def umbrella_create(
    *,
    school: Organisation,
    collective: Organisation,
    actor: User,
    now: dt.datetime,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    mentoring_hours: int = 0,
    provides: str = "",
) -> Agreement:
    """A draft umbrella agreement between a school and a company collective."""
    require_coordinator_of(actor, school)
    if collective.kind != OrganisationKind.COLLECTIVE:
        raise field_error(
            "collective", _("%(name)s is geen bedrijvencollectief.") % {"name": collective.name}
        )
    if ends_on < starts_on:
        raise field_error("ends_on", _("De einddatum ligt voor de startdatum."))
    agreement = create_agreement(
        kind=AgreementKind.UMBRELLA,
        title=title,
        actor=actor,
        now=now,
        parties=[
            (school, PartyRole.SCHOOL, actor),
            (collective, PartyRole.COLLECTIVE, first_contact(collective)),
        ],
        starts_on=starts_on,
        ends_on=ends_on,
        mentoring_hours=mentoring_hours,
        provides=provides,
    )
    log_created(agreement=agreement, actor=actor, now=now, payload={"collective": collective.pk})
    return agreement


@dataclass(frozen=True)
class Rotation:
    company: Organisation
    students: list[User]
    starts_on: dt.date
    ends_on: dt.date
    place: str = ""
    deliverables: str = ""


@transaction.atomic
def umbrella_generate_children(
    *, umbrella: Agreement, rotations: list[Rotation], actor: User, now: dt.datetime
) -> list[Agreement]:
    """Under an accepted or active umbrella, make one short agreement per rotation (a member
    company, the students, the dates) from the umbrella's rotation template. The children are
    proposed at once: the company contact accepts each in one click."""
    umbrella = Agreement.objects.select_for_update().get(pk=umbrella.pk)
    if umbrella.kind != AgreementKind.UMBRELLA:
        raise field_error("umbrella", _("Dit is geen raamafspraak."))
    school = umbrella.parties.get(role=PartyRole.SCHOOL).organisation
    collective = umbrella.parties.get(role=PartyRole.COLLECTIVE).organisation
    require_coordinator_of(actor, school)
    if not umbrella.is_running:
        raise Conflict(_("Eerst moeten alle partijen de raamafspraak accepteren."))
    children = []
    for index, rotation in enumerate(rotations):
        _check_rotation(
            rotation,
            field=f"rotations[{index}]",
            umbrella=umbrella,
            school=school,
            collective=collective,
        )
        children.append(
            _rotation_agreement(rotation, umbrella=umbrella, school=school, actor=actor, now=now)
        )
    return children


def _check_rotation(
    rotation: Rotation,
    *,
    field: str,
    umbrella: Agreement,
    school: Organisation,
    collective: Organisation,
) -> None:
    """A rotation is with a member of the collective (then), within the umbrella's dates, for
    students of the umbrella's school. `field` names the rotation in the errors."""
    member = (
        CollectiveMember.objects.filter(collective=collective, company=rotation.company)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=rotation.ends_on))
        .first()
    )
    if member is None:
        raise field_error(
            f"{field}.company",
            _("%(name)s is geen lid van %(collective)s.")
            % {"name": rotation.company.name, "collective": collective.name},
        )
    if (umbrella.ends_on and rotation.ends_on > umbrella.ends_on) or (
        umbrella.starts_on and rotation.starts_on < umbrella.starts_on
    ):
        raise field_error(
            f"{field}.ends_on", _("Deze rotatie valt buiten de looptijd van de raamafspraak.")
        )
    if not rotation.deliverables.strip():
        raise field_error(
            f"{field}.deliverables", _("Vul in wat de studenten bij dit bedrijf opleveren.")
        )
    for student in rotation.students:
        enrolment = getattr(student, "enrolment", None)
        if enrolment is None or enrolment.school_id != school.pk:
            # Named by the id the client sent: the person may be at another school.
            raise field_error(
                f"{field}.students",
                _("Persoon %(id)s is geen student van %(school)s.")
                % {"id": student.pk, "school": school.name},
            )


def _rotation_agreement(
    rotation: Rotation, *, umbrella: Agreement, school: Organisation, actor: User, now: dt.datetime
) -> Agreement:
    """The short agreement for one rotation, proposed at once to the company's contact."""
    contact = first_contact(rotation.company)
    child = _rotation_draft(
        rotation, umbrella=umbrella, school=school, contact=contact, actor=actor, now=now
    )
    version = log_created(agreement=child, actor=actor, now=now, payload={"umbrella": umbrella.pk})
    transition_to_proposed(agreement=child, version=version, actor=actor, now=now)
    log_event(
        agreement=umbrella,
        kind=EventKind.CHILD_GENERATED,
        actor=actor,
        at=now,
        payload={
            "child": child.pk,
            "company": rotation.company.pk,
            "students": sorted(s.pk for s in rotation.students),
        },
    )
    notify_people(
        people=[contact],
        agreement=child,
        now=now,
        title=gettext_noop("Afspraak '%(title)s' wacht op uw acceptatie"),
        key=f"agreement-{child.pk}-v1-proposed",
    )
    return child


def _rotation_draft(
    rotation: Rotation,
    *,
    umbrella: Agreement,
    school: Organisation,
    contact: User | None,
    actor: User,
    now: dt.datetime,
) -> Agreement:
    """The agreement itself, its terms taken from the umbrella and the rotation."""
    names = ", ".join(sorted(s.first_name for s in rotation.students))
    child = create_agreement(
        kind=AgreementKind.ROTATION,
        title=f"{umbrella.title}: {rotation.company.name} ({names})",
        actor=actor,
        now=now,
        parties=[
            (school, PartyRole.SCHOOL, actor),
            (rotation.company, PartyRole.COMPANY, contact),
        ],
        parent=umbrella,
        starts_on=rotation.starts_on,
        ends_on=rotation.ends_on,
        mentoring_hours=umbrella.mentoring_hours,
        provides=umbrella.provides,
        place=rotation.place,
        deliverables=rotation.deliverables,
    )
    child.participants.set(rotation.students)
    return child


@transaction.atomic
def consortium_agreement_create(
    *, consortium: Consortium, actor: User, now: dt.datetime, starts_on: dt.date, ends_on: dt.date
) -> Agreement:
    """The long-term consortium agreement with every current member (funders excluded) as a party.
    A coordinator, programme lead or admin of a member school (or Koppel staff) creates it."""
    memberships = list(
        consortium.memberships.filter(left_on__isnull=True)
        .exclude(role=ConsortiumRole.FUNDER)
        .select_related("organisation")
    )
    schools = {m.organisation_id for m in memberships if m.organisation.is_school}
    if not may_make_consortium_agreement(actor, schools):
        raise PermissionDenied(
            _(
                "Alleen een coördinator of programmaleider van een school in het consortium kan dit doen."
            )
        )
    if (
        Agreement.objects.open()
        .filter(consortium=consortium, kind=AgreementKind.CONSORTIUM)
        .exists()
    ):
        raise Conflict(
            _("%(name)s heeft al een lopende consortiumovereenkomst.") % {"name": consortium.name}
        )
    agreement = create_agreement(
        kind=AgreementKind.CONSORTIUM,
        title=consortium.name,
        parties=_consortium_parties(memberships, actor=actor),
        actor=actor,
        now=now,
        consortium=consortium,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    log_created(agreement=agreement, actor=actor, now=now, payload={"consortium": consortium.pk})
    return agreement


def _consortium_parties(memberships: list[ConsortiumMembership], *, actor: User) -> list[PartySpec]:
    """Every member as a party. The creator is contact for their own school; a company's first
    contact for a company; another school names its contact when it accepts."""
    parties: list[PartySpec] = []
    for membership in memberships:
        organisation = membership.organisation
        contact = (
            actor
            if organisation.pk in coordinator_school_ids(actor)
            else (None if organisation.is_school else first_contact(organisation))
        )
        parties.append((organisation, PartyRole.MEMBER, contact))
    return parties
