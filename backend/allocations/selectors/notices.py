"""Who is told what about a round: the people to address (with their language) and the facts the
messages state. Domain data only; the services write the texts and name the pages."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from backend.accounts.models import Membership
from backend.accounts.roles import ROUND_RESULT_STAFF_ROLES
from backend.allocations.models import AllocationRound, Assignment, ChoiceList
from backend.allocations.selectors.access import round_enrolments, round_school_ids
from backend.offers.models import Offer


@dataclass
class Addressee:
    """Someone to send a message to: enough to write it in their language (a Recipient)."""

    pk: int
    preferred_language: str


@dataclass(frozen=True)
class Placement:
    """Where a student is placed: the challenge's title, the rank of their choice, the source."""

    title: str
    rank: int | None
    source: str


@dataclass(frozen=True)
class TeamMember:
    """A team member as a company may see them: first name, level and programme only."""

    first_name: str
    level: int | None
    programme: str | None


@dataclass(frozen=True)
class HostTeam:
    """One challenge's team, for the company contact who offered the challenge."""

    offer_id: int
    title: str
    contact: Addressee
    members: list[TeamMember]


def _addressees(rows: Iterable[tuple[int, str | None]]) -> list[Addressee]:
    return [Addressee(pk, language or "") for pk, language in rows]


def students_without_choices(allocation_round: AllocationRound) -> list[Addressee]:
    """The round's students who have not handed in their choices yet (one query)."""
    chosen = ChoiceList.objects.filter(round=allocation_round).values("student_id")
    return _addressees(
        round_enrolments(allocation_round)
        .exclude(student_id__in=chosen)
        .values_list("student_id", "student__preferred_language")
    )


def round_participants(allocation_round: AllocationRound) -> list[Addressee]:
    """Every student taking part in the round (one query)."""
    return _addressees(
        round_enrolments(allocation_round).values_list("student_id", "student__preferred_language")
    )


def round_result_staff(allocation_round: AllocationRound) -> list[Addressee]:
    """The teachers and coaches of the round's schools (told when the result is published)."""
    return _addressees(
        Membership.objects.active()
        .filter(
            organisation_id__in=round_school_ids(allocation_round),
            role__in=ROUND_RESULT_STAFF_ROLES,
        )
        .values_list("user_id", "user__preferred_language")
        .distinct()
    )


def placements_by_student(allocation_round: AllocationRound) -> dict[int, Placement]:
    """{student id: their placement} for everyone placed in the round (one query)."""
    return {
        student_id: Placement(title, rank, source)
        for student_id, title, rank, source in Assignment.objects.filter(
            round=allocation_round
        ).values_list("student_id", "offer__title", "rank", "source")
    }


def host_teams(allocation_round: AllocationRound) -> list[HostTeam]:
    """Each challenge's team with the contact of the company that offers it (two queries)."""
    members: defaultdict[int, list[TeamMember]] = defaultdict(list)
    for offer_id, first, niveau, programme in (
        Assignment.objects.filter(round=allocation_round)
        .order_by("offer_id", "student__first_name")
        .values_list(
            "offer_id",
            "student__first_name",
            "student__enrolment__kwalificatie__niveau",
            "student__enrolment__kwalificatie__title",
        )
    ):
        members[offer_id].append(TeamMember(first, niveau, programme))
    return [
        HostTeam(offer_id, title, Addressee(contact_id, language or ""), members[offer_id])
        for offer_id, title, contact_id, language in Offer.objects.filter(
            pk__in=members.keys()
        ).values_list("pk", "title", "contact_id", "contact__preferred_language")
    ]
