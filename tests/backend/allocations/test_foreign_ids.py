"""Another school's round, run or objection answers exactly like one that does not exist
(issue 10, finding 10): same status, same body, nothing changed. A person who sees the round but
may not do this gets 403."""

import pytest
from django.urls import reverse

from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    ChoiceList,
    Objection,
    RoundEvent,
)
from tests.backend.allocations.conftest import NOW, to_review

MISSING = 987654

BODIES = {
    "offer": {"offer": 1},
    "answer": {"answer": "nee"},
    "challenges": {"challenges": []},
    "choices": {"choices": []},
    "reason": {"reason": "anders"},
    "none": {},
}

# (method, url name, which ids the url takes, body)
ENDPOINTS = [
    ("get", "round-detail", ("round",), "none"),
    ("put", "round-challenges", ("round",), "challenges"),
    ("post", "round-open", ("round",), "none"),
    ("post", "round-close-choices", ("round",), "none"),
    ("post", "round-publish", ("round",), "none"),
    ("post", "round-close", ("round",), "none"),
    ("get", "round-events", ("round",), "none"),
    ("get", "round-runs", ("round",), "none"),
    ("post", "round-runs", ("round",), "none"),
    ("get", "round-compare", ("round",), "none"),
    ("get", "run-detail", ("run",), "none"),
    ("post", "run-retry", ("run",), "none"),
    ("post", "run-apply", ("run",), "none"),
    ("get", "run-problem", ("run",), "none"),
    ("get", "run-result", ("run",), "none"),
    ("get", "round-assignments", ("round",), "none"),
    ("post", "assignment-lock", ("round", "student"), "none"),
    ("post", "assignment-unlock", ("round", "student"), "none"),
    ("post", "assignment-override", ("round", "student"), "offer"),
    ("get", "round-unassigned", ("round",), "none"),
    ("get", "round-export", ("round",), "none"),
    ("get", "round-objections", ("round",), "none"),
    ("post", "objection-accept", ("objection",), "offer"),
    ("post", "objection-decline", ("objection",), "answer"),
    ("get", "round-open-challenges", ("round",), "none"),
    ("get", "round-my-choices", ("round",), "none"),
    ("put", "round-my-choices", ("round",), "choices"),
    ("get", "round-my-result", ("round",), "none"),
    ("post", "round-my-objection", ("round",), "reason"),
]


@pytest.fixture
def vista(world):
    """Vista's round in review with a run, an assignment and an objection."""
    run = to_review(world)
    objection = Objection.objects.create(
        round=world.round, student=world.cast.sanne, reason="Ik wil iets anders", created_at=NOW
    )
    student = Assignment.objects.filter(round=world.round).first().student_id
    return {
        "round": world.round.pk,
        "run": run.pk,
        "objection": objection.pk,
        "student": student,
    }


def _state():
    return (
        list(AllocationRound.objects.values_list("pk", "phase", "applied_run_id")),
        list(AllocationRun.objects.values_list("pk", "status")),
        list(Assignment.objects.values_list("pk", "offer_id", "locked")),
        list(Objection.objects.values_list("pk", "status")),
        ChoiceList.objects.count(),
        RoundEvent.objects.count(),
    )


def _call(client, method, name, args, body):
    return getattr(client, method)(reverse(f"api:{name}", args=args), BODIES[body], format="json")


@pytest.mark.parametrize(("method", "name", "ids", "body"), ENDPOINTS)
def test_a_foreign_id_answers_like_a_missing_one(world, vista, client_for, method, name, ids, body):
    before = _state()
    for outsider in (world.cast.peters, world.cast.ahmed, world.cast.jan):
        client = client_for(outsider)
        # The outsider names Vista's round/run/objection; the student id is Vista's own student.
        foreign = _call(client, method, name, [vista[i] for i in ids], body)
        missing = _call(
            client, method, name, [MISSING if i != "student" else vista[i] for i in ids], body
        )
        assert foreign.status_code == missing.status_code == 404, (outsider, name)
        assert foreign.json() == missing.json(), (outsider, name)
        assert foreign.json()["message"] in (
            "Deze indelingsronde bestaat niet.",
            "Deze run bestaat niet.",
            "Dit bezwaar bestaat niet.",
        )
    assert _state() == before


def test_school_staff_who_see_the_round_but_may_not_manage_it_get_403(world, vista, client_for):
    before = _state()
    devries = client_for(world.cast.devries)
    for method, name, ids, body in ENDPOINTS:
        if method == "get" and not name.startswith("round-my") and name != "round-open-challenges":
            continue  # reading is allowed for a teacher
        response = _call(devries, method, name, [vista[i] for i in ids], body)
        assert response.status_code == 403, name
    assert _state() == before


def test_a_student_in_the_round_gets_403_on_the_staff_pages(world, vista, client_for):
    sanne = client_for(world.cast.sanne)
    for name in ("round-assignments", "round-export", "round-objections", "round-events"):
        assert sanne.get(reverse(f"api:{name}", args=[vista["round"]])).status_code == 403
    assert sanne.get(reverse("api:run-detail", args=[vista["run"]])).status_code == 403


def test_a_coordinator_cannot_name_a_student_of_another_school(world, vista, client_for):
    """Locking someone who is not in the round answers 404 without their name."""
    bos = client_for(world.cast.bos)
    ahmed = bos.post(reverse("api:assignment-lock", args=[vista["round"], world.cast.ahmed.pk]))
    nobody = bos.post(reverse("api:assignment-lock", args=[vista["round"], MISSING]))
    assert ahmed.status_code == nobody.status_code == 404
    assert (
        ahmed.json()
        == nobody.json()
        == {
            "message": "Deze student doet niet mee aan deze ronde.",
            "extra": {},
        }
    )
    assert "Ahmed" not in ahmed.content.decode()


def test_overriding_to_another_schools_offer_does_not_reveal_its_title(world, vista, client_for):
    from tests.factories import OfferFactory

    secret = OfferFactory(
        owner=world.cast.pixel, title="Geheim concept", schools=[world.cast.gilde]
    )
    bos = client_for(world.cast.bos)
    url = reverse("api:assignment-override", args=[vista["round"], vista["student"]])
    foreign = bos.post(url, {"offer": secret.pk}, format="json")
    missing = bos.post(url, {"offer": MISSING}, format="json")
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    assert foreign.json()["extra"]["fields"] == {
        "offer": ["Deze uitdaging bestaat niet of doet niet mee aan deze ronde."]
    }
    assert "Geheim" not in foreign.content.decode()
