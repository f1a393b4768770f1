"""The export of a person's data (AVG art. 15 and 20): everything the register declares, only about
them, in a bounded number of queries; an officer's export is logged, the student's own is not."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.models import (
    Consent,
    ConsentPurpose,
    PersonalDataRead,
    PersonalDataReadKind,
    Role,
    StudentEnrolment,
    User,
)
from backend.core.errors import PermissionDenied
from backend.curriculum.models import ProgressLevel, WerkprocesEvidence
from backend.notifications.models import Notification
from backend.privacy import register
from backend.privacy.selectors.export import (
    FORMAT,
    SECRET,
    export_json,
    officer_student_search,
    personal_data_of,
)
from backend.privacy.services.export import export_for
from tests.factories import UserFactory, member, student

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _rows(data_json):
    """{(model label, row id): row} of an export; a row whose fields are in several categories
    (the User row: identity, contact, account) is merged."""
    rows: dict = {}
    for category in data_json["categories"]:
        for model in category["models"]:
            for row in model["rows"]:
                rows.setdefault((model["model"], row["id"]), {}).update(row)
    return rows


def _enrich(coach, person, *, notes="Extra begeleiding bij plannen."):
    """A student with data in several categories, and a coach who touched it."""
    enrolment = person.enrolment
    enrolment.coach = coach
    enrolment.care_notes = notes
    enrolment.date_of_birth = dt.date(2009, 3, 14)
    enrolment.class_code = "ICT2A"
    enrolment.save()
    werkproces = enrolment.kwalificatie.werkprocessen().first()
    WerkprocesEvidence.objects.create(
        student=person,
        werkproces=werkproces,
        level=ProgressLevel.GOOD,
        recorded_by=coach,
        note=f"Netjes gepland door {person.first_name}.",
    )
    Notification.objects.create(
        recipient=person, category="round", title="Je indeling is bekend", created_at=NOW
    )
    Consent.objects.create(
        person=person,
        purpose=ConsentPurpose.EVENT_PHOTOS,
        wording="Je mag foto's van mij maken.",
        wording_version="1",
        given_at=NOW,
    )


def _is_empty(value):
    return value in (None, "", [], {})


def _declared_values(declaration, person):
    """(row id, field name, model field, raw value) of every declared personal field of every
    row about `person` that holds something, read straight from the database."""
    model = declaration.model
    rows = model._base_manager.filter(register.subject_filter(declaration, person)).distinct()
    for row in rows:
        for personal in declaration.personal:
            model_field = model._meta.get_field(personal.name)
            raw = getattr(row, model_field.attname)
            if not _is_empty(raw):
                yield row.pk, personal.name, model_field, raw


def _assert_complete(person, exported):
    """Every declared, exported personal field that holds data about `person` is in the export
    (secrets are named, not shown); returns how many values were checked."""
    rows = _rows(exported)
    checked = 0
    for declaration in register.declarations():
        if not (declaration.exported and declaration.subjects and declaration.personal):
            continue
        for pk, name, model_field, raw in _declared_values(declaration, person):
            row = rows.get((declaration.label, pk))
            assert row is not None, f"{declaration.label} #{pk} missing"
            value = row.get(name)
            where = f"{declaration.label}.{name} of #{pk}"
            assert not _is_empty(value), where
            if f"{declaration.label}.{name}" in SECRET:
                assert raw not in json.dumps(value), where
            elif model_field.is_relation:
                if model_field.related_model is User and raw != person.pk:
                    assert set(value) == {"label"}, where  # another person: no id, no name
                else:
                    assert value["id"] == raw, where
            elif model_field.choices:
                assert value["value"] == raw, where
            elif isinstance(raw, str):
                assert value == raw, where
            checked += 1
    return checked


def _identifying(user):
    values = {user.email, user.get_full_name()}
    enrolment = StudentEnrolment.objects.filter(student=user).first()
    if enrolment:
        values |= {enrolment.student_number, enrolment.care_notes}
    return {value for value in values if value and len(value) >= 4}


# --- the demo -----------------------------------------------------------------------------------


@pytest.fixture
def demo_student(settings, db):
    """The demo's student with the most kinds of data, plus a consent, evidence and an officer's
    read of their file, so every category of the register has something to show."""
    from backend.allocations.models import Assignment, ChoiceList
    from backend.demo import loader as demo
    from backend.engagement.models import EventBooking

    settings.CELERY_TASK_ALWAYS_EAGER = True
    demo.load(now=NOW)
    candidates = (
        User.objects.filter(enrolment__isnull=False)
        .filter(pk__in=ChoiceList.objects.values("student_id"))
        .filter(pk__in=Assignment.objects.values("student_id"))
        .filter(pk__in=EventBooking.objects.values("student_id"))
        .order_by("pk")
    )
    person = candidates.first() or User.objects.filter(enrolment__isnull=False).first()
    school = person.enrolment.school
    _enrich(
        User.objects.filter(memberships__organisation=school, memberships__role=Role.COACH)[0],
        person,
    )
    officer = UserFactory(first_name="Olga", last_name="Officier", email="fg@demo.test")
    member(officer, person.enrolment.school, Role.PRIVACY_OFFICER)
    export_for(subject=person, reader=officer, purpose="test", reason="verzoek #1", now=NOW)
    return person


@pytest.mark.django_db
def test_the_export_of_a_demo_student_holds_every_declared_field_with_data_and_nobody_else(
    demo_student,
):
    exported = export_json(personal_data_of(demo_student, now=NOW))
    text = json.dumps(exported, ensure_ascii=False)

    assert exported["format"] == FORMAT
    checked = _assert_complete(demo_student, exported)
    assert checked >= 50
    categories = {category["category"] for category in exported["categories"]}
    assert {
        "identity",
        "contact",
        "education",
        "care",
        "choices",
        "placements",
        "evidence",
        "activities",
        "communication",
        "consent",
        "access_log",
    } <= categories

    # No other student's name, e-mail, student number or care notes; nor the name or e-mail of
    # any colleague who touched the student's rows (their coach, the officer who read them).
    others = (
        User.objects.exclude(pk=demo_student.pk)
        .filter(enrolment__isnull=False)
        .select_related("enrolment")
    )
    own = _identifying(demo_student)
    leaked = {
        value
        for other in others
        for value in {other.email, other.get_full_name(), other.enrolment.student_number}
        | {other.enrolment.care_notes}
        if value and len(value) >= 4 and value not in own and value in text
    }
    assert leaked == set()
    for colleague in User.objects.filter(memberships__organisation=demo_student.enrolment.school):
        if colleague.pk != demo_student.pk and not hasattr(colleague, "enrolment"):
            assert colleague.email not in text
            assert colleague.get_full_name() not in text


# --- completeness and isolation on the cast -------------------------------------------------------


@pytest.mark.django_db
def test_it_exports_the_declared_fields_with_labels_and_shows_other_people_by_role(cast):
    _enrich(cast.devries, cast.sanne)
    data = personal_data_of(cast.sanne, now=NOW)
    exported = export_json(data)

    assert _assert_complete(cast.sanne, exported) >= 10
    enrolment = _rows(exported)[("accounts.StudentEnrolment", cast.sanne.enrolment.pk)]
    assert enrolment["coach"] == {"label": "docent bij Vista college"}
    assert enrolment["leerweg"] == {"value": "BOL", "label": "BOL (beroepsopleidende leerweg)"}
    assert enrolment["date_of_birth"] == "2009-03-14"
    assert enrolment["school"] == {"id": cast.vista.pk, "label": "Vista college"}
    assert exported["subject"] == {
        "id": cast.sanne.pk,
        "name": str(cast.sanne),
        "email": cast.sanne.email,
        "student_number": cast.sanne.enrolment.student_number,
        "school": {"id": cast.vista.pk, "name": "Vista college"},
    }
    text = json.dumps(exported, ensure_ascii=False)
    for person in (cast.devries, cast.ahmed, cast.bos):
        assert person.email not in text
        assert person.get_full_name() not in text
    user_row = _rows(exported)[("accounts.User", cast.sanne.pk)]
    assert user_row["password"] == str(SECRET["accounts.User.password"])
    assert cast.sanne.password
    assert cast.sanne.password not in text


@pytest.mark.django_db
def test_another_students_rows_never_appear(cast):
    _enrich(cast.devries, cast.sanne)
    _enrich(cast.devries, cast.ahmed, notes="Ahmed heeft een dyslexieverklaring.")
    classmate = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Lotte")
    _enrich(cast.devries, classmate, notes="Lotte mist vaak de eerste les.")

    text = json.dumps(export_json(personal_data_of(cast.sanne, now=NOW)), ensure_ascii=False)

    for other in (cast.ahmed, classmate):
        for value in _identifying(other):
            assert value not in text
        assert f"Netjes gepland door {other.first_name}." not in text
    assert "Extra begeleiding bij plannen." in text
    rows = _rows(json.loads(text))
    assert {("accounts.User", cast.ahmed.pk), ("accounts.User", classmate.pk)}.isdisjoint(rows)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_data(cast):
    _enrich(cast.devries, cast.sanne)
    with CaptureQueriesContext(connection) as first:
        personal_data_of(cast.sanne, now=NOW)
    exported = [d for d in register.declarations() if d.exported and d.subjects and d.personal]
    # One query per declared model, one per kind of row pointed to, two for other people.
    assert len(first) <= len(exported) + 15

    werkproces = cast.ict_niveau2.werkprocessen().first()
    for number in range(20):
        coach = UserFactory()
        member(coach, cast.gilde if number % 2 else cast.vista, Role.COACH)
        WerkprocesEvidence.objects.create(
            student=cast.sanne,
            werkproces=werkproces,
            level=ProgressLevel.SUFFICIENT,
            recorded_by=coach,
        )
        Notification.objects.create(
            recipient=cast.sanne, category="round", title=f"Bericht {number}", created_at=NOW
        )
    with CaptureQueriesContext(connection) as second:
        data = personal_data_of(cast.sanne, now=NOW)
    assert len(second) == len(first)
    evidence = [
        model
        for category in data.categories
        for model in category.models
        if model.model == "curriculum.WerkprocesEvidence"
    ]
    assert [len(model.rows) for model in evidence] == [21]


@pytest.mark.django_db
def test_it_bounds_the_queries_with_django_assert_max_num_queries(
    cast, django_assert_max_num_queries
):
    _enrich(cast.devries, cast.sanne)
    budget = len([d for d in register.declarations() if d.exported and d.subjects]) + 15
    with django_assert_max_num_queries(budget):
        personal_data_of(cast.sanne, now=NOW)


# --- the service: who may, and the access log ------------------------------------------------------


@pytest.mark.django_db
def test_an_officers_export_is_logged_with_kind_export_and_the_reason(cast):
    data = export_for(
        subject=cast.sanne,
        reader=cast.fenna,
        purpose="frontend:privacy-student-data",
        reason=" verzoek om inzage #12 ",
        now=NOW,
    )

    assert data.subject == cast.sanne
    read = PersonalDataRead.objects.get()
    assert (read.reader, read.student, read.school, read.kind) == (
        cast.fenna,
        cast.sanne,
        cast.vista,
        PersonalDataReadKind.EXPORT,
    )
    assert (read.purpose, read.reason, read.read_at) == (
        "frontend:privacy-student-data",
        "verzoek om inzage #12",
        NOW,
    )


@pytest.mark.django_db
def test_the_students_own_export_is_not_logged(cast):
    export_for(subject=cast.sanne, reader=cast.sanne, purpose="frontend:my-data")

    assert not PersonalDataRead.objects.exists()


@pytest.mark.django_db
def test_nobody_else_may_export_a_students_data(cast):
    gilde_officer = UserFactory()
    member(gilde_officer, cast.gilde, Role.PRIVACY_OFFICER)
    ended = UserFactory()
    member(ended, cast.vista, Role.PRIVACY_OFFICER)
    ended.memberships.update(ended_at=timezone.now())

    for reader in (gilde_officer, ended, cast.devries, cast.bos, cast.jan, cast.ahmed):
        with pytest.raises(PermissionDenied):
            export_for(subject=cast.sanne, reader=reader, purpose="test")
    assert not PersonalDataRead.objects.exists()


@pytest.mark.django_db
def test_the_officer_finds_their_own_schools_students_by_name_or_number(cast):
    number = cast.sanne.enrolment.student_number

    assert list(officer_student_search(cast.fenna, "")) == [cast.sanne.enrolment]
    assert list(officer_student_search(cast.fenna, cast.sanne.last_name.upper()))
    assert list(officer_student_search(cast.fenna, number[:4])) == [cast.sanne.enrolment]
    assert list(officer_student_search(cast.fenna, cast.ahmed.first_name)) == []
    assert list(officer_student_search(cast.fenna, cast.ahmed.enrolment.student_number)) == []
