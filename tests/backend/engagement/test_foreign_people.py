"""A company contact who names someone of another organisation as expert learns nothing about
them (issue 10, finding 6 follow-up): the refusal names only the id they sent."""

import pytest

from backend.core.errors import ApplicationError
from backend.engagement.models import ExpertProfile
from backend.engagement.services import expert_profile_create


def test_an_expert_from_another_organisation_is_named_by_id_only(cast):
    with pytest.raises(ApplicationError) as error:
        expert_profile_create(
            actor=cast.jan, user=cast.devries, organisation=cast.bakkerij, data={"headline": "x"}
        )
    assert error.value.extra == {
        "fields": {
            "user": [f"Persoon {cast.devries.pk} is geen contactpersoon van Bakkerij Jansen."]
        }
    }
    assert not ExpertProfile.objects.exists()
