"""The student's portfolio: a coverage matrix of their kwalificatie's werkprocessen.

Every werkproces of the kwalificatie (basisdeel and profieldeel, grouped by kerntaak) is one cell
with a state:

- demonstrated: a coach or teacher validated evidence at voldoende or goed (the best level is
  shown). Only this counts: a company's rating or the student's own claim never does.
- pending ("in behandeling"): the student submitted a self-assessment that waits for validation.
- practising ("oefenen"): something is behind it (an activity mapped to it, a company rating, a
  self-assessment in progress, evidence below voldoende or not validated), but not demonstrated.
- open: nothing yet.

Behind each cell: the activities (offers) and the evidence (validated evidence with who and when,
the company's ratings, the self-assessments with their status, the badge when one is active).
`portfolio_of` reads all of it in a fixed number of queries, however much evidence there is.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import StudentEnrolment, User
from backend.core.errors import NotFound
from backend.curriculum.models import (
    DEMONSTRATED_LEVELS,
    Kerntaak,
    KerntaakKind,
    Kwalificatie,
    ProgressLevel,
    Werkproces,
    WerkprocesEvidence,
)
from backend.learning.access import is_school_staff_of
from backend.learning.models import (
    Badge,
    CompanyRating,
    EvidenceAttachment,
    ReviewStatus,
    SelfAssessment,
)
from backend.learning.selectors.placements import published_assignments
from backend.offers.models import Offer, WerkprocesMapping

# Higher is better: the cell shows the best validated level.
LEVEL_RANK = {
    ProgressLevel.NEVER: 0,
    ProgressLevel.PRACTISING: 1,
    ProgressLevel.SUFFICIENT: 2,
    ProgressLevel.GOOD: 3,
}
# A self-assessment the student may still work on (and the dashboard counts as waiting).
EDITABLE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.MORE_REQUESTED)


class CellState(StrEnum):
    DEMONSTRATED = "demonstrated"
    PENDING = "pending"
    PRACTISING = "practising"
    OPEN = "open"

    @property
    def label(self) -> str:
        return str(CELL_STATE_LABELS[self])


CELL_STATE_LABELS = {
    CellState.DEMONSTRATED: _("aangetoond"),
    CellState.PENDING: _("in behandeling"),
    CellState.PRACTISING: _("oefenen"),
    CellState.OPEN: _("nog open"),
}


@dataclass(frozen=True)
class EvidenceRecord:
    """A level recorded in curriculum.WerkprocesEvidence; `validated` says whether it counts."""

    level: str
    level_label: str
    offer: Offer | None
    validated: bool
    validated_by: User | None
    validated_at: dt.datetime | None
    recorded_at: dt.datetime
    note: str


@dataclass(frozen=True)
class RatingRecord:
    """The company's rating at one moment: shown, never counted."""

    level: str
    level_label: str
    offer: Offer
    moment_label: str
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class AssessmentRecord:
    """The student's self-assessment of the werkproces in one activity."""

    pk: int
    offer: Offer
    level: str
    level_label: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    review_reason: str
    attachments: list[EvidenceAttachment]

    @property
    def is_pending(self) -> bool:
        """Submitted and waiting for a coach or teacher."""
        return self.status == ReviewStatus.SUBMITTED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


@dataclass
class Cell:
    werkproces: Werkproces
    state: CellState = CellState.OPEN
    level: str = ""
    level_label: str = ""
    activities: list[Offer] = field(default_factory=list)
    evidence: list[EvidenceRecord] = field(default_factory=list)
    ratings: list[RatingRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    badge: Badge | None = None

    @property
    def is_demonstrated(self) -> bool:
        return self.state == CellState.DEMONSTRATED

    @property
    def is_pending(self) -> bool:
        return self.state == CellState.PENDING

    @property
    def is_open(self) -> bool:
        return self.state == CellState.OPEN

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def may_get_badge(self) -> bool:
        """Demonstrated and no active badge yet: the school may issue one."""
        return self.is_demonstrated and self.badge is None

    @property
    def pending_assessments(self) -> list[AssessmentRecord]:
        return [a for a in self.assessments if a.is_pending]

    @property
    def evidence_count(self) -> int:
        """Everything behind the cell that is evidence: recorded levels, ratings, assessments."""
        return len(self.evidence) + len(self.ratings) + len(self.assessments)

    @property
    def has_anything(self) -> bool:
        return bool(self.activities or self.evidence or self.ratings or self.assessments)


@dataclass
class KerntaakGroup:
    kerntaak: Kerntaak
    cells: list[Cell]
    badge: Badge | None = None

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def demonstrated(self) -> int:
        return sum(1 for cell in self.cells if cell.is_demonstrated)

    @property
    def is_complete(self) -> bool:
        """Every werkproces demonstrated: a kerntaak badge may be issued."""
        return bool(self.cells) and self.demonstrated == self.total

    @property
    def may_get_badge(self) -> bool:
        return self.is_complete and self.badge is None

    @property
    def is_basis(self) -> bool:
        return self.kerntaak.kind == KerntaakKind.BASIS


@dataclass
class Portfolio:
    student: User
    enrolment: StudentEnrolment | None
    kerntaken: list[KerntaakGroup]

    @property
    def kwalificatie(self) -> Kwalificatie | None:
        return self.enrolment.kwalificatie if self.enrolment else None

    @property
    def cells(self) -> list[Cell]:
        return [cell for group in self.kerntaken for cell in group.cells]

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def demonstrated(self) -> int:
        return sum(1 for cell in self.cells if cell.is_demonstrated)

    @property
    def open_cells(self) -> list[Cell]:
        """What is still open: every werkproces not yet demonstrated, in matrix order."""
        return [cell for cell in self.cells if not cell.is_demonstrated]

    @property
    def pending(self) -> int:
        return sum(1 for cell in self.cells if cell.pending_assessments)

    @property
    def basis(self) -> list[KerntaakGroup]:
        return [group for group in self.kerntaken if group.is_basis]

    @property
    def profiel(self) -> list[KerntaakGroup]:
        return [group for group in self.kerntaken if not group.is_basis]


def _enrolment(student: User) -> StudentEnrolment | None:
    return (
        StudentEnrolment.objects.select_related("school", "kwalificatie__dossier", "coach")
        .filter(student_id=student.pk)
        .first()
    )


def _werkprocessen(kwalificatie: Kwalificatie) -> list[Werkproces]:
    """Basis kerntaken first, then profiel; by code inside each."""
    return list(
        kwalificatie.werkprocessen()
        .select_related("kerntaak")
        .distinct()
        .order_by("kerntaak__kind", "kerntaak__code", "code", "pk")
    )


def _evidence(student: User, ids: set[int]) -> defaultdict[int, list[EvidenceRecord]]:
    by_werkproces: defaultdict[int, list[EvidenceRecord]] = defaultdict(list)
    rows = (
        WerkprocesEvidence.objects.filter(student_id=student.pk, werkproces_id__in=ids)
        .select_related("offer__owner", "validated_by")
        .order_by("-validated_at", "-created_at", "-pk")
    )
    for row in rows:
        by_werkproces[row.werkproces_id].append(
            EvidenceRecord(
                level=row.level,
                level_label=row.get_level_display(),
                offer=row.offer,
                validated=row.validated_at is not None,
                validated_by=row.validated_by,
                validated_at=row.validated_at,
                recorded_at=row.created_at,
                note=row.note,
            )
        )
    return by_werkproces


def _ratings(student: User, ids: set[int]) -> defaultdict[int, list[RatingRecord]]:
    by_werkproces: defaultdict[int, list[RatingRecord]] = defaultdict(list)
    rows = (
        CompanyRating.objects.filter(
            feedback__student_id=student.pk,
            feedback__submitted_at__isnull=False,
            werkproces_id__in=ids,
        )
        .select_related("feedback__offer__owner")
        .order_by("-feedback__submitted_at", "pk")
    )
    for row in rows:
        by_werkproces[row.werkproces_id].append(
            RatingRecord(
                level=row.level,
                level_label=row.get_level_display(),
                offer=row.feedback.offer,
                moment_label=row.feedback.get_moment_display(),
                submitted_at=row.feedback.submitted_at,
            )
        )
    return by_werkproces


def _assessments(student: User, ids: set[int]) -> defaultdict[int, list[AssessmentRecord]]:
    by_werkproces: defaultdict[int, list[AssessmentRecord]] = defaultdict(list)
    rows = (
        SelfAssessment.objects.filter(student_id=student.pk, werkproces_id__in=ids)
        .select_related("offer__owner")
        .prefetch_related("attachments")
        .order_by("-updated_at", "pk")
    )
    for row in rows:
        by_werkproces[row.werkproces_id].append(
            AssessmentRecord(
                pk=row.pk,
                offer=row.offer,
                level=row.level,
                level_label=row.get_level_display(),
                status=row.status,
                status_label=row.get_status_display(),
                submitted_at=row.submitted_at,
                review_reason=row.review_reason,
                attachments=list(row.attachments.all()),
            )
        )
    return by_werkproces


def _badges(student: User) -> tuple[dict[int, Badge], dict[int, Badge]]:
    """The student's active (not revoked) badges, by werkproces and by kerntaak."""
    by_werkproces: dict[int, Badge] = {}
    by_kerntaak: dict[int, Badge] = {}
    for badge in Badge.objects.filter(student_id=student.pk, revoked_at__isnull=True):
        if badge.werkproces_id is not None:
            by_werkproces[badge.werkproces_id] = badge
        elif badge.kerntaak_id is not None:
            by_kerntaak[badge.kerntaak_id] = badge
    return by_werkproces, by_kerntaak


def _placed_activities(student: User, ids: set[int]) -> defaultdict[int, list[Offer]]:
    """The offers the student is placed on (published), per werkproces they are mapped to."""
    by_werkproces: defaultdict[int, list[Offer]] = defaultdict(list)
    offer_ids = published_assignments().filter(student_id=student.pk).values("offer_id")
    mappings = (
        WerkprocesMapping.objects.filter(offer_id__in=offer_ids, werkproces_id__in=ids)
        .select_related("offer__owner")
        .order_by("-offer__starts_on", "offer_id")
    )
    for mapping in mappings:
        by_werkproces[mapping.werkproces_id].append(mapping.offer)
    return by_werkproces


def _activities(cell: Cell, placed: list[Offer]) -> list[Offer]:
    """Every offer behind the cell once: placements first, then those named by evidence."""
    seen: dict[int, Offer] = {}
    named = [e.offer for e in cell.evidence if e.offer is not None]
    named += [r.offer for r in cell.ratings] + [a.offer for a in cell.assessments]
    for offer in [*placed, *named]:
        seen.setdefault(offer.pk, offer)
    return list(seen.values())


def _state(cell: Cell) -> None:
    """Decide the cell's state and level from what is behind it."""
    shown = [e for e in cell.evidence if e.validated and e.level in DEMONSTRATED_LEVELS]
    if shown:
        best = max(shown, key=lambda e: LEVEL_RANK.get(ProgressLevel(e.level), 0))
        cell.state, cell.level, cell.level_label = (
            CellState.DEMONSTRATED,
            best.level,
            best.level_label,
        )
    elif cell.pending_assessments:
        cell.state = CellState.PENDING
    elif cell.has_anything:
        cell.state = CellState.PRACTISING


def portfolio_of(student: User) -> Portfolio:
    """The student's coverage matrix (see the module docstring). Eight queries, whatever the
    number of werkprocessen, activities or evidence; a student without an enrolment gets an
    empty portfolio."""
    enrolment = _enrolment(student)
    if enrolment is None:
        return Portfolio(student=student, enrolment=None, kerntaken=[])
    werkprocessen = _werkprocessen(enrolment.kwalificatie)
    ids = {w.pk for w in werkprocessen}
    evidence = _evidence(student, ids)
    ratings = _ratings(student, ids)
    assessments = _assessments(student, ids)  # two queries: the rows and their attachments
    badges_by_werkproces, badges_by_kerntaak = _badges(student)
    placed = _placed_activities(student, ids)

    groups: dict[int, KerntaakGroup] = {}
    for werkproces in werkprocessen:
        cell = Cell(
            werkproces=werkproces,
            evidence=evidence[werkproces.pk],
            ratings=ratings[werkproces.pk],
            assessments=assessments[werkproces.pk],
            badge=badges_by_werkproces.get(werkproces.pk),
        )
        cell.activities = _activities(cell, placed[werkproces.pk])
        _state(cell)
        kerntaak = werkproces.kerntaak
        group = groups.setdefault(
            kerntaak.pk,
            KerntaakGroup(kerntaak=kerntaak, cells=[], badge=badges_by_kerntaak.get(kerntaak.pk)),
        )
        group.cells.append(cell)
    return Portfolio(student=student, enrolment=enrolment, kerntaken=list(groups.values()))


def student_for_staff(user: User, student_id: int) -> User:
    """The student whose portfolio a member of school staff opens: only a student of one of the
    user's own schools; anyone else (another school's student, no student at all) is NotFound,
    so the page does not tell whether the id exists."""
    if not is_school_staff_of(user, student_id):
        raise NotFound("Deze student bestaat niet of staat niet ingeschreven bij uw school.")
    student = User.objects.filter(pk=student_id).first()
    if student is None:  # pragma: no cover - the enrolment above proves the student exists
        raise NotFound("Deze student bestaat niet of staat niet ingeschreven bij uw school.")
    return student


def werkprocessen_awaiting_self_assessment(student: User, *, today: dt.date) -> int:
    """How many werkprocessen of activities the student is placed on (started by `today`) still
    wait for the student's self-assessment: none yet, or only a draft. (Those where the coach
    asked for more evidence are `more_evidence_requested`.) Two queries at most (the dashboard
    asks it on every visit)."""
    placed = (
        published_assignments()
        .filter(student_id=student.pk)
        .filter(Q(offer__starts_on__isnull=True) | Q(offer__starts_on__lte=today))
        .values("offer_id")
    )
    pairs = set(
        WerkprocesMapping.objects.filter(offer_id__in=placed).values_list(
            "offer_id", "werkproces_id"
        )
    )
    if not pairs:
        return 0
    done = set(
        SelfAssessment.objects.filter(student_id=student.pk)
        .exclude(status=ReviewStatus.DRAFT)
        .values_list("offer_id", "werkproces_id")
    )
    return len(pairs - done)


def more_evidence_requested(student: User) -> QuerySet[SelfAssessment]:
    """The student's self-assessments for which a coach asked more evidence."""
    return SelfAssessment.objects.filter(
        student_id=student.pk, status=ReviewStatus.MORE_REQUESTED
    ).select_related("offer", "werkproces")
