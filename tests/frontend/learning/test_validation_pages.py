"""The coach's and teacher's validation pages: the queue and the decision."""

import pytest
from django.urls import reverse

from backend.accounts.models import User
from backend.curriculum.models import WerkprocesEvidence
from backend.learning.models import ReviewStatus, SelfAssessment
from tests.backend.learning.assess_factories import assessment
from tests.backend.learning.factories import placement
from tests.factories import student

QUEUE = "frontend:validation-queue"


def _detail(item):
    return reverse("frontend:validation-detail", args=[item.pk])


def test_the_queue_lists_submitted_assessments_of_the_school(cast, page_client):
    item = assessment(placement(cast))

    html = page_client(cast.devries).get(reverse(QUEUE)).content.decode()

    assert _detail(item) in html
    assert "B1-K1-W1" in html


def test_another_schools_teacher_sees_an_empty_queue(cast, page_client):
    item = assessment(placement(cast))

    response = page_client(cast.peters).get(reverse(QUEUE))

    assert response.status_code == 200
    assert _detail(item) not in response.content.decode()
    assert "Er wacht niets op u." in response.content.decode()


def test_the_queue_page_costs_the_same_for_one_or_many(cast, page_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = page_client(cast.devries)
    assessment(placement(cast))
    client.get(reverse(QUEUE))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(QUEUE)).status_code == 200
        return len(queries)

    one = count()
    others = [
        student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=f"S{i}")
        for i in range(5)
    ]
    crowd = placement(cast, students=others, title="Nog een")
    for other in others:
        assessment(crowd, student=other)
    assert count() == one


def test_the_teacher_validates_with_a_level(cast, page_client):
    item = assessment(placement(cast))

    response = page_client(cast.devries).post(
        _detail(item), {"action": "validate", "level": "goed", "note": "Sterk verslag."}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(QUEUE)
    item.refresh_from_db()
    assert item.status == ReviewStatus.VALIDATED
    evidence = WerkprocesEvidence.objects.get()
    assert (evidence.level, evidence.validated_by, evidence.note) == (
        "goed",
        cast.devries,
        "Sterk verslag.",
    )


def test_asking_for_more_without_a_reason_says_why(cast, page_client):
    item = assessment(placement(cast))

    response = page_client(cast.devries).post(_detail(item), {"action": "more", "reason": ""})

    assert response.status_code == 400
    assert (
        "Schrijf op welk bewijs nog ontbreekt; de student leest dit." in response.content.decode()
    )
    assert SelfAssessment.objects.get().status == ReviewStatus.SUBMITTED


def test_validating_twice_shows_the_refusal(cast, page_client):
    item = assessment(placement(cast))
    client = page_client(cast.devries)
    client.post(_detail(item), {"action": "validate", "level": "voldoende"})

    response = client.get(_detail(item))

    assert 'id="validate-form"' not in response.content.decode()
    assert "Gevalideerd op" in response.content.decode()
    assert WerkprocesEvidence.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("peters", 404), ("jan", 403), ("fenna", 403), ("sanne", 403), ("ahmed", 403)],
)
def test_others_cannot_open_or_decide(cast, page_client, who, status):
    item = assessment(placement(cast))
    client = page_client(getattr(cast, who))

    assert client.get(_detail(item)).status_code == status
    assert client.post(_detail(item), {"action": "validate", "level": "goed"}).status_code == status
    assert SelfAssessment.objects.get().status == ReviewStatus.SUBMITTED
    assert not WerkprocesEvidence.objects.exists()
    assert User.objects.filter(pk=cast.sanne.pk).exists()
