"""The demo curriculum: the real dossier structures in fixtures/curriculum/*.json."""

from collections import defaultdict

from backend.curriculum.importers import parse_file
from backend.curriculum.models import Kwalificatie, Werkproces
from backend.curriculum.selectors import werkprocessen_for_kwalificatie
from backend.curriculum.services import kwalificatiedossier_import
from backend.demo.data import curriculum_files


def build() -> tuple[dict[str, Kwalificatie], dict[int, list[Werkproces]]]:
    """Import (or confirm) the fixture dossiers. Returns ({crebo: kwalificatie},
    {kwalificatie id: [werkprocessen]}). Crebos are unique across the fixture files."""
    parsed = [dossier for path in curriculum_files() for dossier in parse_file(path)]
    kwalificatiedossier_import(parsed=parsed)
    crebos = {k.crebo for dossier in parsed for k in dossier.kwalificaties}
    kwalificaties = {
        k.crebo: k
        for k in Kwalificatie.objects.filter(crebo__in=crebos)
        .select_related("dossier")
        .order_by("dossier__valid_from", "pk")
    }
    werkprocessen: defaultdict[int, list[Werkproces]] = defaultdict(list)
    for kwalificatie in kwalificaties.values():
        werkprocessen[kwalificatie.pk] = list(werkprocessen_for_kwalificatie(kwalificatie))
    return kwalificaties, dict(werkprocessen)
