"""Access table for the student's challenge pages (frontend/urls_rounds.py): "Uitdagingen", one
challenge's page and the teammate search are for students only; school staff, companies and
Koppel staff get 403 (the pages are the student's own view of a round)."""

from tests.frontend.role_access import STUDENT, Page
from tests.frontend.role_access.rounds import _round


def _challenge(cast):
    round_ = _round(cast)
    return {"pk": round_.challenges.get().pk}


PAGES = {
    "frontend:student-challenges": Page(STUDENT),
    "frontend:student-challenge-detail": Page(STUDENT, kwargs=_challenge),
    "frontend:student-teammate-search": Page(
        STUDENT, kwargs=lambda cast: {"round_id": _round(cast).pk}
    ),
}
