import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from backend.allocations import services, texts
from backend.allocations.models import (
    Assignment,
    AssignmentSource,
    Objection,
    ObjectionStatus,
    Phase,
    RoundEvent,
)
from backend.allocations.selectors.review import company_teams
from backend.allocations.selectors.student import explanation_for, result_for_student
from backend.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from backend.notifications.models import Notification
from tests.backend.allocations.conftest import NOW, to_review

PUBLISH_AT = NOW + dt.timedelta(days=8)


def _publish(world):
    allocation_round = services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=PUBLISH_AT
    )
    world.round.refresh_from_db()
    return allocation_round


def test_only_a_coordinator_publishes(world):
    to_review(world)
    for outsider in (world.cast.devries, world.cast.peters, world.cast.sanne, world.cast.jan):
        with pytest.raises(PermissionDenied):
            services.allocation_round_publish(
                allocation_round=world.round, actor=outsider, now=PUBLISH_AT
            )
    world.round.refresh_from_db()
    assert world.round.phase == Phase.REVIEW
    assert not Notification.objects.exists()


def test_publishing_tells_students_teachers_and_companies(
    world, django_capture_on_commit_callbacks
):
    to_review(world)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(world)
    world.round.refresh_from_db()
    assert (world.round.phase, world.round.published_by) == (Phase.PUBLISHED, world.cast.bos)
    students = Notification.objects.filter(
        category="allocation_published", recipient__in=world.students
    )
    assert students.count() == 4
    sanne_note = students.get(recipient=world.cast.sanne)
    assert sanne_note.url == f"/rounds/{world.round.pk}/student/"
    placed = Assignment.objects.filter(round=world.round, student=world.cast.sanne).first()
    if placed:
        assert f"Je bent ingedeeld bij '{placed.offer.title}'" in sanne_note.body
    else:
        assert "Je bent niet ingedeeld" in sanne_note.body
    teacher = Notification.objects.get(recipient=world.cast.devries)
    assert teacher.body == "3 van 4 studenten zijn ingedeeld."
    # Companies: one message per team, first names with level and programme only.
    jan = Notification.objects.get(recipient=world.cast.jan)
    member = Assignment.objects.get(round=world.round, offer=world.webshop).student
    assert jan.title == "Je team voor 'Webshop voor Bakkerij Jansen'"
    assert (
        jan.body
        == f"Deze studenten komen bij jullie: {member.first_name} (niveau 2, {member.enrolment.kwalificatie.title})."
    )
    assert member.last_name not in jan.body
    assert Notification.objects.filter(recipient=world.cast.eva).count() == 1
    assert not Notification.objects.filter(
        recipient__in=[world.cast.bos, world.cast.ahmed, world.cast.peters]
    ).exists()
    assert len(mail.outbox) == Notification.objects.count()


def test_publishing_twice_is_refused_and_sends_nothing_more(world):
    to_review(world)
    _publish(world)
    count = Notification.objects.count()
    with pytest.raises(Conflict):
        _publish(world)
    assert Notification.objects.count() == count


def test_a_company_sees_only_its_own_teams_with_first_names(world):
    to_review(world)
    assert company_teams(world.cast.jan) == []  # not yet published
    _publish(world)
    teams = company_teams(world.cast.jan)
    member = Assignment.objects.get(round=world.round, offer=world.webshop).student
    assert teams == [
        {
            "round_id": world.round.pk,
            "round": "Blok 3 challenges",
            "offer_id": world.webshop.pk,
            "offer": "Webshop voor Bakkerij Jansen",
            "members": [
                {
                    "first_name": member.first_name,
                    "level": 2,
                    "programme": member.enrolment.kwalificatie.title,
                }
            ],
        }
    ]
    assert {team["offer"] for team in company_teams(world.cast.eva)} == {"App voor Pixelfabriek"}


def test_the_student_explanation_names_why_a_better_choice_was_not_given(world):
    to_review(world)
    _publish(world)
    for user in world.students:
        assignment = Assignment.objects.filter(round=world.round, student=user).first()
        explanation = explanation_for(world.round, user, assignment=assignment)
        if assignment and assignment.offer == world.app:
            assert (
                explanation["summary"]
                == "Je bent ingedeeld bij 'App voor Pixelfabriek', je 2e keus."
            )
            assert explanation["reasons"] == [
                "Je 1e keus 'Webshop voor Bakkerij Jansen' was vol: gevuld door studenten die hem als 1e keus hadden."
            ]
        elif assignment is None:
            assert explanation["summary"] == "Je bent niet ingedeeld: al je keuzes waren vol."
            assert len(explanation["reasons"]) == 2


def test_reason_codes_read_as_sentences_in_english_too():
    item = {
        "rank": 1,
        "reason": "full",
        "details": {"capacity": 1, "filled_by_ranks": [1], "locked": 0},
    }
    dutch = texts.passed_over_sentence(item, title="Webshop voor Bakkerij Jansen")
    assert (
        dutch
        == "Je 1e keus 'Webshop voor Bakkerij Jansen' was vol: gevuld door studenten die hem als 1e keus hadden."
    )
    closed = {"rank": 2, "reason": "closed", "details": {"min": 3, "interested": 1}}
    assert texts.passed_over_sentence(closed, title="Robot") == (
        "Je 2e keus 'Robot' ging niet door: er waren minstens 3 studenten nodig en er waren er maar 1."
    )
    with translation.override("en"):
        english = texts.passed_over_sentence(item, title="Webshop")
    assert english  # falls back to Dutch until the catalogue has the English text


def test_a_student_objects_within_the_window_and_the_coordinator_accepts(
    world, django_capture_on_commit_callbacks
):
    world.vog.required_certificates = []
    world.vog.save()
    to_review(world)
    _publish(world)
    sanne = world.cast.sanne
    objection = services.objection_submit(
        allocation_round=world.round, student=sanne, reason="Ik wil met zorg werken", now=PUBLISH_AT
    )
    assert objection.status == ObjectionStatus.OPEN
    result = result_for_student(world.round, sanne, now=PUBLISH_AT)
    assert result.can_object is False  # one open objection at a time
    with pytest.raises(Conflict):
        services.objection_submit(
            allocation_round=world.round, student=sanne, reason="nog een", now=PUBLISH_AT
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_accept(
            objection=objection,
            actor=world.cast.bos,
            offer=world.vog,
            now=PUBLISH_AT + dt.timedelta(days=1),
        )
    objection.refresh_from_db()
    assert (objection.status, objection.new_offer, objection.decided_by) == (
        ObjectionStatus.ACCEPTED,
        world.vog,
        world.cast.bos,
    )
    assignment = Assignment.objects.get(round=world.round, student=sanne)
    assert (assignment.offer, assignment.source, assignment.locked) == (
        world.vog,
        AssignmentSource.OBJECTION,
        True,
    )
    note = Notification.objects.get(recipient=sanne, category="allocation_objection")
    assert note.body == "Je bent nu ingedeeld bij 'Zorgrobot'."
    assert (
        RoundEvent.objects.filter(
            round=world.round, kind__in=["objection_submitted", "objection", "objection_accepted"]
        ).count()
        == 3
    )


def test_an_accepted_objection_still_respects_capacity(world):
    to_review(world)
    _publish(world)
    left = next(
        u
        for u in world.students
        if not Assignment.objects.filter(round=world.round, student=u).exists()
    )
    objection = services.objection_submit(
        allocation_round=world.round, student=left, reason="Ik ben niet ingedeeld", now=PUBLISH_AT
    )
    with pytest.raises(ApplicationError) as error:
        services.objection_accept(
            objection=objection, actor=world.cast.bos, offer=world.webshop, now=PUBLISH_AT
        )
    assert error.value.message == "Deze uitdaging is vol: 1 van 1 plaatsen bezet."
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


def test_declining_needs_an_answer_and_tells_the_student(world):
    to_review(world)
    _publish(world)
    objection = services.objection_submit(
        allocation_round=world.round,
        student=world.cast.sanne,
        reason="Te ver reizen",
        now=PUBLISH_AT,
    )
    with pytest.raises(ApplicationError) as error:
        services.objection_decline(
            objection=objection, actor=world.cast.bos, answer=" ", now=PUBLISH_AT
        )
    assert error.value.extra["fields"]["answer"] == [
        "Leg de student uit waarom het bezwaar is afgewezen."
    ]
    with pytest.raises(PermissionDenied):
        services.objection_decline(
            objection=objection, actor=world.cast.devries, answer="nee", now=PUBLISH_AT
        )
    services.objection_decline(
        objection=objection, actor=world.cast.bos, answer="Er is geen plek meer.", now=PUBLISH_AT
    )
    objection.refresh_from_db()
    assert (objection.status, objection.answer) == (
        ObjectionStatus.DECLINED,
        "Er is geen plek meer.",
    )
    assert (
        Notification.objects.get(recipient=world.cast.sanne, category="allocation_objection").body
        == "Er is geen plek meer."
    )
    with pytest.raises(Conflict):
        services.objection_decline(
            objection=objection, actor=world.cast.bos, answer="again", now=PUBLISH_AT
        )


def test_objections_are_only_possible_within_the_window(world):
    to_review(world)
    with pytest.raises(Conflict):
        services.objection_submit(
            allocation_round=world.round,
            student=world.cast.sanne,
            reason="te vroeg",
            now=PUBLISH_AT,
        )
    _publish(world)
    with pytest.raises(Conflict):
        services.objection_submit(
            allocation_round=world.round,
            student=world.cast.sanne,
            reason="te laat",
            now=NOW + dt.timedelta(days=21),
        )
    with pytest.raises(ApplicationError):
        services.objection_submit(
            allocation_round=world.round, student=world.cast.sanne, reason="  ", now=PUBLISH_AT
        )
    with pytest.raises(NotFound):  # Ahmed may not know Vista's round exists
        services.objection_submit(
            allocation_round=world.round, student=world.cast.ahmed, reason="ik ook", now=PUBLISH_AT
        )
    assert not Objection.objects.exists()
