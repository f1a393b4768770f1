"""A mixed team (issue 15): students of different kwalificaties on one offer are rated, assess
themselves and see their activity only on the offer's werkprocessen of their own kwalificatie."""

import pytest
from django.utils import timezone

from backend.core.errors import ApplicationError
from backend.curriculum.models import ProgressLevel, Werkproces
from backend.learning.selectors.company_feedback import company_feedback_for_contact
from backend.learning.selectors.self_assessment import activities_of
from backend.learning.services.company_feedback import company_feedback_submit
from backend.learning.services.self_assessment import self_assessment_save
from tests.backend.learning.factories import placement
from tests.backend.learning.feedback_factories import open_feedback
from tests.factories import student


@pytest.fixture
def mixed(cast):
    """Sanne (niveau 2) and Mees (niveau 4, another dossier) on an offer mapped only to
    werkprocessen of Sanne's dossier."""
    mees = student(school=cast.vista, kwalificatie=cast.ict_niveau4, first_name="Mees")
    return placement(cast, students=[cast.sanne, mees]), mees


def test_the_company_rates_each_student_only_on_werkprocessen_of_their_own_kwalificatie(
    cast, mixed
):
    placed, mees = mixed
    for_sanne = company_feedback_for_contact(cast.jan, open_feedback(placed, student=cast.sanne).pk)
    for_mees = open_feedback(placed, student=mees)

    assert [w.code for w in for_sanne.werkprocessen] == ["B1-K1-W1", "P1-K1-W1"]
    assert company_feedback_for_contact(cast.jan, for_mees.pk).werkprocessen == []
    with pytest.raises(ApplicationError) as refused:
        company_feedback_submit(
            feedback=for_mees,
            actor=cast.jan,
            levels={placed.werkprocessen[0].pk: ProgressLevel.GOOD},
            comment="Goed gedaan.",
            now=timezone.now(),
        )
    assert "B1-K1-W1" in str(refused.value.message) + str(refused.value.extra)


def test_a_student_assesses_only_werkprocessen_of_their_own_kwalificatie(cast, mixed):
    placed, mees = mixed
    with pytest.raises(ApplicationError) as refused:
        self_assessment_save(
            student=mees,
            offer=placed.offer,
            werkproces=placed.werkprocessen[0],
            level=ProgressLevel.SUFFICIENT,
            situation="",
            task="",
            action="",
            result="",
            reflection="",
            submit=False,
            now=timezone.now(),
        )
    assert "niet bij je opleiding" in refused.value.message

    today = timezone.localdate()
    (mine,) = activities_of(mees, today=today)
    (sannes,) = activities_of(cast.sanne, today=today)
    assert mine.werkprocessen == []
    assert [row.werkproces.code for row in sannes.werkprocessen] == ["B1-K1-W1", "P1-K1-W1"]
    assert Werkproces.objects.filter(kerntaak__dossier=cast.ict_niveau4.dossier).exists()
