"""Reads of the curriculum: werkprocessen per kwalificatie, open werkprocessen per student, search."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from backend.accounts.models import StudentEnrolment
from backend.curriculum.models import (
    DEMONSTRATED_LEVELS,
    Kerntaak,
    KerntaakKind,
    Kwalificatie,
    Kwalificatiedossier,
    Werkproces,
    WerkprocesEvidence,
)


def dossier_list(*, q: str = "") -> QuerySet[Kwalificatiedossier]:
    dossiers = Kwalificatiedossier.objects.annotate(
        kwalificatie_count=Count("kwalificaties", distinct=True)
    )
    for word in q.split():
        dossiers = dossiers.filter(
            Q(title__icontains=word)
            | Q(crebo__startswith=word)
            | Q(kwalificaties__crebo__startswith=word)
            | Q(kwalificaties__title__icontains=word)
        )
    return dossiers.distinct().order_by("title", "-edition")


def dossier_detail(*, pk: int) -> Kwalificatiedossier | None:
    return (
        Kwalificatiedossier.objects.prefetch_related(
            "kwalificaties", "kerntaken__werkprocessen", "kerntaken__kwalificaties"
        )
        .filter(pk=pk)
        .first()
    )


def kwalificatie_list(
    *, q: str = "", niveau: int | None = None, dossier: int | None = None
) -> QuerySet[Kwalificatie]:
    kwalificaties = Kwalificatie.objects.select_related("dossier")
    for word in q.split():
        kwalificaties = kwalificaties.filter(
            Q(title__icontains=word) | Q(crebo__startswith=word) | Q(dossier__title__icontains=word)
        )
    if niveau is not None:
        kwalificaties = kwalificaties.filter(niveau=niveau)
    if dossier is not None:
        kwalificaties = kwalificaties.filter(dossier_id=dossier)
    return kwalificaties.order_by("title", "niveau", "crebo")


def werkprocessen_for_kwalificatie(kwalificatie: Kwalificatie) -> QuerySet[Werkproces]:
    """The basis werkprocessen of the kwalificatie's dossier plus its own profiel ones."""
    return (
        kwalificatie.werkprocessen().select_related("kerntaak__dossier").distinct().order_by("code")
    )


def werkproces_search(
    q: str = "", kwalificatie: Kwalificatie | None = None
) -> QuerySet[Werkproces]:
    """Werkprocessen matching `q`: a code prefix ("B1-K1", "p2-k1-w3") or words that all occur
    in the title, description or kerntaak title. Optionally only those of one kwalificatie."""
    werkprocessen = (
        werkprocessen_for_kwalificatie(kwalificatie)
        if kwalificatie is not None
        else Werkproces.objects.select_related("kerntaak__dossier")
    )
    q = q.strip()
    if q:
        words = Q()
        for word in q.split():
            words &= (
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(kerntaak__title__icontains=word)
            )
        werkprocessen = werkprocessen.filter(Q(code__istartswith=q) | words)
    return werkprocessen.order_by("kerntaak__dossier__title", "kerntaak__dossier_id", "code")


def open_werkproces_codes_for_students(
    student_ids: Iterable[int] | QuerySet,
) -> dict[int, set[str]]:
    """For each student: the werkproces codes of their kwalificatie not yet shown at voldoende or
    goed. Students without an enrolment are left out. Four queries, whatever the number of
    students (the allocation engine asks this for whole cohorts); a queryset of ids is used as
    a subquery, so 10,000 students need not travel as parameters."""
    if isinstance(student_ids, QuerySet):
        ids = student_ids
    else:
        ids = list(student_ids)
        if not ids:
            return {}
    enrolments = list(
        StudentEnrolment.objects.filter(student_id__in=ids).values_list(
            "student_id", "kwalificatie_id", "kwalificatie__dossier_id"
        )
    )
    kwalificatie_ids = {kwalificatie for _, kwalificatie, _ in enrolments}
    dossier_ids = {dossier for _, _, dossier in enrolments}

    by_dossier: dict[int, list[tuple[int, str, int, str]]] = defaultdict(list)
    for werkproces_id, code, kerntaak_id, kind, dossier_id in Werkproces.objects.filter(
        kerntaak__dossier_id__in=dossier_ids
    ).values_list("id", "code", "kerntaak_id", "kerntaak__kind", "kerntaak__dossier_id"):
        by_dossier[dossier_id].append((werkproces_id, code, kerntaak_id, kind))

    profiel_links: set[tuple[int, int]] = set(
        Kerntaak.kwalificaties.through.objects.filter(
            kwalificatie_id__in=kwalificatie_ids, kerntaak__dossier_id__in=dossier_ids
        ).values_list("kerntaak_id", "kwalificatie_id")
    )
    shown: dict[int, set[int]] = defaultdict(set)
    for student_id, werkproces_id in (
        WerkprocesEvidence.objects.filter(student_id__in=ids, level__in=DEMONSTRATED_LEVELS)
        .values_list("student_id", "werkproces_id")
        .distinct()
    ):
        shown[student_id].add(werkproces_id)

    result: dict[int, set[str]] = {}
    for student_id, kwalificatie_id, dossier_id in enrolments:
        result[student_id] = {
            code
            for werkproces_id, code, kerntaak_id, kind in by_dossier[dossier_id]
            if (kind == KerntaakKind.BASIS or (kerntaak_id, kwalificatie_id) in profiel_links)
            and werkproces_id not in shown[student_id]
        }
    return result
