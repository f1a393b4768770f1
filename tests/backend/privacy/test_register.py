"""The processing register declares every concrete field of every model exactly once, honestly:
a new model field without a declaration fails here (issue 14)."""

import pytest
from django.conf import settings
from django.db import models

from backend.accounts.models import StudentEnrolment, User
from backend.privacy import register
from backend.privacy.register import base
from backend.privacy.register.base import Category, Erasure, subject_filter
from tests.factories import member

# Field names that always hold data about a person, wherever they appear.
ALWAYS_PERSONAL = {"email", "first_name", "last_name", "phone", "date_of_birth", "care_notes"}
# Personal data that cannot be searched by lookup (erasure decodes the sessions itself).
WITHOUT_SUBJECTS = {"sessions.Session"}


def test_every_concrete_field_is_declared():
    assert register.undeclared() == []


def test_a_missing_declaration_is_reported(monkeypatch):
    declarations = {
        label: d for label, d in base._by_label().items() if label != "accounts.studentenrolment"
    }
    monkeypatch.setattr(base, "_by_label", lambda: declarations)

    missing = register.undeclared()

    assert "accounts.StudentEnrolment.care_notes" in missing
    assert "accounts.StudentEnrolment.student_number" in missing
    assert not any(name.startswith("accounts.User.") for name in missing)


def test_every_model_is_declared_once():
    labels = [d.label for d in register.declarations()]
    assert len(labels) == len(set(labels))
    expected = {m._meta.label for m in register.registered_models()}
    assert set(labels) == expected
    # The third-party models that hold personal data are in it.
    for label in (
        "authtoken.Token",
        "otp_totp.TOTPDevice",
        "otp_static.StaticDevice",
        "otp_static.StaticToken",
        "sessions.Session",
        "admin.LogEntry",
    ):
        assert register.declaration_for(label).personal, label


@pytest.mark.parametrize("declaration", register.declarations(), ids=lambda d: d.label)
def test_declaration_names_each_existing_field_once(declaration):
    concrete = {f.name for f in declaration.model._meta.concrete_fields}
    personal = [f.name for f in declaration.personal]
    named = personal + list(declaration.not_personal)

    assert len(named) == len(set(named)), "a field is declared twice"
    assert set(named) <= concrete, f"no such field: {set(named) - concrete}"
    assert set(declaration.mentions) <= concrete
    for name in declaration.mentions:
        field = declaration.model._meta.get_field(name)
        assert isinstance(field, models.CharField | models.TextField | models.JSONField), name


@pytest.mark.parametrize("declaration", register.declarations(), ids=lambda d: d.label)
def test_declaration_is_complete(declaration):
    if declaration.erasure == Erasure.KEEP:
        assert str(declaration.keep_reason).strip(), "KEEP needs a keep_reason"
    for personal in declaration.personal:
        assert personal.recipients, f"{personal.name} has no recipients"
        assert set(personal.recipients) <= set(register.RECIPIENTS), personal.name
        assert str(personal.purpose).strip(), personal.name
        assert personal.category in Category.values
    if declaration.personal and declaration.label not in WITHOUT_SUBJECTS:
        assert declaration.subjects, "personal data without a subject cannot be exported or erased"
    if not declaration.personal:
        assert declaration.subjects == ()


@pytest.mark.parametrize("declaration", register.declarations(), ids=lambda d: d.label)
def test_people_are_never_declared_as_not_personal(declaration):
    """A reference to a person, or a name or address, is personal data wherever it is."""
    for name in declaration.not_personal:
        field = declaration.model._meta.get_field(name)
        assert field.name not in ALWAYS_PERSONAL, name
        if field.is_relation:
            assert field.related_model is not User, f"{name} refers to a person"


@pytest.mark.django_db
def test_subject_lookups_resolve(cast):
    """Every subject lookup builds a query that runs (one test: the cast is built once)."""
    for declaration in register.declarations():
        query = declaration.model._default_manager.filter(subject_filter(declaration, cast.sanne))
        if declaration.subjects:
            str(query.query)  # builds the SQL: every lookup resolves
        list(query.values_list("pk", flat=True))


@pytest.mark.django_db
def test_subject_filter_finds_the_person_s_rows(cast):
    enrolment = register.declaration_for(StudentEnrolment)
    assert list(StudentEnrolment.objects.filter(subject_filter(enrolment, cast.sanne))) == [
        cast.sanne.enrolment
    ]
    user = register.declaration_for(settings.AUTH_USER_MODEL)
    assert list(User.objects.filter(subject_filter(user, cast.sanne))) == [cast.sanne]
    # An e-mail lookup compares with the person's address.
    from backend.security.models import SigninFailure

    failure = SigninFailure.objects.create(
        email=cast.sanne.email.upper(), created_at=cast.vista.created_at
    )
    SigninFailure.objects.create(email="someone@else.test", created_at=cast.vista.created_at)
    signin = register.declaration_for(SigninFailure)
    assert list(SigninFailure.objects.filter(subject_filter(signin, cast.sanne))) == [failure]
    # A membership is about its user.
    other = member(cast.bos, cast.gilde, "teacher")
    membership = register.declaration_for("accounts.Membership")
    from backend.accounts.models import Membership

    assert other not in Membership.objects.filter(subject_filter(membership, cast.sanne))


def test_care_notes_are_care_and_never_shown_to_companies():
    care = register.declaration_for("accounts.StudentEnrolment").field("care_notes")
    assert care.category == Category.CARE
    assert not any(r.startswith("company") for r in care.recipients)
    for declaration in register.declarations():
        for personal in declaration.personal:
            if "company_first_name_only" in personal.recipients:
                assert (declaration.label, personal.name) in {
                    ("accounts.User", "first_name"),
                    ("accounts.StudentEnrolment", "kwalificatie"),
                    ("allocations.Assignment", "student"),
                    ("allocations.Assignment", "offer"),
                    ("allocations.Assignment", "rank"),
                    ("allocations.Assignment", "source"),
                    ("allocations.Assignment", "locked"),
                }, (declaration.label, personal.name)


def test_declaration_for_accepts_models_instances_and_labels():
    by_label = register.declaration_for("accounts.User")
    assert register.declaration_for(User) is by_label
    assert register.declaration_for(User(pk=1)) is by_label
    with pytest.raises(KeyError):
        register.declaration_for("accounts.Nothing")
