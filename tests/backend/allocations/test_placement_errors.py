"""The placement check never names an offer outside the round, whichever caller hands it one
(issue 10, finding 6 follow-up): an override to another school's draft is refused in neutral
words and changes nothing."""

import pytest

from backend.allocations import services
from backend.allocations.models import Assignment
from backend.core.errors import ApplicationError
from backend.offers.models import OfferStatus
from tests.backend.allocations.conftest import to_review
from tests.factories import OfferFactory


def test_an_override_to_an_offer_outside_the_round_does_not_name_it(world):
    to_review(world)
    secret = OfferFactory(
        owner=world.cast.pixel,
        title="Geheim concept",
        status=OfferStatus.DRAFT,
        schools=[world.cast.gilde],
    )
    before = sorted(Assignment.objects.values_list("student_id", "offer_id", "locked"))
    with pytest.raises(ApplicationError) as error:
        services.assignment_override(
            allocation_round=world.round,
            student=world.cast.sanne,
            offer=secret,
            actor=world.cast.bos,
        )
    assert error.value.extra == {
        "fields": {"offer": ["Deze uitdaging bestaat niet of doet niet mee aan deze ronde."]}
    }
    assert sorted(Assignment.objects.values_list("student_id", "offer_id", "locked")) == before
