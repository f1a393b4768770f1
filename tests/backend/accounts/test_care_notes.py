"""Care notes (issue 10, finding 7): only the student's own coach and the roles the school's
policy names read them, and every read is recorded."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from backend.accounts.models import PersonalDataRead, PersonalDataReadKind, Role
from backend.accounts.services.care_notes import care_notes_read
from tests.factories import UserFactory, member

NOTES = "Dyslexie: toetsen in groter lettertype."


@pytest.fixture
def sanne(cast, people):
    enrolment = cast.sanne.enrolment
    enrolment.care_notes = NOTES
    enrolment.coach = people.coach
    enrolment.save()
    return enrolment


def _care_note_reads():
    # Opening the record is logged too (kind STUDENT_RECORD, test_sensitive_reads.py).
    return PersonalDataRead.objects.filter(kind=PersonalDataReadKind.CARE_NOTES)


def _get(user, cast):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(reverse("api:student-detail", args=[cast.sanne.pk]))


def test_the_own_coach_reads_the_notes_and_the_read_is_recorded(cast, people, sanne):
    response = _get(people.coach, cast)
    assert response.status_code == 200
    assert response.json()["care_notes"] == NOTES
    read = _care_note_reads().get()
    assert (read.reader, read.student_id, read.enrolment, read.purpose) == (
        people.coach,
        cast.sanne.pk,
        sanne,
        "api:student-detail",
    )
    _get(people.coach, cast)
    assert _care_note_reads().count() == 2


def test_another_coach_of_the_same_school_gets_no_notes_and_no_log(cast, people, sanne):
    other_coach = member(UserFactory(first_name="Otto"), cast.vista, Role.COACH)
    response = _get(other_coach, cast)
    assert response.status_code == 200
    assert "care_notes" not in response.json()
    assert "toetsen" not in response.content.decode()
    assert not _care_note_reads().exists()


def test_company_contacts_never_see_them(cast, people, sanne):
    response = _get(cast.jan, cast)
    assert response.status_code == 403
    assert "toetsen" not in response.content.decode()
    assert care_notes_read(enrolment=sanne, reader=cast.jan, purpose="test") is None
    assert not _care_note_reads().exists()


def test_a_coach_who_stopped_working_at_the_school_no_longer_reads_them(cast, people, sanne):
    from backend.accounts.models import Membership
    from backend.accounts.selectors import forget_roles

    Membership.objects.filter(user=people.coach).update(ended_at="2026-01-01T00:00:00Z")
    forget_roles(people.coach)
    assert care_notes_read(enrolment=sanne, reader=people.coach, purpose="test") is None
    assert not _care_note_reads().exists()


def test_the_school_policy_can_let_coordinators_read_them(cast, people, sanne):
    assert "care_notes" not in _get(people.coordinator, cast).json()
    cast.vista.care_notes_roles = ["coordinator"]
    cast.vista.save()
    assert _get(people.coordinator, cast).json()["care_notes"] == NOTES
    assert _care_note_reads().get().reader == people.coordinator
    # The policy of Vista names coordinators of Vista, not those of Gilde.
    assert care_notes_read(enrolment=sanne, reader=cast.peters, purpose="test") is None
    assert "care_notes" not in _get(people.institution_admin, cast).json()


def test_the_policy_only_accepts_school_staff_roles(cast):
    from django.core.exceptions import ValidationError

    cast.vista.care_notes_roles = ["company_contact"]
    with pytest.raises(ValidationError):
        cast.vista.full_clean()


def test_the_admin_records_that_staff_opened_the_enrolment(admin_client, cast, sanne):
    page = admin_client.get(reverse("admin:accounts_studentenrolment_change", args=[sanne.pk]))
    assert page.status_code == 200
    read = _care_note_reads().get()
    assert (read.enrolment, read.purpose) == (sanne, "admin")


def test_the_read_log_cannot_be_edited_in_the_admin(admin_client, cast, people, sanne):
    _get(people.coach, cast)
    read = _care_note_reads().get()
    assert (
        admin_client.get(reverse("admin:accounts_personaldataread_changelist")).status_code == 200
    )
    page = admin_client.post(
        reverse("admin:accounts_personaldataread_delete", args=[read.pk]), {"post": "yes"}
    )
    assert page.status_code == 403
    assert PersonalDataRead.objects.filter(pk=read.pk).exists()
