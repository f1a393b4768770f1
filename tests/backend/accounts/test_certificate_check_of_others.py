"""The certificate check answers the same for a person the caller may not check as for an id
nobody has (issue 10, finding 10 follow-up): before, a 403 told that the id belonged to someone
(a student, say) and a 404 that it did not, so user ids could be probed."""

from django.urls import reverse
from rest_framework.test import APIClient

from backend.accounts.models import User

URL = reverse("api:certificate-check")
NOT_FOUND = {
    "message": "Deze persoon bestaat niet of je mag diens certificaten niet controleren.",
    "extra": {},
}


def _check(caller, person_id: int, school_id: int):
    client = APIClient()
    client.force_authenticate(caller)
    params = {"person": person_id, "school": school_id, "subject": "guest_teacher"}
    return client.get(URL, params)


def _unused_user_id() -> int:
    return User.objects.order_by("pk").last().pk + 100


def test_a_student_answers_like_an_unknown_person_to_school_staff(cast):
    # De Vries (Vista staff) may check guest teachers, not students: Ahmed studies at Gilde.
    student = _check(cast.devries, cast.ahmed.pk, cast.vista.pk)
    missing = _check(cast.devries, _unused_user_id(), cast.vista.pk)

    assert (student.status_code, student.json()) == (404, NOT_FOUND)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


def test_a_company_contact_checking_someone_else_learns_nothing(cast):
    other = _check(cast.jan, cast.eva.pk, cast.vista.pk)
    missing = _check(cast.jan, _unused_user_id(), cast.vista.pk)

    assert (other.status_code, other.json()) == (404, NOT_FOUND)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


def test_the_person_is_judged_before_the_school(cast):
    # An unknown school must not turn a refused person into a different answer either.
    unknown_school = cast.vista.pk + 1000
    student = _check(cast.devries, cast.ahmed.pk, unknown_school)
    missing = _check(cast.devries, _unused_user_id(), unknown_school)

    assert (student.status_code, student.json()) == (404, NOT_FOUND)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


def test_people_still_check_themselves(cast):
    response = _check(cast.eva, cast.eva.pk, cast.vista.pk)

    assert response.status_code == 200
    assert response.json() == {"ok": True, "violations": []}
