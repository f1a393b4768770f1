"""Validation by the coach or teacher: the state machine, who may decide, what validation writes
(and what then counts as demonstrated), and the queue."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import open_werkproces_codes_for_students
from backend.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from backend.curriculum.models import WerkprocesEvidence
from backend.learning.models import (
    CompanyFeedback,
    CompanyRating,
    EvidenceStep,
    Moment,
    ReviewStatus,
    SelfAssessment,
    StepKind,
)
from backend.learning.selectors.validation import self_assessment_for_review, validation_queue_for
from backend.learning.services.validation import evidence_request_more, evidence_validate
from backend.notifications.models import Notification
from tests.backend.learning.assess_factories import STARR, assessment
from tests.backend.learning.factories import placement
from tests.factories import student


def _validate(item, actor, level="voldoende", note="Goed onderbouwd.", now=None):
    return evidence_validate(
        self_assessment=item, actor=actor, level=level, note=note, now=now or timezone.now()
    )


def _more(item, actor, reason="Voeg een foto van de bestelpagina toe.", now=None):
    return evidence_request_more(
        self_assessment=item, actor=actor, reason=reason, now=now or timezone.now()
    )


def test_an_assessment_goes_draft_submitted_more_requested_submitted_validated(cast):
    placed = placement(cast)
    t0 = timezone.now()
    draft = assessment(placed, submit=False)
    assert draft.status == ReviewStatus.DRAFT

    submitted = assessment(placed)
    assert submitted.status == ReviewStatus.SUBMITTED
    sent_back = _more(submitted, cast.devries, now=t0 + dt.timedelta(hours=1))
    assert sent_back.status == ReviewStatus.MORE_REQUESTED
    assert sent_back.review_reason == "Voeg een foto van de bestelpagina toe."
    again = assessment(placed, result="Twaalf bestellingen; zie de foto.")
    assert again.status == ReviewStatus.SUBMITTED
    validated = _validate(again, cast.devries, level="goed", now=t0 + dt.timedelta(hours=2))

    validated.refresh_from_db()
    assert validated.status == ReviewStatus.VALIDATED
    assert (validated.reviewed_by, validated.reviewed_at) == (
        cast.devries,
        t0 + dt.timedelta(hours=2),
    )
    steps = list(EvidenceStep.objects.order_by("pk").values_list("kind", "actor", "level"))
    assert steps == [
        (StepKind.SUBMITTED, cast.sanne.pk, "voldoende"),
        (StepKind.MORE_REQUESTED, cast.devries.pk, ""),
        (StepKind.SUBMITTED, cast.sanne.pk, "voldoende"),
        (StepKind.VALIDATED, cast.devries.pk, "goed"),
    ]


def test_validation_writes_the_evidence_with_who_and_when(cast):
    placed = placement(cast)
    now = timezone.now()

    _validate(assessment(placed), cast.devries, level="voldoende", now=now)

    evidence = WerkprocesEvidence.objects.get()
    assert (
        evidence.student,
        evidence.werkproces,
        evidence.offer,
        evidence.level,
        evidence.recorded_by,
        evidence.validated_by,
        evidence.validated_at,
        evidence.note,
    ) == (
        cast.sanne,
        placed.werkprocessen[0],
        placed.offer,
        "voldoende",
        cast.devries,
        cast.devries,
        now,
        "Goed onderbouwd.",
    )


@pytest.mark.parametrize("level", ["voldoende", "goed"])
def test_a_demonstrated_level_closes_the_werkproces_for_the_matcher(cast, level):
    placed = placement(cast)
    code = placed.werkprocessen[0].code
    assert code in open_werkproces_codes_for_students([cast.sanne.pk])[cast.sanne.pk]

    _validate(assessment(placed), cast.devries, level=level)

    assert code not in open_werkproces_codes_for_students([cast.sanne.pk])[cast.sanne.pk]


def test_practising_keeps_the_werkproces_open(cast):
    placed = placement(cast)
    code = placed.werkprocessen[0].code

    _validate(assessment(placed), cast.devries, level="oefenen")

    assert code in open_werkproces_codes_for_students([cast.sanne.pk])[cast.sanne.pk]
    assert WerkprocesEvidence.objects.get().level == "oefenen"


def test_a_second_validation_is_refused(cast):
    item = assessment(placement(cast))
    _validate(item, cast.devries)

    with pytest.raises(Conflict) as refused:
        _validate(item, cast.bos, level="goed")

    assert refused.value.message.startswith("Deze zelfbeoordeling is al gevalideerd op ")
    assert WerkprocesEvidence.objects.get().level == "voldoende"
    assert EvidenceStep.objects.filter(kind=StepKind.VALIDATED).count() == 1


def test_a_validated_assessment_cannot_be_edited_or_sent_back(cast):
    placed = placement(cast)
    _validate(assessment(placed), cast.devries)

    with pytest.raises(Conflict) as refused:
        assessment(placed, situation="achteraf anders")
    assert (
        refused.value.message
        == "Deze zelfbeoordeling is al gevalideerd en kan niet meer veranderen."
    )
    with pytest.raises(Conflict):
        _more(SelfAssessment.objects.get(), cast.devries)
    assert SelfAssessment.objects.get().situation == STARR["situation"]


def test_a_draft_cannot_be_validated(cast):
    draft = assessment(placement(cast), submit=False)

    with pytest.raises(Conflict):
        _validate(draft, cast.devries)

    assert not WerkprocesEvidence.objects.exists()


@pytest.mark.parametrize("who", ["peters", "jan", "fenna", "ahmed", "sanne"])
def test_only_staff_of_the_students_school_may_validate(cast, who):
    item = assessment(placement(cast))

    with pytest.raises(PermissionDenied):
        _validate(item, getattr(cast, who))
    with pytest.raises(PermissionDenied):
        _more(item, getattr(cast, who))

    item.refresh_from_db()
    assert item.status == ReviewStatus.SUBMITTED
    assert not WerkprocesEvidence.objects.exists()
    assert EvidenceStep.objects.count() == 1


def test_the_coordinator_may_validate_too(cast):
    item = _validate(assessment(placement(cast)), cast.bos)

    assert item.status == ReviewStatus.VALIDATED


def test_asking_for_more_evidence_needs_a_reason(cast):
    item = assessment(placement(cast))

    with pytest.raises(ApplicationError) as refused:
        _more(item, cast.devries, reason="   ")

    assert refused.value.extra["fields"]["reason"] == [
        "Schrijf op welk bewijs nog ontbreekt; de student leest dit."
    ]
    item.refresh_from_db()
    assert item.status == ReviewStatus.SUBMITTED


def test_an_unknown_level_is_refused(cast):
    with pytest.raises(ApplicationError) as refused:
        _validate(assessment(placement(cast)), cast.devries, level="uitmuntend")

    assert "level" in refused.value.extra["fields"]


def test_each_decision_tells_the_student(cast):
    placed = placement(cast)
    item = assessment(placed)
    _more(item, cast.devries)
    _validate(assessment(placed), cast.devries, level="goed")

    rows = list(Notification.objects.filter(recipient=cast.sanne).order_by("pk"))
    assert [n.category for n in rows] == [
        "learning_evidence_more_requested",
        "learning_evidence_validated",
    ]
    assert rows[0].body == (
        "Voor B1-K1-W1 is meer bewijs nodig: Voeg een foto van de bestelpagina toe."
    )
    assert rows[1].body == (
        "Werkproces B1-K1-W1 (Werkproces B1-K1-W1) is gevalideerd op niveau goed."
    )
    url = f"/mijn-leren/activiteiten/{placed.offer.pk}/werkprocessen/{placed.werkprocessen[0].pk}/"
    assert {n.url for n in rows} == {url}


def test_the_queue_holds_submitted_assessments_of_the_users_schools_oldest_first(cast):
    placed = placement(cast)
    later = assessment(placed, werkproces=placed.werkprocessen[1])
    earlier = assessment(placed)
    SelfAssessment.objects.filter(pk=earlier.pk).update(
        submitted_at=later.submitted_at - dt.timedelta(days=1)
    )

    assert list(validation_queue_for(cast.devries)) == [earlier, later]
    assert list(validation_queue_for(cast.bos)) == [earlier, later]
    assert list(validation_queue_for(cast.peters)) == []
    assert list(validation_queue_for(cast.jan)) == []
    assert list(validation_queue_for(cast.devries, mine=True)) == []


def test_the_queue_leaves_out_drafts_and_decided_ones(cast):
    placed = placement(cast)
    assessment(placed, submit=False)
    _validate(assessment(placed, werkproces=placed.werkprocessen[1]), cast.devries)

    assert list(validation_queue_for(cast.devries)) == []


def test_mine_is_only_the_students_the_user_coaches(cast):
    enrolment = cast.sanne.enrolment
    enrolment.coach = cast.devries
    enrolment.save()
    other = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Lotte")
    placed = placement(cast, students=[cast.sanne, other])
    mine = assessment(placed)
    assessment(placed, student=other)

    assert list(validation_queue_for(cast.devries, mine=True)) == [mine]


def test_the_queue_costs_the_same_for_one_or_many_students(cast, django_assert_num_queries):
    def page_rows():
        user = User.objects.get(pk=cast.devries.pk)  # no membership cache from earlier calls
        with django_assert_num_queries(2):  # the user's schools, then the page
            rows = list(validation_queue_for(user)[:25])
            shown = [
                (row.student.enrolment.kwalificatie, row.offer.owner.name, row.werkproces.code)
                for row in rows
            ]
        assert len(shown) == len(rows)
        return rows

    placed = placement(cast)
    assessment(placed)
    assert len(page_rows()) == 1
    others = [
        student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=f"S{i}")
        for i in range(4)
    ]
    crowd = placement(cast, students=others, title="Nog een uitdaging")
    for other in others:
        assessment(crowd, student=other)
    assert len(page_rows()) == 5


def test_the_review_shows_the_companys_ratings_for_that_student_and_offer(cast):
    placed = placement(cast)
    item = assessment(placed)
    feedback = CompanyFeedback.objects.create(
        student=cast.sanne,
        offer=placed.offer,
        moment=Moment.FINAL,
        due_on=timezone.localdate(),
        submitted_by=cast.jan,
        submitted_at=timezone.now(),
        comment="Werkt zelfstandig.",
    )
    CompanyRating.objects.create(
        feedback=feedback, werkproces=placed.werkprocessen[0], level="goed"
    )
    other_offer = placement(cast, title="Andere klus")
    CompanyFeedback.objects.create(
        student=cast.sanne,
        offer=other_offer.offer,
        moment=Moment.FINAL,
        due_on=timezone.localdate(),
        submitted_at=timezone.now(),
    )

    review = self_assessment_for_review(item.pk, cast.devries)

    assert [f.pk for f in review.company_feedback] == [feedback.pk]
    assert [r.level for r in review.company_feedback[0].ratings.all()] == ["goed"]
    assert [s.kind for s in review.steps] == [StepKind.SUBMITTED]
    assert review.may_decide


@pytest.mark.parametrize("who", ["peters", "jan", "ahmed", "fenna"])
def test_the_review_is_not_found_for_anyone_but_the_students_school(cast, who):
    item = assessment(placement(cast))

    with pytest.raises(NotFound):
        self_assessment_for_review(item.pk, getattr(cast, who))
