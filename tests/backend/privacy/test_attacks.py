"""An attacker's review of the privacy services (issue 14): erasure never reaches a work account,
the student record API logs every opening by staff and nothing for others."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import PersonalDataRead, PersonalDataReadKind, Role, User
from backend.core.errors import ApplicationError
from backend.privacy.models import RequestKind
from backend.privacy.services.erasure import erase_person
from backend.privacy.services.retention import apply_retention
from tests.backend.privacy.factories import data_request
from tests.conftest import as_user
from tests.factories import UserFactory, member, student

pytestmark = pytest.mark.django_db


def _erasure_request(school, subject):
    return data_request(school, subject, kind=RequestKind.ERASURE)


def test_a_student_who_also_teaches_is_not_erased_through_their_request(cast):
    person = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Lotte")
    member(person, cast.gilde, Role.TEACHER)
    request = _erasure_request(cast.vista, person)

    with pytest.raises(ApplicationError):
        erase_person(person=person, by=cast.fenna, request=request, now=timezone.now())

    person.refresh_from_db()
    assert (person.first_name, person.is_active) == ("Lotte", True)


def test_retention_keeps_the_account_of_a_leaver_who_now_works_here(cast):
    now = timezone.now()
    left = now - dt.timedelta(days=800)
    teacher = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Oud")
    member(teacher, cast.vista, Role.TEACHER)
    koppel = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Beheer")
    gone = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Weg")
    User.objects.filter(pk__in=[teacher.pk, koppel.pk, gone.pk]).update(left_at=left)
    User.objects.filter(pk=koppel.pk).update(is_staff=True)

    run = apply_retention(cast.vista, as_of=now, dry_run=False)

    assert run.counts["student_account"] == {"accounts.User": 1}
    names = dict(User.objects.filter(pk__in=[teacher.pk, koppel.pk]).values_list("pk", "email"))
    assert names == {teacher.pk: teacher.email, koppel.pk: koppel.email}
    assert User.objects.get(pk=gone.pk).email == f"erased-{gone.pk}@invalid"


def test_the_student_record_api_logs_every_staff_opening_and_nothing_else(cast):
    url = reverse("api:student-detail", args=[cast.sanne.pk])

    assert as_user(cast.devries).get(url).status_code == 200
    assert as_user(cast.bos).get(url).status_code == 200
    assert as_user(cast.peters).get(url).status_code == 404  # Gilde
    assert as_user(cast.fenna).get(url).status_code == 403  # the officer reads the log only
    assert as_user(cast.jan).get(url).status_code == 403
    assert as_user(cast.sanne).get(url).status_code == 403
    assert as_user(UserFactory(is_staff=True)).get(url).status_code == 404

    reads = PersonalDataRead.objects.filter(kind=PersonalDataReadKind.STUDENT_RECORD)
    assert sorted((r.reader_id, r.school_id, r.purpose) for r in reads) == sorted(
        (reader.pk, cast.vista.pk, "api:student-detail") for reader in (cast.devries, cast.bos)
    )
