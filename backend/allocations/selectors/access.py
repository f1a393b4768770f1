"""Who may see or run which round: the one home of the allocations area's access rules. Every
API, page and service asks these functions.

- A coordinator (or programme lead / institution admin: COORDINATING_ROLES) opens rounds for
  their own school and manages the rounds of their own school and the consortium rounds of
  consortia their school belongs to; Koppel staff may do everything.
- Teachers and coaches read the rounds of their school (same rule, read-only).
- A student sees the rounds they take part in, and only their own choices and result.
- A company contact sees only its own teams, after publication.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import StudentEnrolment, User
from backend.accounts.selectors import (
    coordinator_school_ids,
    staff_school_ids,
    student_enrolment,
)
from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    Objection,
    Phase,
    RoundChallenge,
)
from backend.core.errors import NotFound, PermissionDenied
from backend.core.ids import parse_id
from backend.curriculum.models import Kwalificatie
from backend.offers.models import Offer
from backend.organisations.models import Consortium, ConsortiumMembership, Organisation
from backend.organisations.selectors import consortium_ids_for_organisations


def _rounds_for_schools(school_ids: set[int]) -> QuerySet[AllocationRound]:
    if not school_ids:
        return AllocationRound.objects.none()
    consortia = consortium_ids_for_organisations(school_ids)
    return AllocationRound.objects.filter(
        Q(school_id__in=school_ids) | Q(consortium_id__in=consortia)
    )


def rounds_managed_by(user: User) -> QuerySet[AllocationRound]:
    if user.is_staff:
        return AllocationRound.objects.all()
    return _rounds_for_schools(coordinator_school_ids(user))


def rounds_readable_by_staff(user: User) -> QuerySet[AllocationRound]:
    if user.is_staff:
        return AllocationRound.objects.all()
    return _rounds_for_schools(staff_school_ids(user))


def may_open_rounds(user: User) -> bool:
    """Koppel staff and a school's coordinating staff may open rounds (each for their own
    schools and consortia: see require_may_open_round)."""
    return bool(user.is_authenticated and (user.is_staff or coordinator_school_ids(user)))


def require_may_open_rounds(user: User) -> None:
    if not may_open_rounds(user):
        raise PermissionDenied(_("Alleen coördinatoren kunnen een indelingsronde openen."))


def require_may_open_round(
    user: User, *, school: Organisation | None, consortium: Consortium | None
) -> None:
    """A round only for the user's own school, or for a consortium their school belongs to."""
    own = coordinator_school_ids(user)
    if user.is_staff:
        return
    if school is not None and school.pk not in own:
        raise PermissionDenied(_("Je kunt alleen rondes openen voor je eigen school."))
    if consortium is not None and consortium.pk not in consortium_ids_for_organisations(own):
        raise PermissionDenied(_("Je school is geen lid van dit consortium."))


def schools_for_new_round(user: User) -> QuerySet[Organisation]:
    """The schools the user may open a round for (the new-round form lists these)."""
    return Organisation.objects.filter(pk__in=coordinator_school_ids(user))


def consortia_for_new_round(user: User) -> QuerySet[Consortium]:
    """The consortia of the user's schools, which they may open a round for."""
    schools = coordinator_school_ids(user)
    return Consortium.objects.filter(pk__in=consortium_ids_for_organisations(schools))


def kwalificaties_for_new_round(user: User) -> QuerySet[Kwalificatie]:
    """The programmes students of the user's schools are enrolled in."""
    schools = coordinator_school_ids(user)
    return Kwalificatie.objects.filter(enrolments__school_id__in=schools).distinct()


def _member_school_ids(consortium_id: int) -> set[int]:
    return set(
        ConsortiumMembership.objects.filter(
            consortium_id=consortium_id,
            left_on__isnull=True,
            organisation__kind__in=["school", "hogeschool"],
        ).values_list("organisation_id", flat=True)
    )


def round_school_ids(allocation_round: AllocationRound) -> set[int]:
    """The schools whose students take part: the round's school or the consortium's schools."""
    if allocation_round.school_id:
        return {allocation_round.school_id}
    if allocation_round.consortium_id is None:  # never: a database constraint
        return set()
    return _member_school_ids(allocation_round.consortium_id)


def challenges_for_round_of(*, school_id: int | None, consortium_id: int | None) -> QuerySet[Offer]:
    """The challenges a round of this school (or consortium) may hold: published challenges
    submitted to the school or to a consortium it belongs to; for a consortium round, submitted
    to that consortium or to one of its member schools. Nothing of other schools or consortia."""
    if school_id is not None:
        schools = {school_id}
        consortia = consortium_ids_for_organisations(schools)
    elif consortium_id is not None:
        schools = _member_school_ids(consortium_id)
        consortia = {consortium_id}
    else:
        return Offer.objects.none()
    submitted_to_school = Exists(
        Offer.schools.through.objects.filter(offer_id=OuterRef("pk"), organisation_id__in=schools)
    )
    return (
        Offer.objects.challenges()
        .published()
        .filter(Q(submitted_to_school) | Q(consortium_id__in=consortia))
    )


def challenges_for_rounds_of_coordinator(user: User) -> QuerySet[Offer]:
    """The challenges any round `user` may open could hold: those of a round of each of their
    schools and of each consortium those schools belong to (the new-round form lists these)."""
    schools = coordinator_school_ids(user)
    queryset = Offer.objects.none()
    for school_id in schools:
        queryset |= challenges_for_round_of(school_id=school_id, consortium_id=None)
    for consortium_id in consortium_ids_for_organisations(schools):
        queryset |= challenges_for_round_of(school_id=None, consortium_id=consortium_id)
    return queryset


def challenges_for_new_round(user: User) -> QuerySet[Offer]:
    """The challenges the new-round form offers, by title: never another school's titles (the
    service checks the chosen school or consortium again)."""
    return (
        challenges_for_rounds_of_coordinator(user)
        .select_related("owner")
        .prefetch_related("schools")
        .order_by("title")
    )


def round_scope_enrolments(allocation_round: AllocationRound) -> QuerySet[StudentEnrolment]:
    """The enrolments in a round's schools, programmes and cohorts, whether or not the student
    has left."""
    queryset = StudentEnrolment.objects.filter(school_id__in=round_school_ids(allocation_round))
    kwalificatie_ids = list(allocation_round.kwalificaties.values_list("pk", flat=True))
    if kwalificatie_ids:
        queryset = queryset.filter(kwalificatie_id__in=kwalificatie_ids)
    if allocation_round.cohorts:
        queryset = queryset.filter(cohort__in=allocation_round.cohorts)
    return queryset


def round_enrolments(allocation_round: AllocationRound) -> QuerySet[StudentEnrolment]:
    """The enrolments of the students taking part in a round (one query when evaluated)."""
    return round_scope_enrolments(allocation_round).filter(student__left_at__isnull=True)


def participant_count(scope: QuerySet[StudentEnrolment]) -> int:
    """How many of `scope` (`round_scope_enrolments`) take part, the count of
    `round_enrolments` in two cheap queries: counting the enrolments (index
    `enrolment_round_scope`, index-only) and subtracting the few whose student left (partial
    index `user_left`) avoids joining every enrolment to its user: 88 ms → ~11 ms at 100,000
    students (docs/performance.md)."""
    return scope.count() - scope.filter(student__left_at__isnull=False).count()


def student_takes_part(
    allocation_round: AllocationRound, enrolment: StudentEnrolment | None
) -> bool:
    if enrolment is None:
        return False
    if enrolment.school_id not in round_school_ids(allocation_round):
        return False
    if allocation_round.cohorts and enrolment.cohort not in allocation_round.cohorts:
        return False
    kwalificatie_ids = {k.pk for k in allocation_round.kwalificaties.all()}
    return not kwalificatie_ids or enrolment.kwalificatie_id in kwalificatie_ids


def rounds_for_student(user: User) -> list[AllocationRound]:
    enrolment = student_enrolment(user)
    if enrolment is None:
        return []
    consortia = consortium_ids_for_organisations({enrolment.school_id})
    candidates = (
        AllocationRound.objects.filter(
            Q(school_id=enrolment.school_id) | Q(consortium_id__in=consortia)
        )
        .exclude(phase=Phase.PREPARING)
        .prefetch_related("kwalificaties")
    )
    return [
        r
        for r in candidates
        if (not r.cohorts or enrolment.cohort in r.cohorts)
        and (
            not r.kwalificaties.all()
            or enrolment.kwalificatie_id in {k.pk for k in r.kwalificaties.all()}
        )
    ]


def can_manage(user: User, allocation_round: AllocationRound) -> bool:
    return rounds_managed_by(user).filter(pk=allocation_round.pk).exists()


def can_read_as_staff(user: User, allocation_round: AllocationRound) -> bool:
    return rounds_readable_by_staff(user).filter(pk=allocation_round.pk).exists()


def _may_not_manage() -> PermissionDenied:
    return PermissionDenied(_("Alleen coördinatoren van de eigen school mogen deze ronde beheren."))


def require_round_manager(user: User, allocation_round: AllocationRound) -> None:
    """403 unless `user` manages this round (every service that changes a round asks this)."""
    if not can_manage(user, allocation_round):
        raise _may_not_manage()


def rounds_visible_to(user: User) -> QuerySet[AllocationRound]:
    """The rounds `user` may see: as school staff of their schools, or as a student in them."""
    student_rounds = [r.pk for r in rounds_for_student(user)]
    return (
        AllocationRound.objects.filter(
            Q(pk__in=rounds_readable_by_staff(user).values("pk")) | Q(pk__in=student_rounds)
        )
        .select_related("school", "consortium")
        .order_by("-choices_close_at", "-pk")
    )


def _round_with_names(round_id: int) -> AllocationRound | None:
    return (
        AllocationRound.objects.select_related("school", "consortium").filter(pk=round_id).first()
    )


def _round_not_found() -> NotFound:
    # One answer for a round that does not exist and one the user may not know about, so ids
    # of other schools' rounds cannot be told from unused ids.
    return NotFound(_("Deze indelingsronde bestaat niet."))


def student_sees_round(user: User, allocation_round: AllocationRound) -> bool:
    """A student sees a round they take part in once it has left 'preparing'."""
    return not allocation_round.is_preparing and student_takes_part(
        allocation_round, student_enrolment(user)
    )


def round_is_visible_to(user: User, allocation_round: AllocationRound) -> bool:
    """May `user` know that this round exists: school staff of its schools, or a student in it."""
    return can_read_as_staff(user, allocation_round) or student_sees_round(user, allocation_round)


def get_round_for_manager(user: User, round_id: int) -> AllocationRound:
    """The round if `user` manages it; 404 when it does not exist or `user` may not see it,
    403 when they see it but may not manage it (a teacher, a student of the round)."""
    allocation_round = _round_with_names(round_id)
    if allocation_round is None:
        raise _round_not_found()
    if can_manage(user, allocation_round):
        return allocation_round
    if round_is_visible_to(user, allocation_round):
        raise _may_not_manage()
    raise _round_not_found()


def get_round_for_staff(user: User, round_id: int) -> AllocationRound:
    """The round for school staff of its schools; 404 for anyone who may not see it, 403 for a
    student taking part (they see the round, not its staff pages)."""
    allocation_round = _round_with_names(round_id)
    if allocation_round is None:
        raise _round_not_found()
    if can_read_as_staff(user, allocation_round):
        return allocation_round
    if student_sees_round(user, allocation_round):
        raise PermissionDenied(_("Deze ronde hoort niet bij jouw school."))
    raise _round_not_found()


def get_round_for_student(user: User, round_id: int) -> tuple[AllocationRound, StudentEnrolment]:
    """The round and the student's enrolment when they take part; 403 for school staff who see
    the round (this is the student's side), 404 for everyone else and for ids no row can have."""
    if parse_id(round_id) is None:
        raise _round_not_found()
    allocation_round = (
        AllocationRound.objects.filter(pk=round_id).prefetch_related("kwalificaties").first()
    )
    if allocation_round is None:
        raise _round_not_found()
    enrolment = student_enrolment(user)
    if (
        enrolment is not None
        and not allocation_round.is_preparing
        and student_takes_part(allocation_round, enrolment)
    ):
        return allocation_round, enrolment
    if can_read_as_staff(user, allocation_round):
        raise PermissionDenied(_("Je doet niet mee aan deze indelingsronde."))
    raise _round_not_found()


def get_round_for_reader(user: User, round_id: int) -> AllocationRound:
    """The round for school staff of its schools, or for a student taking part."""
    try:
        return get_round_for_staff(user, round_id)
    except PermissionDenied:
        allocation_round, _enrolment = get_round_for_student(user, round_id)
        return allocation_round


def get_run(user: User, run_id: int, *, manage: bool = False) -> AllocationRun:
    """A run of a round the user may read (`manage`: may manage), with `run.round` loaded and
    without its (large) problem and result (run_document reads one for a download).
    One 404 for a missing run and for a run of a round the user may not see."""
    run = (
        AllocationRun.objects.select_related("started_by")
        .defer("problem", "result")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise NotFound(_("Deze run bestaat niet."))
    try:
        run.round = (get_round_for_manager if manage else get_round_for_staff)(user, run.round_id)
    except NotFound:
        raise NotFound(_("Deze run bestaat niet.")) from None
    return run


def run_document(run: AllocationRun, kind: str) -> Any:
    """A run's stored `problem` or `result` document, read on its own (for a download only)."""
    if kind not in ("problem", "result"):
        raise ValueError(kind)
    return AllocationRun.objects.filter(pk=run.pk).values_list(kind, flat=True).first()


def get_objection_for_manager(user: User, objection_id: int) -> Objection:
    """An objection in a round the user manages, with `objection.round` loaded. One 404 for a
    missing objection and for one in a round the user may not see."""
    objection = Objection.objects.select_related("student").filter(pk=objection_id).first()
    if objection is None:
        raise NotFound(_("Dit bezwaar bestaat niet."))
    try:
        objection.round = get_round_for_manager(user, objection.round_id)
    except NotFound:
        raise NotFound(_("Dit bezwaar bestaat niet.")) from None
    return objection


def student_of_round(allocation_round: AllocationRound, student_id: int) -> User | None:
    """A student of the round's schools (or one placed in the round), else None. Callers answer
    'not found' for None, so no message ever names a student of another school."""
    return (
        User.objects.filter(pk=student_id)
        .filter(
            Q(enrolment__school_id__in=round_school_ids(allocation_round))
            | Q(pk__in=Assignment.objects.filter(round=allocation_round).values("student_id"))
        )
        .first()
    )


def challenge_of_round(allocation_round: AllocationRound, offer_id: int) -> Offer | None:
    """A challenge of this round, else None (an unknown id and another school's offer alike),
    so no message ever names an offer outside the round."""
    in_round = RoundChallenge.objects.filter(round=allocation_round).values("offer_id")
    return Offer.objects.filter(pk=offer_id, pk__in=in_round).first()


def school_names(ids: set[int]) -> dict[int, str]:
    """The names of these organisations (schools or companies) by id."""
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
