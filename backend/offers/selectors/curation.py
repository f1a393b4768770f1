"""Reads for curation: the werkprocessen an offer is mapped onto, and what a teacher maps from."""

from django.db.models import QuerySet

from backend.accounts.models import StudentEnrolment, User
from backend.accounts.selectors import staff_school_ids
from backend.curriculum.models import Kwalificatie, Werkproces
from backend.offers.models import Offer, WerkprocesMapping


def offer_mappings(offer: Offer) -> QuerySet[WerkprocesMapping]:
    """The offer's mappings with werkproces, dossier and who mapped it, by werkproces code."""
    return (
        WerkprocesMapping.objects.filter(offer=offer)
        .select_related("werkproces__kerntaak__dossier", "mapped_by")
        .order_by("werkproces__code", "pk")
    )


def offer_mapping(offer: Offer, mapping_id: int | None) -> WerkprocesMapping | None:
    """One mapping of this offer (None when it does not exist or belongs to another offer)."""
    if mapping_id is None:
        return None
    mapping = (
        WerkprocesMapping.objects.filter(pk=mapping_id, offer=offer)
        .select_related("werkproces")
        .first()
    )
    if mapping is not None:
        mapping.offer = offer  # the caller's instance: its prefetched data and rights checks
    return mapping


def werkproces_to_map(werkproces_id: int | None) -> Werkproces | None:
    if werkproces_id is None:
        return None
    return Werkproces.objects.filter(pk=werkproces_id).first()


def curation_programmes(user: User) -> QuerySet[Kwalificatie]:
    """Programmes a staff member curates for: those their schools teach (have students in);
    every programme when their schools have no students yet. The taught ones are read as
    distinct ids first: a narrow scan of the schools' enrolments, not a DISTINCT over joined
    whole rows (docs/performance.md, coverage)."""
    taught = set(
        StudentEnrolment.objects.filter(school_id__in=staff_school_ids(user))
        .order_by()
        .values_list("kwalificatie_id", flat=True)
        .distinct()
    )
    programmes = (
        Kwalificatie.objects.filter(pk__in=taught) if taught else Kwalificatie.objects.all()
    )
    return programmes.select_related("dossier").order_by("title", "niveau")
