"""The student's self-assessment (STARR): who may write it, what submitting needs, and when it
can no longer change."""

import pytest
from django.utils import timezone

from backend.allocations.models import Phase
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.curriculum.models import Werkproces
from backend.learning.models import EvidenceStep, ReviewStatus, SelfAssessment, StepKind
from backend.learning.services.self_assessment import self_assessment_save
from backend.notifications.models import Notification
from tests.backend.learning.assess_factories import STARR, assessment
from tests.backend.learning.factories import placement


def _save(placed, **overrides):
    arguments = {
        "student": placed.students[0],
        "offer": placed.offer,
        "werkproces": placed.werkprocessen[0],
        "level": "voldoende",
        "submit": False,
        "now": timezone.now(),
        **STARR,
        **overrides,
    }
    return self_assessment_save(**arguments)


def _coach(cast):
    enrolment = cast.sanne.enrolment
    enrolment.coach = cast.devries
    enrolment.save()


def test_a_draft_is_saved_without_a_step_or_a_notification(cast):
    _coach(cast)
    placed = placement(cast)

    saved = _save(placed, result="")

    assert saved.status == ReviewStatus.DRAFT
    assert saved.submitted_at is None
    assert saved.result == ""
    assert not EvidenceStep.objects.exists()
    assert not Notification.objects.exists()


def test_saving_again_updates_the_one_draft(cast):
    placed = placement(cast)
    _save(placed, situation="eerst")

    _save(placed, situation="daarna")

    assert SelfAssessment.objects.get().situation == "daarna"


def test_submitting_logs_the_step_and_tells_the_coach(cast):
    _coach(cast)
    placed = placement(cast)
    now = timezone.now()

    saved = _save(placed, submit=True, now=now)

    assert saved.status == ReviewStatus.SUBMITTED
    assert saved.submitted_at == now
    step = EvidenceStep.objects.get()
    assert (step.kind, step.actor, step.at, step.level) == (
        StepKind.SUBMITTED,
        cast.sanne,
        now,
        "voldoende",
    )
    notification = Notification.objects.get()
    assert notification.recipient == cast.devries
    assert notification.category == "learning_evidence_submitted"
    assert notification.url == f"/leren/valideren/{saved.pk}/"


def test_submitting_without_a_coach_notifies_nobody(cast):
    _save(placement(cast), submit=True)

    assert not Notification.objects.exists()


def test_submitting_needs_every_starr_field_and_a_level(cast):
    placed = placement(cast)

    with pytest.raises(ApplicationError) as refused:
        _save(placed, submit=True, level="", task="  ", reflection="")

    fields = refused.value.extra["fields"]
    assert fields == {
        "level": ["Kies het niveau dat je jezelf geeft voordat je indient."],
        "task": ["Vul taak in voordat je indient."],
        "reflection": ["Vul reflectie in voordat je indient."],
    }
    assert not SelfAssessment.objects.exists()


def test_an_unknown_level_is_refused(cast):
    with pytest.raises(ApplicationError) as refused:
        _save(placement(cast), level="perfect")

    assert refused.value.extra["fields"]["level"] == [
        "Kies een niveau: nooit, oefenen, voldoende of goed."
    ]


def test_a_too_long_answer_is_refused_naming_the_field(cast):
    with pytest.raises(ApplicationError) as refused:
        _save(placement(cast), action="x" * 3001)

    assert refused.value.extra["fields"]["action"] == [
        "Actie is te lang: 3001 tekens, hooguit 3000."
    ]


def test_a_student_not_placed_on_the_offer_is_refused(cast):
    placed = placement(cast)

    with pytest.raises(PermissionDenied):
        _save(placed, student=cast.ahmed)

    assert not SelfAssessment.objects.exists()


def test_a_placement_in_an_unpublished_round_does_not_count(cast):
    placed = placement(cast, phase=Phase.REVIEW)

    with pytest.raises(PermissionDenied):
        _save(placed)


def test_a_werkproces_not_mapped_to_the_offer_is_refused(cast):
    placed = placement(cast)
    other = Werkproces.objects.get(kerntaak__dossier=cast.ict_niveau2.dossier, code="B1-K1-W2")

    with pytest.raises(ApplicationError) as refused:
        _save(placed, werkproces=other)

    assert refused.value.extra["fields"]["werkproces"] == [
        "B1-K1-W2 hoort niet bij deze activiteit of niet bij je opleiding; kies een werkproces "
        "van de activiteit."
    ]
    assert not SelfAssessment.objects.exists()


def test_a_submitted_assessment_cannot_be_changed(cast):
    placed = placement(cast)
    assessment(placed)

    with pytest.raises(Conflict) as refused:
        _save(placed, situation="stiekem aangepast")

    assert "al ingediend" in refused.value.message
    assert SelfAssessment.objects.get().situation == STARR["situation"]
    assert EvidenceStep.objects.count() == 1
