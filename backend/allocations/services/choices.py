"""Students hand in (and change) their ranked choices while choosing is open."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import StudentEnrolment, User
from backend.allocations import engine_adapter, texts
from backend.allocations.models import (
    AllocationRound,
    Choice,
    ChoiceList,
    RoundChallenge,
)
from backend.allocations.selectors.access import get_round_for_student, round_enrolments
from backend.allocations.selectors.snapshot import challenge_records
from backend.allocations.selectors.student import student_record
from backend.allocations.selectors.teams import MAX_TEAMMATES
from backend.allocations.services.counts import choices_changed
from backend.core.errors import ApplicationError, Conflict

__all__ = ["MAX_TEAMMATES", "choice_add", "choice_list_submit", "choice_remove"]


def _fail(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"fields": {field: [message]}})


def _check_window(allocation_round: AllocationRound, now: dt.datetime) -> None:
    # Students only reach a round once it has left 'preparing' (see get_round_for_student).
    if not allocation_round.choosing_is_open(now):
        raise Conflict(_("Je kunt niet meer kiezen: de keuzes voor deze ronde zijn gesloten."))


def _not_in_round(offer_id: int) -> ApplicationError:
    # The same words for an id that does not exist and for another school's (draft) offer, and
    # only the id the student sent: no title of an offer outside the round, nothing to enumerate.
    return _fail(
        "choices",
        _("Uitdaging %(id)s bestaat niet of doet niet mee aan deze ronde.") % {"id": offer_id},
    )


def _check_no_duplicates(offer_ids: Sequence[int], titles: dict[int, str]) -> None:
    seen: set[int] = set()
    for offer_id in offer_ids:
        if offer_id in seen:
            if offer_id not in titles:
                raise _not_in_round(offer_id)
            raise _fail(
                "choices",
                _("Je hebt '%(title)s' twee keer gekozen; kies elke uitdaging maar één keer.")
                % {"title": titles[offer_id]},
            )
        seen.add(offer_id)


def _check_count(allocation_round: AllocationRound, n: int) -> None:
    if n < allocation_round.min_choices:
        raise _fail(
            "choices",
            _("Kies minstens %(min)d uitdagingen; je koos er %(n)d.")
            % {"min": allocation_round.min_choices, "n": n},
        )
    if n > allocation_round.max_choices:
        raise _fail(
            "choices",
            _("Kies hoogstens %(max)d uitdagingen; je koos er %(n)d.")
            % {"max": allocation_round.max_choices, "n": n},
        )


def _check_eligible(
    allocation_round: AllocationRound,
    enrolment: StudentEnrolment,
    offer_ids: Sequence[int],
    titles: dict[int, str],
    *,
    today: dt.date,
) -> None:
    """Each choice is in the round and open to the student (the engine's own rules)."""
    records = {c.offer_id: c for c in challenge_records(allocation_round, offer_ids=offer_ids)}
    me = student_record(allocation_round, enrolment, today=today)
    for offer_id in offer_ids:
        record = records.get(offer_id)
        if record is None:
            raise _not_in_round(offer_id)
        why = engine_adapter.ineligibility(me, record)
        if why is not None:
            raise _fail(
                "choices",
                _("Je kunt '%(title)s' niet kiezen: %(reason)s.")
                % {"title": titles[offer_id], "reason": texts.rule_sentence(why)},
            )


def _check_choices(
    allocation_round: AllocationRound,
    enrolment: StudentEnrolment,
    offer_ids: Sequence[int],
    *,
    today: dt.date,
) -> None:
    # Only the chosen challenges are read (a save costs the same in a round of 10,000).
    titles = dict(
        RoundChallenge.objects.filter(
            round=allocation_round, offer_id__in=set(offer_ids)
        ).values_list("offer_id", "offer__title")
    )
    _check_no_duplicates(offer_ids, titles)
    _check_count(allocation_round, len(offer_ids))
    _check_eligible(allocation_round, enrolment, offer_ids, titles, today=today)


def _check_teammates(
    allocation_round: AllocationRound, enrolment: StudentEnrolment, teammate_ids: Sequence[int]
) -> None:
    if len(set(teammate_ids)) != len(teammate_ids):
        raise _fail("teammates", _("Je hebt dezelfde klasgenoot twee keer genoemd."))
    if len(teammate_ids) > MAX_TEAMMATES:
        raise _fail(
            "teammates",
            _("Je kunt hoogstens %(max)d klasgenoten noemen; je noemde er %(n)d.")
            % {"max": MAX_TEAMMATES, "n": len(teammate_ids)},
        )
    if enrolment.student_id in teammate_ids:
        raise _fail("teammates", _("Je kunt jezelf niet als teamgenoot noemen."))
    known = set(
        round_enrolments(allocation_round)
        .filter(school_id=enrolment.school_id, student_id__in=teammate_ids)
        .values_list("student_id", flat=True)
    )
    if known != set(teammate_ids):
        raise _fail(
            "teammates", _("Je kunt alleen klasgenoten noemen die ook aan deze ronde meedoen.")
        )


@transaction.atomic
def choice_list_submit(
    *,
    allocation_round: AllocationRound,
    student: User,
    offer_ids: Sequence[int],
    teammate_ids: Sequence[int] = (),
    now: dt.datetime,
) -> ChoiceList:
    """Store the student's ranked choices (best first), replacing earlier ones.

    Errors (with the field at fault): not taking part (403), outside the window (409),
    duplicates, too few or too many, a challenge outside the round, not eligible."""
    allocation_round, enrolment = get_round_for_student(student, allocation_round.pk)
    _check_window(allocation_round, now)
    offer_ids = [int(pk) for pk in offer_ids]
    teammate_ids = [int(pk) for pk in teammate_ids]
    _check_choices(allocation_round, enrolment, offer_ids, today=now.date())
    _check_teammates(allocation_round, enrolment, teammate_ids)
    # Locked: the choices replaced are the ones the counts are corrected for.
    choice_list, created = ChoiceList.objects.select_for_update().get_or_create(
        round=allocation_round, student=student, defaults={"submitted_at": now, "updated_at": now}
    )
    before: list[int] = []
    if not created:
        before = _chosen(choice_list)
        choice_list.updated_at = now
        choice_list.save(update_fields=["updated_at"])
        choice_list.choices.all().delete()
    Choice.objects.bulk_create(
        [
            Choice(choice_list=choice_list, offer_id=pk, position=i)
            for i, pk in enumerate(offer_ids, 1)
        ]
    )
    choice_list.teammates.set(teammate_ids)
    # Last: the challenges' rows stay locked until the commit.
    choices_changed(allocation_round.pk, before, offer_ids)
    return choice_list


def _chosen(choice_list: ChoiceList) -> list[int]:
    """The list's offer ids, best first."""
    return list(choice_list.choices.order_by("position").values_list("offer_id", flat=True))


def _titles_of(allocation_round: AllocationRound, offer_ids: Sequence[int]) -> dict[int, str]:
    return dict(
        RoundChallenge.objects.filter(
            round=allocation_round, offer_id__in=list(offer_ids)
        ).values_list("offer_id", "offer__title")
    )


@transaction.atomic
def choice_add(
    *, allocation_round: AllocationRound, student: User, offer_id: int, now: dt.datetime
) -> int:
    """Put one challenge at the end of the student's choices (from the challenge's page) and
    return its position. The list may stay shorter than the round's minimum until the student
    adds more; the full-list checks (choice_list_submit) apply to the whole list.

    Errors (field "choices"): not taking part (403), outside the window (409), a challenge
    outside the round or not open to the student, already chosen, the list is full."""
    allocation_round, enrolment = get_round_for_student(student, allocation_round.pk)
    _check_window(allocation_round, now)
    offer_id = int(offer_id)
    titles = _titles_of(allocation_round, [offer_id])
    _check_eligible(allocation_round, enrolment, [offer_id], titles, today=now.date())
    choice_list, created = ChoiceList.objects.select_for_update().get_or_create(
        round=allocation_round, student=student, defaults={"submitted_at": now, "updated_at": now}
    )
    chosen = _chosen(choice_list)
    if offer_id in chosen:
        raise _fail(
            "choices",
            _("Je hebt '%(title)s' al gekozen, op plek %(position)d.")
            % {"title": titles[offer_id], "position": chosen.index(offer_id) + 1},
        )
    if len(chosen) >= allocation_round.max_choices:
        raise _fail(
            "choices",
            _(
                "Je hebt al %(max)d keuzes, het maximum voor deze ronde. Haal er eerst een weg "
                "op de pagina Mijn keuzes."
            )
            % {"max": allocation_round.max_choices},
        )
    position = len(chosen) + 1
    Choice.objects.create(choice_list=choice_list, offer_id=offer_id, position=position)
    if not created:
        choice_list.updated_at = now
        choice_list.save(update_fields=["updated_at"])
    choices_changed(allocation_round.pk, chosen, [*chosen, offer_id])
    return position


@transaction.atomic
def choice_remove(
    *, allocation_round: AllocationRound, student: User, offer_id: int, now: dt.datetime
) -> None:
    """Take one challenge off the student's choices; the ones after it move up a place.

    Errors: not taking part (403), outside the window (409), not among the choices."""
    allocation_round, _enrolment = get_round_for_student(student, allocation_round.pk)
    _check_window(allocation_round, now)
    choice_list = (
        ChoiceList.objects.select_for_update()
        .filter(round=allocation_round, student=student)
        .first()
    )
    before = _chosen(choice_list) if choice_list else []
    if choice_list is None or int(offer_id) not in before:
        raise _fail("choices", _("Deze uitdaging staat niet bij je keuzes."))
    chosen = [pk for pk in before if pk != int(offer_id)]
    choice_list.choices.all().delete()
    Choice.objects.bulk_create(
        [Choice(choice_list=choice_list, offer_id=pk, position=i) for i, pk in enumerate(chosen, 1)]
    )
    choice_list.updated_at = now
    choice_list.save(update_fields=["updated_at"])
    choices_changed(allocation_round.pk, before, chosen)
