"""The round pages name only students and challenges of the round (issue 10, finding 6): an id of
another school's student or offer is answered exactly like an id that does not exist, and the
new-round form lists only challenges the coordinator's rounds may hold."""

import pytest
from django.urls import reverse

from backend.allocations import services
from backend.allocations.models import Assignment, ChoiceList, Objection, Phase
from backend.offers.models import OfferStatus
from tests.allocation_rounds import make_round
from tests.factories import OfferFactory, SchoolFactory

pytestmark = pytest.mark.django_db

MISSING = 987654
NOT_IN_ROUND = "Deze uitdaging bestaat niet of doet niet mee aan deze ronde."


@pytest.fixture
def secret(cast):
    """Gilde's draft: in no round, and nobody at Vista may learn its title."""
    return OfferFactory(
        owner=cast.pixel,
        contact=cast.eva,
        title="Geheim concept",
        status=OfferStatus.DRAFT,
        schools=[cast.gilde],
    )


def _placements(allocation_round):
    return sorted(
        Assignment.objects.filter(round=allocation_round).values_list(
            "student_id", "offer_id", "locked"
        )
    )


def _flash(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_it_answers_an_assignment_action_on_another_schools_student_with_404(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    before = _placements(allocation_round)
    client = page_client(people.bos)
    for action in ("lock", "unlock", "override"):
        foreign = client.post(
            reverse(
                "frontend:round-assignment-action",
                args=[allocation_round.pk, people.ahmed.pk, action],
            ),
            {"offer": allocation_round.app.pk},
        )
        missing = client.post(
            reverse(
                "frontend:round-assignment-action", args=[allocation_round.pk, MISSING, action]
            ),
            {"offer": allocation_round.app.pk},
        )
        assert foreign.status_code == missing.status_code == 404, action
        assert "Ahmed" not in foreign.content.decode()
    assert _placements(allocation_round) == before


def test_an_override_to_another_schools_offer_does_not_reveal_its_title(
    people, secret, page_client
):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    before = _placements(allocation_round)
    client = page_client(people.bos)
    url = reverse(
        "frontend:round-assignment-action", args=[allocation_round.pk, people.sanne.pk, "override"]
    )
    foreign = client.post(url, {"offer": secret.pk}, follow=True)
    missing = client.post(url, {"offer": MISSING}, follow=True)
    assert foreign.status_code == missing.status_code == 200
    assert _flash(foreign) == _flash(missing) == [NOT_IN_ROUND]
    assert "Geheim" not in foreign.content.decode()
    assert _placements(allocation_round) == before


def test_accepting_an_objection_with_another_schools_offer_does_not_reveal_its_title(
    people, secret, page_client
):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    objection = services.objection_submit(
        allocation_round=allocation_round, student=people.sanne, reason="Te ver"
    )
    before = _placements(allocation_round)
    client = page_client(people.bos)
    url = reverse("frontend:round-objection-decide", args=[allocation_round.pk, objection.pk])
    foreign = client.post(url, {"decision": "accept", "offer": secret.pk}, follow=True)
    missing = client.post(url, {"decision": "accept", "offer": MISSING}, follow=True)
    assert _flash(foreign) == _flash(missing) == [NOT_IN_ROUND]
    assert "Geheim" not in foreign.content.decode()
    assert Objection.objects.get().status == "open"
    assert _placements(allocation_round) == before


def test_a_student_choosing_another_schools_offer_sees_only_its_number(people, secret, page_client):
    allocation_round = make_round(people)
    client = page_client(people.sanne)
    url = reverse("frontend:round-student", args=[allocation_round.pk])
    foreign = client.post(url, {"form": "choices", f"position-{secret.pk}": "1"})
    missing = client.post(url, {"form": "choices", f"position-{MISSING}": "1"})
    assert foreign.context["errors"] == [
        f"Uitdaging {secret.pk} bestaat niet of doet niet mee aan deze ronde."
    ]
    assert missing.context["errors"] == [
        f"Uitdaging {MISSING} bestaat niet of doet niet mee aan deze ronde."
    ]
    assert "Geheim" not in foreign.content.decode()
    assert not ChoiceList.objects.exists()


def test_the_new_round_form_lists_only_challenges_of_the_coordinators_rounds(people, page_client):
    def challenge(title, school, status=OfferStatus.PUBLISHED):
        return OfferFactory(
            owner=people.pixel, contact=people.eva, title=title, status=status, schools=[school]
        )

    challenge("Eigen uitdaging", people.vista)
    # Gilde shares the consortium with Vista: a consortium round may hold its challenges.
    challenge("Consortium uitdaging", people.gilde)
    challenge("Eigen concept", people.vista, status=OfferStatus.DRAFT)
    elsewhere = challenge("Uitdaging van Rijn IJssel", SchoolFactory(name="Rijn IJssel"))
    page = page_client(people.bos).get(reverse("frontend:round-create")).content.decode()
    assert "Eigen uitdaging (Pixelfabriek)" in page
    # The partner school's challenge says where it fits, so nobody mistakes it for their own.
    assert "Consortium uitdaging (Pixelfabriek) · alleen in een consortiumronde" in page
    assert "Eigen uitdaging (Pixelfabriek) · alleen" not in page
    assert "Eigen concept" not in page
    assert "Rijn IJssel" not in page
    assert f'value="{elsewhere.pk}"' not in page
