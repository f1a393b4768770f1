"""Who may see or run which round. Every API, page and service asks these functions.

- A coordinator (or programme lead / institution admin) manages the rounds of their own school
  and the consortium rounds of consortia their school belongs to.
- Teachers and coaches read the rounds of their school (same rule, read-only).
- A student sees the rounds they take part in, and only their own choices and result.
- A company contact sees only its own teams, after publication.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import StudentEnrolment, User
from backend.accounts.selectors import (
    consortium_ids_for_organisations,
    coordinator_school_ids,
    staff_school_ids,
    student_enrolment,
)
from backend.allocations.models import AllocationRound
from backend.core.errors import NotFound, PermissionDenied
from backend.organisations.models import ConsortiumMembership, Organisation


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


def round_school_ids(round: AllocationRound) -> set[int]:
    """The schools whose students take part: the round's school or the consortium's schools."""
    if round.school_id:
        return {round.school_id}
    return set(
        ConsortiumMembership.objects.filter(
            consortium_id=round.consortium_id,
            left_on__isnull=True,
            organisation__kind__in=["school", "hogeschool"],
        ).values_list("organisation_id", flat=True)
    )


def round_enrolments(round: AllocationRound) -> QuerySet[StudentEnrolment]:
    """The enrolments of the students taking part in a round (one query when evaluated)."""
    queryset = StudentEnrolment.objects.filter(school_id__in=round_school_ids(round))
    kwalificatie_ids = list(round.kwalificaties.values_list("pk", flat=True))
    if kwalificatie_ids:
        queryset = queryset.filter(kwalificatie_id__in=kwalificatie_ids)
    if round.cohorts:
        queryset = queryset.filter(cohort__in=round.cohorts)
    return queryset.filter(student__left_at__isnull=True)


def student_takes_part(round: AllocationRound, enrolment: StudentEnrolment | None) -> bool:
    if enrolment is None:
        return False
    if enrolment.school_id not in round_school_ids(round):
        return False
    if round.cohorts and enrolment.cohort not in round.cohorts:
        return False
    kwalificatie_ids = {k.pk for k in round.kwalificaties.all()}
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
        .exclude(phase="preparing")
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


def can_manage(user: User, round: AllocationRound) -> bool:
    return rounds_managed_by(user).filter(pk=round.pk).exists()


def can_read_as_staff(user: User, round: AllocationRound) -> bool:
    return rounds_readable_by_staff(user).filter(pk=round.pk).exists()


def get_round_for_manager(user: User, round_id: int) -> AllocationRound:
    """The round if `user` manages it; 404 when it does not exist, 403 when it is not theirs."""
    round = (
        AllocationRound.objects.select_related("school", "consortium").filter(pk=round_id).first()
    )
    if round is None:
        raise NotFound(_("Deze indelingsronde bestaat niet."))
    if not can_manage(user, round):
        raise PermissionDenied(
            _("Alleen coördinatoren van de eigen school mogen deze ronde beheren.")
        )
    return round


def get_round_for_staff(user: User, round_id: int) -> AllocationRound:
    round = (
        AllocationRound.objects.select_related("school", "consortium").filter(pk=round_id).first()
    )
    if round is None:
        raise NotFound(_("Deze indelingsronde bestaat niet."))
    if not can_read_as_staff(user, round):
        raise PermissionDenied(_("Deze ronde hoort niet bij jouw school."))
    return round


def get_round_for_student(user: User, round_id: int) -> tuple[AllocationRound, StudentEnrolment]:
    round = AllocationRound.objects.filter(pk=round_id).prefetch_related("kwalificaties").first()
    if round is None:
        raise NotFound(_("Deze indelingsronde bestaat niet."))
    enrolment = student_enrolment(user)
    if round.phase == "preparing" or not student_takes_part(round, enrolment):
        raise PermissionDenied(_("Je doet niet mee aan deze indelingsronde."))
    return round, enrolment


def school_names(ids: set[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
