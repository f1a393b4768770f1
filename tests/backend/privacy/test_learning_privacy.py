"""The learning loop (issue 15) in the AVG machinery: every field declared, the student's export
holds their learning record (and nobody else's), erasure deletes it with the attachment files,
and retention removes it with the evidence of students who left."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from backend.accounts.models import User
from backend.curriculum.models import ProgressLevel, Werkproces, WerkprocesEvidence
from backend.learning.models import (
    ActivityFeedback,
    Badge,
    CompanyFeedback,
    CompanyRating,
    EvidenceAttachment,
    EvidenceStep,
    SelfAssessment,
    TriadConversation,
    TriadSeries,
)
from backend.privacy import register
from backend.privacy.models import RetentionPolicy, RetentionRule
from backend.privacy.register import Category, Erasure
from backend.privacy.retention import DEFAULT_MONTHS
from backend.privacy.selectors.export import export_json, personal_data_of
from backend.privacy.selectors.retention import months_before, retention_plan
from backend.privacy.services.erasure import erase_person
from backend.privacy.services.retention import apply_retention
from tests.backend.learning.privacydemo_factories import learning_record
from tests.factories import student

LEARNING = [d for d in register.declarations() if d.label.startswith("learning.")]
LEARNING_MODELS = (
    EvidenceAttachment,
    EvidenceStep,
    SelfAssessment,
    CompanyRating,
    CompanyFeedback,
    TriadConversation,
    TriadSeries,
    ActivityFeedback,
    Badge,
)
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
AS_OF = dt.datetime(2031, 6, 15, 12, 0, tzinfo=AMSTERDAM)
DAY = dt.timedelta(days=1)
AHMED_TAG = " [ahmed]"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _rows_of(person):
    """How many rows of each learning model are about `person`."""
    return {
        d.label: d.model._default_manager.filter(register.subject_filter(d, person)).count()
        for d in LEARNING
    }


# --- the register ---------------------------------------------------------------------------------


def test_every_learning_model_is_declared_as_evidence_deleted_on_erasure():
    assert {d.label for d in LEARNING} == {f"learning.{m.__name__}" for m in LEARNING_MODELS}
    for declaration in LEARNING:
        assert declaration.erasure == Erasure.DELETE, declaration.label
        assert declaration.exported, declaration.label
        for personal in declaration.personal:
            assert personal.category == Category.EVIDENCE, (declaration.label, personal.name)
            assert personal.retention == RetentionRule.EVIDENCE, (declaration.label, personal.name)


def test_free_text_that_may_name_someone_is_searched_on_erasure():
    mentions = {f"{d.label}.{name}" for d in LEARNING for name in d.mentions}
    assert mentions == {
        "learning.CompanyFeedback.comment",
        "learning.SelfAssessment.situation",
        "learning.SelfAssessment.task",
        "learning.SelfAssessment.action",
        "learning.SelfAssessment.result",
        "learning.SelfAssessment.reflection",
        "learning.SelfAssessment.review_reason",
        "learning.EvidenceAttachment.name",
        "learning.EvidenceStep.reason",
        "learning.TriadConversation.notes",
        "learning.ActivityFeedback.comment",
        "learning.Badge.revocation_reason",
    }


def test_companies_see_only_their_own_feedback_and_the_triad_notes():
    company_readers = {
        (d.label, f.name)
        for d in LEARNING
        for f in d.personal
        if any(r.startswith("company") for r in f.recipients)
    }
    assert {label for label, _ in company_readers} == {
        "learning.CompanyFeedback",
        "learning.CompanyRating",
    }
    # The mentor is one of the three participants of a driehoekgesprek, and nothing more.
    notes = register.declaration_for("learning.TriadConversation").field("notes")
    assert notes.recipients == ("triad_participants",)
    # A student's reflections and the coach's reasons are for the student and the school only.
    for name in ("reflection", "review_reason"):
        recipients = register.declaration_for("learning.SelfAssessment").field(name).recipients
        assert set(recipients) == {"student", "coach", "school_staff"}
    # Activity feedback reaches the company only as the summary of five answers or more.
    comment = register.declaration_for("learning.ActivityFeedback").field("comment")
    assert comment.recipients == ("student", "activity_feedback_summary")


def test_the_new_fields_of_issue_15_are_declared():
    enrolment = register.declaration_for("accounts.StudentEnrolment")
    for name in ("exam_on", "bpv_starts_on"):
        assert enrolment.field(name).category == Category.EDUCATION
        assert enrolment.field(name).replacement is None
    evidence = register.declaration_for("curriculum.WerkprocesEvidence")
    for name in ("validated_by", "validated_at"):
        assert evidence.field(name).retention == RetentionRule.EVIDENCE


# --- the export -------------------------------------------------------------------------------------


def _export_rows(exported, label):
    return [
        row
        for category in exported["categories"]
        for model in category["models"]
        if model["model"] == label
        for row in model["rows"]
    ]


@pytest.mark.django_db
def test_sannes_export_holds_her_learning_record_and_nothing_of_ahmeds(cast):
    mine = learning_record(cast, cast.sanne)
    learning_record(cast, cast.ahmed, contact=cast.eva, coach=cast.peters, tag=AHMED_TAG)

    exported = export_json(personal_data_of(cast.sanne))
    text = json.dumps(exported, ensure_ascii=False)

    [feedback] = _export_rows(exported, "learning.CompanyFeedback")
    assert feedback["comment"] == "Werkt zelfstandig en vraagt op tijd om hulp."
    assert feedback["moment"] == {"value": "midpoint", "label": "tussentijds"}
    # The mentor by role, never by name.
    assert feedback["submitted_by"] == {"label": "contactpersoon bedrijf bij Bakkerij Jansen"}
    ratings = _export_rows(exported, "learning.CompanyRating")
    assert sorted(r["level"]["value"] for r in ratings) == sorted(
        [ProgressLevel.PRACTISING, ProgressLevel.GOOD]
    )
    assert {r["werkproces"]["label"] for r in ratings} == {
        "B1-K1-W1 Werkproces B1-K1-W1",
        "B1-K1-W2 Werkproces B1-K1-W2",
    }
    [assessment] = _export_rows(exported, "learning.SelfAssessment")
    assert assessment["situation"] == "We bouwden een webshop voor de bakkerij."
    assert assessment["reflection"] == "Volgende keer plan ik meer tijd voor het testen."
    assert assessment["review_reason"] == "Voeg de planning zelf toe als bijlage."
    assert assessment["reviewed_by"] == {"label": "docent bij Vista college"}
    [attachment] = _export_rows(exported, "learning.EvidenceAttachment")
    assert attachment["name"] == "planning-week-3.pdf"
    assert attachment["size"] == mine.attachment.size
    # The file's content is never in the export, only where it is stored.
    assert "%PDF" not in text
    steps = _export_rows(exported, "learning.EvidenceStep")
    assert [(s["kind"]["value"], s["actor"]["label"]) for s in steps] == [
        ("submitted", str(cast.sanne)),
        ("more_requested", "docent bij Vista college"),
    ]
    [conversation] = _export_rows(exported, "learning.TriadConversation")
    assert conversation["notes"] == "Loopt goed; planning bijhouden in Trello."
    [series] = _export_rows(exported, "learning.TriadSeries")
    assert series["mentor"] == {"label": "contactpersoon bedrijf bij Bakkerij Jansen"}
    [activity] = _export_rows(exported, "learning.ActivityFeedback")
    assert (activity["learned"], activity["supported"]) == (4, 5)
    assert activity["comment"] == "Leuke opdracht, de eigenaar had altijd tijd."
    [badge] = _export_rows(exported, "learning.Badge")
    assert badge["uid"] == str(mine.badge.uid)
    assert badge["werkproces"]["label"] == "B1-K1-W1 Werkproces B1-K1-W1"

    # Nothing of Ahmed, his school or company; no colleague by name or address.
    assert AHMED_TAG not in text
    for other in (cast.ahmed, cast.jan, cast.devries, cast.eva, cast.peters):
        assert other.email not in text
        assert other.get_full_name() not in text
    assert "Gilde" not in text
    assert "Pixelfabriek" not in text


@pytest.mark.django_db
def test_the_readable_export_shows_the_learning_record_under_evidence(cast):
    learning_record(cast, cast.sanne)

    data = personal_data_of(cast.sanne)

    [evidence] = [c for c in data.shown_categories if c.category == Category.EVIDENCE]
    shown = {section.model for section in evidence.shown_models}
    assert {f"learning.{m.__name__}" for m in LEARNING_MODELS} <= shown


# --- erasure --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_erasing_a_student_deletes_their_learning_rows_and_attachment_files(
    cast, django_capture_on_commit_callbacks
):
    mine = learning_record(cast, cast.sanne)
    theirs = learning_record(cast, cast.ahmed, contact=cast.eva, coach=cast.peters, tag=AHMED_TAG)
    my_file, their_file = mine.attachment.file.name, theirs.attachment.file.name
    assert default_storage.exists(my_file)
    ahmed_before = _rows_of(cast.ahmed)

    with django_capture_on_commit_callbacks(execute=True):
        report = erase_person(person=cast.sanne, by=cast.fenna, now=AS_OF)

    assert set(_rows_of(cast.sanne).values()) == {0}
    assert not default_storage.exists(my_file)
    # Ahmed keeps everything, his file too.
    assert _rows_of(cast.ahmed) == ahmed_before
    assert default_storage.exists(their_file)
    outcomes = {m.label: (m.erasure, m.count) for m in report.models}
    assert outcomes["learning.EvidenceAttachment"] == ("delete", 1)
    assert outcomes["learning.CompanyRating"] == ("delete", 2)
    assert outcomes["learning.Badge"] == ("delete", 1)


@pytest.mark.django_db
def test_the_files_stay_when_the_erasure_is_rolled_back(cast, django_capture_on_commit_callbacks):
    mine = learning_record(cast, cast.sanne)

    def erase_then_fail():
        with transaction.atomic():
            erase_person(person=cast.sanne, by=cast.fenna, now=AS_OF)
            raise RuntimeError("something later failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        erase_then_fail()

    assert callbacks == []
    assert default_storage.exists(mine.attachment.file.name)
    assert SelfAssessment.objects.filter(pk=mine.assessment.pk).exists()


@pytest.mark.django_db
def test_erasure_replaces_the_students_name_in_someone_elses_notes(cast):
    other = learning_record(cast, cast.ahmed, contact=cast.eva, coach=cast.peters, tag=AHMED_TAG)
    name = cast.sanne.get_full_name()
    TriadConversation.objects.filter(series=other.series).update(
        notes=f"Samenwerken met {name} ging goed."
    )

    erase_person(person=cast.sanne, by=cast.fenna, now=AS_OF)

    notes = TriadConversation.objects.get(series=other.series).notes
    assert name not in notes
    assert f"Verwijderde persoon #{cast.sanne.pk}" in notes


# --- retention ----------------------------------------------------------------------------------


def _leaver(cast, left_at):
    person = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Vertrokken")
    User.objects.filter(pk=person.pk).update(left_at=left_at)
    person.refresh_from_db()
    return person


def _evidence(cast, person):
    return WerkprocesEvidence.objects.create(
        student=person,
        werkproces=Werkproces.objects.filter(kerntaak__dossier=cast.ict_niveau2.dossier).first(),
        level=ProgressLevel.GOOD,
        recorded_by=cast.devries,
    )


EXPECTED_DUE = {
    "curriculum.WerkprocesEvidence": 1,
    "learning.EvidenceAttachment": 1,
    "learning.EvidenceStep": 2,
    "learning.SelfAssessment": 1,
    "learning.CompanyRating": 2,
    "learning.CompanyFeedback": 1,
    "learning.TriadConversation": 1,
    "learning.TriadSeries": 1,
    "learning.ActivityFeedback": 1,
    "learning.Badge": 1,
}


@pytest.fixture
def leavers(cast):
    """One student due (left just before the evidence cut-off), one not yet (just after), Sanne
    still here and Ahmed at another school who left long ago: each with a learning record.
    Accounts are kept, so the evidence rule is not mixed with erasure."""
    for school in (cast.vista, cast.gilde):
        RetentionPolicy.objects.create(
            school=school, rule=RetentionRule.STUDENT_ACCOUNT, months=240, changed_at=AS_OF
        )
    limit = months_before(AS_OF, DEFAULT_MONTHS[RetentionRule.EVIDENCE])
    due = _leaver(cast, limit - DAY)
    kept = _leaver(cast, limit + DAY)
    User.objects.filter(pk=cast.ahmed.pk).update(left_at=limit - 400 * DAY)
    records = {
        "due": learning_record(cast, due, tag=" [due]"),
        "kept": learning_record(cast, kept, tag=" [kept]"),
        "sanne": learning_record(cast, cast.sanne),
        "ahmed": learning_record(
            cast, cast.ahmed, contact=cast.eva, coach=cast.peters, tag=AHMED_TAG
        ),
    }
    _evidence(cast, due)
    return due, kept, records


@pytest.mark.django_db
def test_the_dry_run_counts_the_learning_record_of_a_student_who_left_and_removes_nothing(
    cast, leavers
):
    due, _, records = leavers
    before = _rows_of(due)

    dry = apply_retention(cast.vista, as_of=AS_OF, dry_run=True)

    assert dry.counts["evidence"] == EXPECTED_DUE
    assert dry.total == sum(EXPECTED_DUE.values())
    assert _rows_of(due) == before
    assert default_storage.exists(records["due"].attachment.file.name)


@pytest.mark.django_db
def test_retention_removes_the_learning_record_with_the_evidence_and_the_files(
    cast, leavers, django_capture_on_commit_callbacks
):
    due, kept, records = leavers
    kept_before, sanne_before = _rows_of(kept), _rows_of(cast.sanne)
    ahmed_before = _rows_of(cast.ahmed)
    plan = retention_plan(cast.vista, as_of=AS_OF)

    with django_capture_on_commit_callbacks(execute=True):
        real = apply_retention(cast.vista, as_of=AS_OF, dry_run=False)

    assert real.counts == plan.counts()
    assert real.counts["evidence"] == EXPECTED_DUE
    assert set(_rows_of(due).values()) == {0}
    assert not WerkprocesEvidence.objects.filter(student=due).exists()
    assert not default_storage.exists(records["due"].attachment.file.name)
    # Within the period, still here, or another school's: untouched.
    assert _rows_of(kept) == kept_before
    assert _rows_of(cast.sanne) == sanne_before
    assert _rows_of(cast.ahmed) == ahmed_before
    for name in ("kept", "sanne", "ahmed"):
        assert default_storage.exists(records[name].attachment.file.name), name


@pytest.mark.django_db
def test_a_second_retention_run_finds_no_learning_rows(cast, leavers):
    apply_retention(cast.vista, as_of=AS_OF, dry_run=False)

    second = apply_retention(cast.vista, as_of=AS_OF, dry_run=False)

    assert set(second.counts["evidence"].values()) == {0}
    assert second.total == 0
