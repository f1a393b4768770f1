"""Reads for Open Badges: a student's badges, the public (published) ones, what a BadgeClass
describes, and the validated evidence a badge is issued on.

Public documents only ever come from `published_badge` and `badge_class_subject`; the student's
and the school's pages from `badges_of`, `badge_of_student` and `badge_for_revoker`."""

import uuid
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from backend.accounts.models import StudentEnrolment, User
from backend.accounts.selectors import staff_school_ids
from backend.curriculum.models import (
    DEMONSTRATED_LEVELS,
    Kerntaak,
    KerntaakKind,
    Kwalificatie,
    Werkproces,
    WerkprocesEvidence,
)
from backend.learning.models import Badge
from backend.organisations.models import Organisation, OrganisationKind

BADGE_RELATED = (
    "school",
    "kwalificatie__dossier",
    "werkproces__kerntaak",
    "kerntaak",
    "student",
)


def _badges() -> QuerySet[Badge]:
    return Badge.objects.select_related(*BADGE_RELATED)


def badges_of(student: User) -> QuerySet[Badge]:
    """The student's badges, newest first, active and revoked, with what they are for."""
    return _badges().filter(student=student).order_by("-issued_at", "-pk")


def badge_of_student(uid: uuid.UUID, student: User) -> Badge | None:
    """One of the student's own badges (None for anyone else's)."""
    return _badges().filter(uid=uid, student=student).first()


def badge_for_revoker(uid: uuid.UUID, user: User) -> Badge | None:
    """A badge issued by a school where `user` works (None otherwise: not theirs to see)."""
    schools = staff_school_ids(user)
    if not schools:
        return None
    return _badges().select_related("issued_by").filter(uid=uid, school_id__in=schools).first()


def published_badge(uid: uuid.UUID) -> Badge | None:
    """A badge the student published (revoked or not); None when it is not public."""
    return _badges().filter(uid=uid, published_at__isnull=False).first()


def active_badges_for(student_id: int) -> QuerySet[Badge]:
    """The student's badges that were not revoked (at most one per werkproces and kerntaak)."""
    return Badge.objects.filter(student_id=student_id, revoked_at__isnull=True)


def student_for_badges(pk: int, user: User) -> User | None:
    """A student of one of `user`'s schools, with the enrolment (school, kwalificatie)."""
    schools = staff_school_ids(user)
    if not schools:
        return None
    enrolment = (
        StudentEnrolment.objects.select_related("student", "school", "kwalificatie__dossier")
        .filter(student_id=pk, school_id__in=schools)
        .first()
    )
    return enrolment.student if enrolment else None


def enrolment_of(student_id: int) -> StudentEnrolment | None:
    return (
        StudentEnrolment.objects.select_related("school", "kwalificatie__dossier")
        .filter(student_id=student_id)
        .first()
    )


def werkproces_by_id(pk: int) -> Werkproces | None:
    return Werkproces.objects.select_related("kerntaak__dossier").filter(pk=pk).first()


def kerntaak_by_id(pk: int) -> Kerntaak | None:
    return Kerntaak.objects.select_related("dossier").filter(pk=pk).first()


def kerntaak_in_kwalificatie(kerntaak: Kerntaak, kwalificatie: Kwalificatie) -> bool:
    """A basis kerntaak of the kwalificatie's dossier, or a profiel kerntaak of this profile."""
    if kerntaak.dossier_id != kwalificatie.dossier_id:
        return False
    if kerntaak.kind == KerntaakKind.BASIS:
        return True
    return kerntaak.kwalificaties.filter(pk=kwalificatie.pk).exists()


def werkproces_in_kwalificatie(werkproces: Werkproces, kwalificatie: Kwalificatie) -> bool:
    return kwalificatie.werkprocessen().filter(pk=werkproces.pk).exists()


def validated_levels(student_id: int, werkproces_ids: list[int]) -> dict[int, set[str]]:
    """Per werkproces: the levels of the student's validated evidence (unvalidated rows do not
    count, whatever their level)."""
    levels: dict[int, set[str]] = {pk: set() for pk in werkproces_ids}
    rows = WerkprocesEvidence.objects.filter(
        student_id=student_id, werkproces_id__in=werkproces_ids, validated_at__isnull=False
    ).values_list("werkproces_id", "level")
    for werkproces_id, level in rows:
        levels[werkproces_id].add(level)
    return levels


def is_demonstrated(levels: set[str]) -> bool:
    return any(level in DEMONSTRATED_LEVELS for level in levels)


@dataclass(frozen=True)
class BadgeSubject:
    """What one BadgeClass is about: a werkproces or a kerntaak of a kwalificatie, issued by a
    school. `werkprocessen` are the kerntaak's (for a werkproces: itself)."""

    school: Organisation
    kwalificatie: Kwalificatie
    code: str
    title: str
    description: str
    werkproces: Werkproces | None = None
    kerntaak: Kerntaak | None = None
    werkprocessen: list[Werkproces] = field(default_factory=list)

    @property
    def is_kerntaak(self) -> bool:
        return self.kerntaak is not None


def subject_of(badge: Badge) -> BadgeSubject:
    """The BadgeClass subject of an issued badge (its related rows loaded by the selectors)."""
    return _subject(badge.school, badge.kwalificatie, badge.werkproces, badge.kerntaak)


def _subject(
    school: Organisation,
    kwalificatie: Kwalificatie,
    werkproces: Werkproces | None,
    kerntaak: Kerntaak | None,
) -> BadgeSubject:
    if werkproces is not None:
        return BadgeSubject(
            school=school,
            kwalificatie=kwalificatie,
            code=werkproces.code,
            title=werkproces.title,
            description=werkproces.description,
            werkproces=werkproces,
            werkprocessen=[werkproces],
        )
    assert kerntaak is not None  # the model's check constraint: one of the two is set
    return BadgeSubject(
        school=school,
        kwalificatie=kwalificatie,
        code=kerntaak.code,
        title=kerntaak.title,
        description="",
        kerntaak=kerntaak,
        werkprocessen=list(kerntaak.werkprocessen.order_by("code", "pk")),
    )


def badge_class_subject(school_id: int, kwalificatie_id: int, code: str) -> BadgeSubject | None:
    """The BadgeClass the school issues for `code` of the kwalificatie; None unless the school
    ever issued that badge (a BadgeClass exists only for what was issued, revoked or not)."""
    badge = (
        Badge.objects.select_related("school", "kwalificatie__dossier", "werkproces", "kerntaak")
        .filter(school_id=school_id, kwalificatie_id=kwalificatie_id)
        .filter(Q(werkproces__code=code) | Q(kerntaak__code=code))
        .order_by("pk")
        .first()
    )
    return subject_of(badge) if badge else None


def issuer_school(school_id: int) -> Organisation | None:
    """A school that issued at least one badge: only those have an issuer Profile."""
    return (
        Organisation.objects.filter(
            pk=school_id,
            kind__in=(OrganisationKind.SCHOOL, OrganisationKind.HOGESCHOOL),
            issued_badges__isnull=False,
        )
        .distinct()
        .first()
    )


def badge_image_title(code: str, kwalificatie_id: int | None) -> str:
    """The title of werkproces or kerntaak `code` in the kwalificatie ("" when unknown)."""
    if kwalificatie_id is None:
        return ""
    kwalificatie = Kwalificatie.objects.filter(pk=kwalificatie_id).first()
    if kwalificatie is None:
        return ""
    werkproces = kwalificatie.werkprocessen().filter(code=code).first()
    if werkproces is not None:
        return werkproces.title
    kerntaak = Kerntaak.objects.filter(dossier_id=kwalificatie.dossier_id, code=code).first()
    return kerntaak.title if kerntaak else ""
