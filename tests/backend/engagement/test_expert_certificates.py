"""A company registers its experts' VOG; a school's coordinator checks it; only then it counts."""

import datetime as dt

import pytest

from backend.accounts.models import Role
from backend.core.errors import ApplicationError, PermissionDenied
from backend.engagement.selectors.expert_certificates import expert_certificates_to_verify
from backend.engagement.selectors.experts import (
    availability_warnings,
    guest_teacher_problems_at,
    guest_teacher_requirements,
)
from backend.engagement.services import expert_certificate_register
from backend.organisations.services import certificate_verify
from tests.backend.engagement.conftest import make_expert, vista_requires_vog
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db
LESSON_DAY = dt.date(2026, 3, 12)


@pytest.fixture
def lotte(cast):
    """Lotte, a designer at Pixelfabriek with an expert profile; Eva is the company's contact."""
    person = UserFactory(first_name="Lotte", last_name="Kok")
    member(person, cast.pixel, Role.COMPANY_CONTACT)
    return make_expert(cast.pixel, user=person)


def _register(actor, expert, now, **fields):
    values = {
        "kind": "VOG",
        "issued_on": dt.date(2026, 1, 15),
        "valid_until": dt.date(2029, 1, 15),
    }
    values.update(fields)
    return expert_certificate_register(actor=actor, expert=expert, now=now, **values)


def test_a_company_contact_registers_a_vog_for_a_colleague_unverified(cast, lotte, now):
    certificate = _register(cast.eva, lotte, now)

    assert (certificate.holder, certificate.kind, certificate.verified_at) == (
        lotte.user,
        "VOG",
        None,
    )


def test_an_unchecked_vog_does_not_yet_meet_the_policy_and_a_checked_one_does(cast, lotte, now):
    vista_requires_vog(cast)
    certificate = _register(cast.eva, lotte, now)

    assert guest_teacher_problems_at(person=lotte.user, school=cast.vista, on=LESSON_DAY)
    assert list(expert_certificates_to_verify(cast.bos)) == [certificate]

    certificate_verify(certificate=certificate, actor=cast.bos, now=now)

    assert guest_teacher_problems_at(person=lotte.user, school=cast.vista, on=LESSON_DAY) == []
    assert list(expert_certificates_to_verify(cast.bos)) == []


def test_a_school_without_a_vog_policy_has_nothing_to_check(cast, lotte, now):
    vista_requires_vog(cast)
    _register(cast.eva, lotte, now)

    assert list(expert_certificates_to_verify(cast.peters)) == []  # Gilde: no policy
    assert list(expert_certificates_to_verify(cast.devries)) == []  # a teacher, not a checker


def test_another_company_cannot_register_a_vog_for_someone_elses_expert(cast, lotte, now):
    with pytest.raises(PermissionDenied):
        _register(cast.jan, lotte, now)
    with pytest.raises(PermissionDenied):
        _register(cast.devries, lotte, now)

    assert not lotte.user.certificates.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"issued_on": dt.date(2026, 6, 1), "valid_until": dt.date(2027, 6, 1)},
            "issued_on",
            "De datum van afgifte ligt in de toekomst.",
        ),
        (
            {"valid_until": dt.date(2030, 1, 15)},
            "valid_until",
            "Een VOG geldt hoogstens 3 jaar na de datum van afgifte.",
        ),
        (
            {"valid_until": dt.date(2025, 1, 15)},
            "valid_until",
            "De geldigheid eindigt voor de datum van afgifte.",
        ),
    ],
)
def test_impossible_dates_are_refused_naming_the_field(cast, lotte, now, fields, field, message):
    with pytest.raises(ApplicationError) as excinfo:
        _register(cast.eva, lotte, now, **fields)

    assert excinfo.value.extra["fields"] == {field: [message]}
    assert not lotte.user.certificates.exists()


def test_the_requirements_name_each_school_and_certificate(cast):
    vista_requires_vog(cast)

    [requirement] = guest_teacher_requirements(school_ids={cast.vista.pk, cast.gilde.pk})

    assert (requirement.school_name, requirement.certificate) == ("Vista college", "VOG")
    assert requirement.certificate_label == "VOG (verklaring omtrent het gedrag)"
    assert guest_teacher_requirements(school_ids=set()) == []


def test_availability_warnings_name_the_days_and_the_window(cast):
    expert = make_expert(
        cast.pixel,
        weekdays=[1, 3],
        available_from=dt.date(2026, 3, 1),
        available_until=dt.date(2026, 6, 30),
    )

    assert availability_warnings(expert, on=dt.date(2026, 3, 11)) == []  # a Wednesday
    assert availability_warnings(expert, on=dt.date(2026, 3, 12)) == [
        "Jan Jansen is meestal alleen beschikbaar op maandag, woensdag; "
        "12 maart 2026 is een donderdag."
    ]
    assert availability_warnings(expert, on=dt.date(2026, 2, 23)) == [
        "Jan Jansen is pas beschikbaar vanaf 1 maart 2026."
    ]
    # 1 July 2026 is a Wednesday: only the window is wrong.
    assert availability_warnings(expert, on=dt.date(2026, 7, 1)) == [
        "Jan Jansen is beschikbaar tot en met 30 juni 2026."
    ]
