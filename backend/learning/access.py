"""Who may see and do what in the learning loop: the one home of these rules.

- A company contact sees and rates only the students placed on their own company's offers,
  and only on the werkprocessen those offers are mapped to. Never grades, care notes or other
  students' evidence.
- A student sees only their own assessments, portfolio, badges and driehoekgesprekken.
- School staff (teacher, coach, coordinator, programme lead, institution admin) of the student's
  school see the student's learning record and validate it.
- A driehoekgesprek series is visible to its three participants only.
"""

from backend.accounts.models import StudentEnrolment, User
from backend.accounts.selectors import company_ids, staff_school_ids
from backend.learning.models import TriadSeries
from backend.offers.models import Offer


def is_school_staff_of(user: User, student_id: int) -> bool:
    """Staff of the school where the student is enrolled."""
    schools = staff_school_ids(user)
    return (
        bool(schools)
        and StudentEnrolment.objects.filter(student_id=student_id, school_id__in=schools).exists()
    )


def is_company_of(user: User, offer: Offer) -> bool:
    """A contact person of the company that owns the offer."""
    return offer.owner_id in company_ids(user)


def is_triad_participant(user: User, series: TriadSeries) -> bool:
    """The student, the coach while still staff of the student's school, and the mentor while
    still a contact of the offer's company: a mentor who moved on no longer reads the notes."""
    if user.pk == series.student_id:
        return True
    if user.pk == series.coach_id:
        return is_school_staff_of(user, series.student_id)
    if user.pk == series.mentor_id:
        return is_company_of(user, series.offer)
    return False
