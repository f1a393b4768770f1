"""Access table for the portfolio and coach pages (frontend/views/learning/portfolio.py and
coach.py, issue 15): the student's own portfolio is the student's; a student's portfolio under
leren/studenten/<pk>/ and the coach overviews are for the school staff of the student's school.
Companies and the privacy officer get 403."""

from tests.backend.learning.factories import placement
from tests.frontend.role_access import STAFF, STUDENT, Page


def _sanne(cast):
    placement(cast)
    return {"pk": cast.sanne.pk}


PAGES = {
    "frontend:my-portfolio": Page(STUDENT),
    "frontend:my-portfolio-print": Page(STUDENT),
    "frontend:student-portfolio": Page(STAFF, kwargs=_sanne),
    "frontend:student-portfolio-print": Page(STAFF, kwargs=_sanne),
    "frontend:coach-overview": Page(STAFF),
    "frontend:coach-missing-feedback": Page(STAFF),
}
