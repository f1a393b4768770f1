"""Creating a round and moving it through its phases (by a coordinator or by Celery beat)."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import override

from backend.accounts.models import User
from backend.accounts.selectors import consortium_ids_for_organisations, coordinator_school_ids
from backend.allocations.models import (
    MAX_CHOICES_LIMIT,
    AllocationRound,
    ChoiceList,
    Objection,
    ObjectionStatus,
    Phase,
    RoundChallenge,
    RoundHost,
)
from backend.allocations.selectors.access import challenges_for_round_of, round_enrolments
from backend.allocations.services.common import (
    lock_round,
    record_event,
    require_manager,
    require_phase,
)
from backend.core.errors import ApplicationError, Conflict, PermissionDenied, field_error
from backend.curriculum.models import Kwalificatie
from backend.notifications.services import Message, notify_many
from backend.offers.models import Offer
from backend.organisations.models import Consortium, Organisation

REMINDER_BEFORE = dt.timedelta(days=2)


def _check_settings(
    *,
    min_choices: int,
    max_choices: int,
    choices_close_at,
    objections_close_at,
    choices_open_at=None,
) -> None:
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
    if objections_close_at <= choices_close_at:
        errors["objections_close_at"] = [
            _("De bezwaartermijn moet na de sluiting van de keuzes eindigen.")
        ]
    if choices_open_at and choices_open_at >= choices_close_at:
        errors["choices_open_at"] = [_("De keuzes moeten openen voordat ze sluiten.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, extra={"fields": errors})


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
    if (school is None) == (consortium is None):
        raise field_error("school", _("Kies een school of een consortium (precies één)."))
    own = coordinator_school_ids(actor)
    if not actor.is_staff:
        if school is not None and school.pk not in own:
            raise PermissionDenied(_("Je kunt alleen rondes openen voor je eigen school."))
        if consortium is not None and consortium.pk not in consortium_ids_for_organisations(own):
            raise PermissionDenied(_("Je school is geen lid van dit consortium."))
    if not name.strip():
        raise field_error("name", _("Geef de ronde een naam."))
    _check_settings(
        min_choices=min_choices,
        max_choices=max_choices,
        choices_close_at=choices_close_at,
        objections_close_at=objections_close_at,
        choices_open_at=choices_open_at,
    )
    if choices_close_at <= now:
        raise field_error(
            "choices_close_at", _("De sluitingsdatum voor keuzes ligt in het verleden.")
        )
    offers = _round_challenges(
        challenges,
        school_id=school.pk if school else None,
        consortium_id=consortium.pk if consortium else None,
    )
    _check_hosts(host_capacities or {}, offers)
    round = AllocationRound.objects.create(
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
    round.kwalificaties.set(kwalificaties)
    capacities = capacities or {}
    RoundChallenge.objects.bulk_create(
        [RoundChallenge(round=round, offer=o, capacity=capacities.get(o.pk)) for o in offers]
    )
    RoundHost.objects.bulk_create(
        [
            RoundHost(round=round, organisation_id=org_id, capacity=capacity)
            for org_id, capacity in (host_capacities or {}).items()
        ]
    )
    record_event(
        round=round, actor=actor, kind="created", now=now, challenges=[o.pk for o in offers]
    )
    return round


@transaction.atomic
def allocation_round_set_challenges(
    *,
    round: AllocationRound,
    actor: User,
    challenges: Sequence[Offer | int],
    capacities: dict[int, int] | None = None,
    now: dt.datetime,
) -> AllocationRound:
    """Replace the challenges of a round (offers or their ids, as for a new round); only before
    students start choosing."""
    require_manager(round, actor)
    round = lock_round(round)
    require_phase(round, Phase.PREPARING)
    offers = _round_challenges(
        challenges, school_id=round.school_id, consortium_id=round.consortium_id
    )
    capacities = capacities or {}
    RoundChallenge.objects.filter(round=round).delete()
    RoundChallenge.objects.bulk_create(
        [RoundChallenge(round=round, offer=o, capacity=capacities.get(o.pk)) for o in offers]
    )
    record_event(
        round=round,
        actor=actor,
        kind="challenges_set",
        now=now,
        challenges=[o.pk for o in offers],
    )
    return round


def _move(
    round: AllocationRound, *, to: str, actor: User | None, now: dt.datetime, **data
) -> AllocationRound:
    previous = round.phase
    round.phase = to
    round.phase_changed_at = now
    round.save(update_fields=["phase", "phase_changed_at", "updated_at"])
    record_event(
        round=round, actor=actor, kind="phase", now=now, **{"from": previous, "to": to}, **data
    )
    return round


@transaction.atomic
def allocation_round_open_choosing(
    *, round: AllocationRound, actor: User | None, now: dt.datetime
) -> AllocationRound:
    """preparing → choosing. `actor` None means Celery beat at `choices_open_at`."""
    if actor is not None:
        require_manager(round, actor)
    round = lock_round(round)
    require_phase(round, Phase.PREPARING)
    if not RoundChallenge.objects.filter(round=round).exists():
        raise Conflict(_("Voeg eerst uitdagingen toe aan de ronde."))
    if round.choices_close_at <= now:
        raise Conflict(_("De sluitingsdatum voor keuzes is al voorbij; pas die eerst aan."))
    return _move(round, to=Phase.CHOOSING, actor=actor, now=now)


@transaction.atomic
def allocation_round_close_choosing(
    *, round: AllocationRound, actor: User | None, now: dt.datetime
) -> AllocationRound:
    """choosing → allocating: students can no longer change their choices."""
    if actor is not None:
        require_manager(round, actor)
    round = lock_round(round)
    require_phase(round, Phase.CHOOSING)
    return _move(round, to=Phase.ALLOCATING, actor=actor, now=now)


@transaction.atomic
def allocation_round_close(
    *, round: AllocationRound, actor: User, now: dt.datetime
) -> AllocationRound:
    """objections → closed, once every objection has been decided."""
    require_manager(round, actor)
    round = lock_round(round)
    require_phase(round, Phase.OBJECTIONS, Phase.PUBLISHED)
    open_count = Objection.objects.filter(round=round, status=ObjectionStatus.OPEN).count()
    if open_count:
        raise Conflict(
            _("Er staan nog %(count)d bezwaren open; handel die eerst af.") % {"count": open_count}
        )
    return _move(round, to=Phase.CLOSED, actor=actor, now=now)


def allocation_rounds_advance(*, now: dt.datetime) -> list[tuple[int, str]]:
    """Move every round whose deadline has passed (Celery beat). Returns [(round id, new phase)].

    Idempotent: a round already moved is no longer selected; each move locks its row."""
    moved: list[tuple[int, str]] = []
    for round in AllocationRound.objects.filter(
        phase=Phase.PREPARING, choices_open_at__lte=now, choices_close_at__gt=now
    ):
        try:
            allocation_round_open_choosing(round=round, actor=None, now=now)
            moved.append((round.pk, Phase.CHOOSING))
        except ApplicationError:
            continue  # no challenges yet: the coordinator sees the round still preparing
    for round in AllocationRound.objects.filter(phase=Phase.CHOOSING, choices_close_at__lte=now):
        allocation_round_close_choosing(round=round, actor=None, now=now)
        moved.append((round.pk, Phase.ALLOCATING))
    for round in AllocationRound.objects.filter(
        phase=Phase.PUBLISHED, objections_close_at__lte=now
    ):
        with transaction.atomic():
            locked = lock_round(round)
            if locked.phase == Phase.PUBLISHED:
                _move(locked, to=Phase.OBJECTIONS, actor=None, now=now)
                moved.append((round.pk, Phase.OBJECTIONS))
    return moved


def allocation_choice_reminders_send(*, now: dt.datetime) -> int:
    """Remind students who have not chosen yet, two days before the deadline, once each.

    Idempotent through the notification dedupe key; returns the number of new reminders."""
    sent = 0
    rounds = AllocationRound.objects.filter(
        phase=Phase.CHOOSING, choices_close_at__gt=now, choices_close_at__lte=now + REMINDER_BEFORE
    )
    for round in rounds:
        waiting = (
            round_enrolments(round)
            .exclude(student_id__in=ChoiceList.objects.filter(round=round).values("student_id"))
            .values_list("student_id", "student__preferred_language")
        )
        url = reverse("frontend:round-student", args=[round.pk])
        messages = []
        for student_id, language in waiting:
            with override(language or "nl"):
                messages.append(
                    Message(
                        recipient_id=student_id,
                        category="allocation_reminder",
                        title=_("Kies je uitdagingen voor %(round)s") % {"round": round.name},
                        body=_("Je hebt nog geen keuzes ingeleverd. De keuzes sluiten op %(date)s.")
                        % {"date": localtime(round.choices_close_at).strftime("%d-%m-%Y %H:%M")},
                        url=url,
                        dedupe_key=f"round-{round.pk}-choice-reminder",
                    )
                )
        sent += len(notify_many(messages=messages, now=now))
    return sent
