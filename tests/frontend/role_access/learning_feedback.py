"""Access table for the company's feedback pages (issue 15): the company contact's list of
feedback requests and the form per student. Only the company role; teachers, coordinators,
students and the privacy officer get 403. Another company's request is a 404 (tested in
tests/frontend/learning/test_company_feedback_pages.py)."""

from backend.learning.models import CompanyFeedback, Moment
from tests.backend.learning.factories import placement
from tests.frontend.role_access import COMPANY, Page


def _feedback(cast):
    placed = placement(cast)
    feedback = CompanyFeedback.objects.create(
        student=cast.sanne,
        offer=placed.offer,
        moment=Moment.FINAL,
        due_on=placed.offer.ends_on,
    )
    return {"pk": feedback.pk}


PAGES = {
    "frontend:company-feedback-list": Page(COMPANY),
    "frontend:company-feedback-form": Page(COMPANY, kwargs=_feedback),
}
