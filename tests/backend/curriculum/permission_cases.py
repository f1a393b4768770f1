"""Every curriculum route × every role (run by tests/backend/test_permission_matrix.py).

The national qualification structure (dossiers, kwalificaties, werkprocessen) is public
knowledge from SBB: every signed-in person may read it, nobody signed out, and nobody can write it
through the API (there are no write routes; the import is a management command).
"""

from django.urls import reverse

from tests.backend.permission_matrix import Case
from tests.backend.permission_world import SIGNED_IN


def url(name, *args):
    return reverse(f"api:{name}", args=args)


CASES = [
    Case("dossier list", "get", lambda w: url("dossier-list"), SIGNED_IN),
    Case(
        "dossier detail",
        "get",
        lambda w: url("dossier-detail", w.ict_niveau2.dossier_id),
        SIGNED_IN,
    ),
    Case("kwalificatie list", "get", lambda w: url("kwalificatie-list"), SIGNED_IN),
    Case(
        "kwalificatie detail",
        "get",
        lambda w: url("kwalificatie-detail", w.ict_niveau2.pk),
        SIGNED_IN,
    ),
    Case("werkproces list", "get", lambda w: url("werkproces-list") + "?q=web", SIGNED_IN),
]
