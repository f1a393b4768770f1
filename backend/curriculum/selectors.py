"""Reads of the curriculum: dossiers, kwalificaties, werkprocessen per kwalificatie, search.

A student's open werkprocessen need their enrolment: see accounts.selectors."""

from django.db.models import Count, Q, QuerySet

from backend.curriculum.models import (
    Kwalificatie,
    Kwalificatiedossier,
    Werkproces,
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
