"""Creating a round and moving it through its phases (by a coordinator or by Celery beat)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.allocations.models import (
    MAX_CHOICES_LIMIT,
    AllocationRound,
    Phase,
    RoundChallenge,
    RoundHost,
)
from backend.allocations.selectors.access import (
    challenges_for_round_of,
    require_may_open_round,
    require_round_manager,
)
from backend.allocations.selectors.notices import Addressee, students_without_choices
from backend.allocations.selectors.review import open_objection_count
from backend.allocations.services.common import lock_round, record_event, require_phase
from backend.core.errors import ApplicationError, Conflict, field_error
from backend.core.links import PageLink
from backend.curriculum.models import Kwalificatie
from backend.notifications.services import Message, message_for, notify_many
from backend.offers.models import Offer
from backend.organisations.models import Consortium, Organisation

REMINDER_BEFORE = dt.timedelta(days=2)


def _choice_limit_errors(min_choices: int, max_choices: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 1 <= min_choices <= MAX_CHOICES_LIMIT:
        errors["min_choices"] = [
            _("Kies een minimum tussen 1 en %(max)d.") % {"max": MAX_CHOICES_LIMIT}
        ]
    if not 1 <= max_choices <= MAX_CHOICES_LIMIT:
        errors["max_choices"] = [
            _("Kies een maximum tussen 1 en %(max)d.") % {"max": MAX_CHOICES_LIMIT}
        ]
    elif min_choices > max_choices:
        errors["max_choices"] = [_("Het maximum mag niet kleiner zijn dan het minimum.")]
    return errors


def _check_settings(allocation_round: AllocationRound, now: dt.datetime) -> None:
    """The round's choice limits and dates, every field at fault named at once."""
    errors = _choice_limit_errors(allocation_round.min_choices, allocation_round.max_choices)
    close, open_at = allocation_round.choices_close_at, allocation_round.choices_open_at
    if allocation_round.objections_close_at <= close:
        errors["objections_close_at"] = [
            _("De bezwaartermijn moet na de sluiting van de keuzes eindigen.")
        ]
    if open_at and open_at >= close:
        errors["choices_open_at"] = [_("De keuzes moeten openen voordat ze sluiten.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, extra={"fields": errors})
    if close <= now:
        raise field_error(
            "choices_close_at", _("De sluitingsdatum voor keuzes ligt in het verleden.")
        )


def _check_new_round(allocation_round: AllocationRound, actor: User, now: dt.datetime) -> None:
    """A new round names one organiser the actor coordinates, a name and sound settings."""
    school, consortium = allocation_round.school, allocation_round.consortium
    if (school is None) == (consortium is None):
        raise field_error("school", _("Kies een school of een consortium (precies één)."))
    require_may_open_round(actor, school=school, consortium=consortium)
    if not allocation_round.name:
        raise field_error("name", _("Geef de ronde een naam."))
    _check_settings(allocation_round, now)


def _round_challenges(
    challenges: Sequence[Offer | int], *, school_id: int | None, consortium_id: int | None
) -> list[Offer]:
    """The round's challenges in the order given (each once). An id that does not exist and one
    of an offer the round may not hold (a draft, another school's or consortium's) get the same
    answer, which names only the ids the client sent: no titles, nothing to enumerate."""
    ids = list(dict.fromkeys(c if isinstance(c, int) else c.pk for c in challenges))
    found = challenges_for_round_of(school_id=school_id, consortium_id=consortium_id).in_bulk(ids)
    wrong = [pk for pk in ids if pk not in found]
    if wrong:
        raise field_error(
            "challenges",
            _(
                "Deze uitdagingen bestaan niet of horen niet bij deze ronde: %(ids)s. Alleen "
                "gepubliceerde uitdagingen die bij de school of het consortium van de ronde zijn "
                "ingediend kunnen meedoen."
            )
            % {"ids": ", ".join(str(pk) for pk in wrong)},
        )
    return [found[pk] for pk in ids]


def _check_hosts(host_capacities: dict[int, int], challenges: Sequence[Offer]) -> None:
    """A total capacity only for companies that offer a challenge in this round (named by the
    ids the client sent, never by another organisation's data)."""
    hosts = {offer.owner_id for offer in challenges}
    wrong = [pk for pk in host_capacities if pk not in hosts]
    if wrong:
        raise field_error(
            "host_capacities",
            _("Deze bedrijven hebben geen uitdaging in deze ronde: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in wrong)},
        )


def _add_challenges(
    allocation_round: AllocationRound, offers: Sequence[Offer], capacities: dict[int, int] | None
) -> None:
    capacities = capacities or {}
    RoundChallenge.objects.bulk_create(
        [
            RoundChallenge(round=allocation_round, offer=o, capacity=capacities.get(o.pk))
            for o in offers
        ]
    )


def _add_hosts(allocation_round: AllocationRound, host_capacities: dict[int, int]) -> None:
    RoundHost.objects.bulk_create(
        [
            RoundHost(round=allocation_round, organisation_id=org_id, capacity=capacity)
            for org_id, capacity in host_capacities.items()
        ]
    )


@transaction.atomic
def allocation_round_create(
    *,
    actor: User,
    name: str,
    choices_close_at: dt.datetime,
    objections_close_at: dt.datetime,
    now: dt.datetime,
    school: Organisation | None = None,
    consortium: Consortium | None = None,
    period: str = "",
    kwalificaties: Sequence[Kwalificatie] = (),
    cohorts: Sequence[int] = (),
    challenges: Sequence[Offer | int] = (),
    capacities: dict[int, int] | None = None,
    host_capacities: dict[int, int] | None = None,
    min_choices: int = 3,
    max_choices: int = 5,
    choices_open_at: dt.datetime | None = None,
) -> AllocationRound:
    """Open a round in the phase 'preparing'. `challenges`: offers or their ids, published and
    submitted to the round's school or consortium; `capacities`: {offer id: places in this
    round}; `host_capacities`: {company id: total places}. Only a coordinator of the school (or
    of a member school of the consortium) may do this."""
    allocation_round = AllocationRound(
        name=name.strip(),
        period=period,
        school=school,
        consortium=consortium,
        cohorts=sorted({int(c) for c in cohorts}),
        min_choices=min_choices,
        max_choices=max_choices,
        choices_open_at=choices_open_at,
        choices_close_at=choices_close_at,
        objections_close_at=objections_close_at,
        phase=Phase.PREPARING,
        phase_changed_at=now,
        created_by=actor,
    )
    _check_new_round(allocation_round, actor, now)
    return _save_new_round(
        allocation_round,
        kwalificaties=kwalificaties,
        offers=_round_challenges(
            challenges,
            school_id=allocation_round.school_id,
            consortium_id=allocation_round.consortium_id,
        ),
        capacities=capacities,
        host_capacities=host_capacities or {},
        now=now,
    )


def _save_new_round(
    allocation_round: AllocationRound,
    *,
    kwalificaties: Sequence[Kwalificatie],
    offers: list[Offer],
    capacities: dict[int, int] | None,
    host_capacities: dict[int, int],
    now: dt.datetime,
) -> AllocationRound:
    """Store a checked new round with its programmes, challenges and host capacities."""
    _check_hosts(host_capacities, offers)
    allocation_round.save(force_insert=True)
    allocation_round.kwalificaties.set(kwalificaties)
    _add_challenges(allocation_round, offers, capacities)
    _add_hosts(allocation_round, host_capacities)
    record_event(
        allocation_round=allocation_round,
        actor=allocation_round.created_by,
        kind="created",
        now=now,
        challenges=[o.pk for o in offers],
    )
    return allocation_round


@transaction.atomic
def allocation_round_set_challenges(
    *,
    allocation_round: AllocationRound,
    actor: User,
    challenges: Sequence[Offer | int],
    capacities: dict[int, int] | None = None,
    now: dt.datetime,
) -> AllocationRound:
    """Replace the challenges of a round (offers or their ids, as for a new round); only before
    students start choosing."""
    require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    require_phase(allocation_round, Phase.PREPARING)
    offers = _round_challenges(
        challenges,
        school_id=allocation_round.school_id,
        consortium_id=allocation_round.consortium_id,
    )
    RoundChallenge.objects.filter(round=allocation_round).delete()
    _add_challenges(allocation_round, offers, capacities)
    record_event(
        allocation_round=allocation_round,
        actor=actor,
        kind="challenges_set",
        now=now,
        challenges=[o.pk for o in offers],
    )
    return allocation_round


def _move(
    allocation_round: AllocationRound,
    *,
    to: str,
    actor: User | None,
    now: dt.datetime,
    **data: Any,
) -> AllocationRound:
    previous = allocation_round.phase
    allocation_round.phase = to
    allocation_round.phase_changed_at = now
    allocation_round.save(update_fields=["phase", "phase_changed_at", "updated_at"])
    record_event(
        allocation_round=allocation_round,
        actor=actor,
        kind="phase",
        now=now,
        **{"from": previous, "to": to},
        **data,
    )
    return allocation_round


@transaction.atomic
def allocation_round_open_choosing(
    *, allocation_round: AllocationRound, actor: User | None, now: dt.datetime
) -> AllocationRound:
    """preparing → choosing. `actor` None means Celery beat at `choices_open_at`."""
    if actor is not None:
        require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    require_phase(allocation_round, Phase.PREPARING)
    if not RoundChallenge.objects.filter(round=allocation_round).exists():
        raise Conflict(_("Voeg eerst uitdagingen toe aan de ronde."))
    if allocation_round.choices_close_at <= now:
        raise Conflict(_("De sluitingsdatum voor keuzes is al voorbij; pas die eerst aan."))
    return _move(allocation_round, to=Phase.CHOOSING, actor=actor, now=now)


@transaction.atomic
def allocation_round_close_choosing(
    *, allocation_round: AllocationRound, actor: User | None, now: dt.datetime
) -> AllocationRound:
    """choosing → allocating: students can no longer change their choices."""
    if actor is not None:
        require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    require_phase(allocation_round, Phase.CHOOSING)
    return _move(allocation_round, to=Phase.ALLOCATING, actor=actor, now=now)


@transaction.atomic
def allocation_round_close(
    *, allocation_round: AllocationRound, actor: User, now: dt.datetime
) -> AllocationRound:
    """objections → closed, once every objection has been decided."""
    require_round_manager(actor, allocation_round)
    allocation_round = lock_round(allocation_round)
    require_phase(allocation_round, Phase.OBJECTIONS, Phase.PUBLISHED)
    open_count = open_objection_count(allocation_round)
    if open_count:
        raise Conflict(
            _("Er staan nog %(count)d bezwaren open; handel die eerst af.") % {"count": open_count}
        )
    return _move(allocation_round, to=Phase.CLOSED, actor=actor, now=now)


def _open_due_choosing(now: dt.datetime) -> list[tuple[int, str]]:
    moved: list[tuple[int, str]] = []
    for allocation_round in AllocationRound.objects.filter(
        phase=Phase.PREPARING, choices_open_at__lte=now, choices_close_at__gt=now
    ):
        try:
            allocation_round_open_choosing(allocation_round=allocation_round, actor=None, now=now)
            moved.append((allocation_round.pk, Phase.CHOOSING))
        except ApplicationError:
            continue  # no challenges yet: the coordinator sees the round still preparing
    return moved


def _close_due_choosing(now: dt.datetime) -> list[tuple[int, str]]:
    moved: list[tuple[int, str]] = []
    for allocation_round in AllocationRound.objects.filter(
        phase=Phase.CHOOSING, choices_close_at__lte=now
    ):
        allocation_round_close_choosing(allocation_round=allocation_round, actor=None, now=now)
        moved.append((allocation_round.pk, Phase.ALLOCATING))
    return moved


def _end_due_objection_windows(now: dt.datetime) -> list[tuple[int, str]]:
    moved: list[tuple[int, str]] = []
    for allocation_round in AllocationRound.objects.filter(
        phase=Phase.PUBLISHED, objections_close_at__lte=now
    ):
        with transaction.atomic():
            locked = lock_round(allocation_round)
            if locked.phase == Phase.PUBLISHED:
                _move(locked, to=Phase.OBJECTIONS, actor=None, now=now)
                moved.append((allocation_round.pk, Phase.OBJECTIONS))
    return moved


def allocation_rounds_advance(*, now: dt.datetime) -> list[tuple[int, str]]:
    """Move every round whose deadline has passed (Celery beat). Returns [(round id, new phase)].

    Idempotent: a round already moved is no longer selected; each move locks its row."""
    return [
        *_open_due_choosing(now),
        *_close_due_choosing(now),
        *_end_due_objection_windows(now),
    ]


def _reminder(allocation_round: AllocationRound, student: Addressee) -> Message:
    close = localtime(allocation_round.choices_close_at).strftime("%d-%m-%Y %H:%M")
    return message_for(
        student,
        category="allocation_reminder",
        title=lambda: _("Kies je uitdagingen voor %(round)s") % {"round": allocation_round.name},
        body=lambda: (
            _("Je hebt nog geen keuzes ingeleverd. De keuzes sluiten op %(date)s.")
            % {"date": close}
        ),
        link=PageLink("round-student", allocation_round.pk),
        dedupe_key=f"round-{allocation_round.pk}-choice-reminder",
    )


def allocation_choice_reminders_send(*, now: dt.datetime) -> int:
    """Remind students who have not chosen yet, two days before the deadline, once each.

    Idempotent through the notification dedupe key; returns the number of new reminders."""
    sent = 0
    rounds = AllocationRound.objects.filter(
        phase=Phase.CHOOSING, choices_close_at__gt=now, choices_close_at__lte=now + REMINDER_BEFORE
    )
    for allocation_round in rounds:
        messages = [
            _reminder(allocation_round, student)
            for student in students_without_choices(allocation_round)
        ]
        sent += len(notify_many(messages=messages, now=now))
    return sent
