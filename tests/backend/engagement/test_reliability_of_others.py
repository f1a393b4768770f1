"""Someone else's meeting reliability (`?user=`) answers the same for a person the reader may not
see as for an id nobody has (issue 10, finding 10 follow-up): before, a 403 told that the id
belonged to someone and a 404 that it did not, so user ids could be probed."""

from backend.accounts.models import User

URL = "/api/engagement/meetings/reliability/"
NOT_FOUND = {
    "message": "Deze persoon bestaat niet of je mag diens gegevens niet zien.",
    "extra": {},
}


def _unused_user_id() -> int:
    return User.objects.order_by("pk").last().pk + 100


def test_a_student_of_another_school_answers_like_an_unknown_person(cast, client_for):
    client = client_for(cast.devries)  # teacher and coach at Vista; Ahmed studies at Gilde

    foreign = client.get(URL, {"user": cast.ahmed.pk})
    missing = client.get(URL, {"user": _unused_user_id()})

    assert (foreign.status_code, foreign.json()) == (404, NOT_FOUND)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


def test_a_student_asking_about_a_classmate_answers_like_an_unknown_person(cast, client_for):
    classmate = cast.sanne
    client = client_for(cast.ahmed)

    existing = client.get(URL, {"user": classmate.pk})
    missing = client.get(URL, {"user": _unused_user_id()})

    assert (existing.status_code, existing.json()) == (404, NOT_FOUND)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


def test_staff_still_see_a_student_of_their_own_school(cast, client_for):
    response = client_for(cast.devries).get(URL, {"user": cast.sanne.pk})

    assert response.status_code == 200
    assert response.json() == {"user": cast.sanne.pk, "kept": 0, "total": 0, "percentage": None}
