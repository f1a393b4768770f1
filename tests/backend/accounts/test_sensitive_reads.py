"""The access log of sensitive reads (issue 14): who read which student's data, through what.
Staff opening a student's full record is logged; the log cannot be changed by the app nor, on
PostgreSQL, by any client, except through the documented maintenance switch used by retention."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import (
    AccessLogIsAppendOnly,
    PersonalDataRead,
    PersonalDataReadKind,
)
from backend.accounts.services.sensitive_reads import (
    access_log_maintenance,
    purge_reads,
    record_sensitive_read,
)

NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)


def _detail(user, student):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(reverse("api:student-detail", args=[student.pk]))


def _read(cast, *, at=NOW, student=None, kind=PersonalDataReadKind.EXPORT):
    return record_sensitive_read(
        reader=cast.fenna,
        student=student or cast.sanne,
        kind=kind,
        purpose="privacy-student-data",
        reason="verzoek tot inzage",
        now=at,
    )


def test_a_read_records_who_whose_what_via_why_and_the_students_school(cast):
    read = _read(cast)
    assert (
        read.reader,
        read.student,
        read.school,
        read.enrolment,
        read.kind,
        read.purpose,
        read.reason,
        read.read_at,
    ) == (
        cast.fenna,
        cast.sanne,
        cast.vista,
        cast.sanne.enrolment,
        PersonalDataReadKind.EXPORT,
        "privacy-student-data",
        "verzoek tot inzage",
        NOW,
    )


def test_a_person_without_enrolment_is_logged_without_a_school(cast):
    read = _read(cast, student=cast.jan)
    assert (read.school, read.enrolment) == (None, None)


def test_staff_opening_a_students_record_is_logged_once_per_request(cast):
    assert _detail(cast.bos, cast.sanne).status_code == 200
    assert _detail(cast.bos, cast.sanne).status_code == 200
    reads = PersonalDataRead.objects.filter(kind=PersonalDataReadKind.STUDENT_RECORD)
    assert [(r.reader, r.student, r.school, r.purpose) for r in reads] == [
        (cast.bos, cast.sanne, cast.vista, "api:student-detail")
    ] * 2
    # Bos is no coach and the policy names no role: no care notes, so no care-note read.
    assert not PersonalDataRead.objects.filter(kind=PersonalDataReadKind.CARE_NOTES).exists()


def test_a_coach_reading_care_notes_leaves_both_reads(cast):
    enrolment = cast.sanne.enrolment
    enrolment.coach = cast.devries
    enrolment.save()
    assert _detail(cast.devries, cast.sanne).status_code == 200
    assert sorted(PersonalDataRead.objects.values_list("kind", flat=True)) == [
        PersonalDataReadKind.CARE_NOTES,
        PersonalDataReadKind.STUDENT_RECORD,
    ]


def test_a_record_that_is_not_opened_is_not_logged(cast):
    # Peters works at Gilde: Sanne is not his student.
    assert _detail(cast.peters, cast.sanne).status_code == 404
    # A student never opens the staff API, not even their own record.
    assert _detail(cast.sanne, cast.sanne).status_code == 403
    assert not PersonalDataRead.objects.exists()


def test_koppel_staff_opening_a_students_account_in_the_admin_is_logged(
    admin_client, admin_user, cast
):
    url = reverse("admin:accounts_user_change", args=[cast.sanne.pk])
    assert admin_client.get(url).status_code == 200
    read = PersonalDataRead.objects.get()
    assert (read.reader, read.student, read.school, read.kind, read.purpose) == (
        admin_user,
        cast.sanne,
        cast.vista,
        PersonalDataReadKind.STUDENT_RECORD,
        "admin:accounts_user_change",
    )
    # A colleague's account is not a student's record.
    assert (
        admin_client.get(reverse("admin:accounts_user_change", args=[cast.bos.pk])).status_code
        == 200
    )
    assert PersonalDataRead.objects.count() == 1


def test_koppel_staff_opening_an_enrolment_in_the_admin_logs_the_record_and_the_care_notes(
    admin_client, cast
):
    url = reverse("admin:accounts_studentenrolment_change", args=[cast.sanne.enrolment.pk])
    assert admin_client.get(url).status_code == 200
    assert sorted(PersonalDataRead.objects.values_list("kind", "purpose")) == [
        (PersonalDataReadKind.CARE_NOTES, "admin"),
        (PersonalDataReadKind.STUDENT_RECORD, "admin:accounts_studentenrolment_change"),
    ]


def test_the_app_cannot_change_or_delete_a_read(cast):
    read = _read(cast)
    read.reason = "anders"
    with pytest.raises(AccessLogIsAppendOnly):
        read.save()
    with pytest.raises(AccessLogIsAppendOnly):
        read.delete()
    with pytest.raises(AccessLogIsAppendOnly):
        PersonalDataRead.objects.filter(pk=read.pk).update(reason="anders")
    with pytest.raises(AccessLogIsAppendOnly):
        PersonalDataRead.objects.all().delete()
    with pytest.raises(AccessLogIsAppendOnly):
        PersonalDataRead.objects.bulk_update([read], ["reason"])
    read.refresh_from_db()
    assert read.reason == "verzoek tot inzage"


def test_retention_removes_only_the_reads_before_the_cut_off_of_that_school(cast):
    old = _read(cast, at=NOW - dt.timedelta(days=800))
    recent = _read(cast, at=NOW - dt.timedelta(days=10))
    gilde_old = _read(cast, at=NOW - dt.timedelta(days=800), student=cast.ahmed)
    cut_off = NOW - dt.timedelta(days=730)
    assert purge_reads(before=cut_off, school_id=cast.vista.pk) == 1
    assert set(PersonalDataRead.objects.values_list("pk", flat=True)) == {recent.pk, gilde_old.pk}
    assert not PersonalDataRead.objects.filter(pk=old.pk).exists()
    # Run again: nothing more to remove. Without a school: every school.
    assert purge_reads(before=cut_off, school_id=cast.vista.pk) == 0
    assert purge_reads(before=cut_off) == 1
    assert list(PersonalDataRead.objects.values_list("pk", flat=True)) == [recent.pk]


def _refused(sql, params):
    with (
        pytest.raises(DatabaseError, match="access log entries are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.mark.postgres_only
def test_postgresql_refuses_to_change_or_delete_a_read_for_every_client(cast):
    read = _read(cast)
    _refused("UPDATE accounts_personaldataread SET reason = 'x' WHERE id = %s", [read.pk])
    _refused("DELETE FROM accounts_personaldataread WHERE id = %s", [read.pk])
    read.refresh_from_db()
    assert read.reason == "verzoek tot inzage"


@pytest.mark.postgres_only
def test_postgresql_allows_changes_only_while_the_documented_maintenance_switch_is_on(cast):
    read, other = _read(cast), _read(cast)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL koppel.privacy_log_maintenance = 'on'")
        cursor.execute("UPDATE accounts_personaldataread SET reason = 'x' WHERE id = %s", [read.pk])
        cursor.execute("DELETE FROM accounts_personaldataread WHERE id = %s", [read.pk])
        # (The test itself runs in a transaction, so SET LOCAL would outlive this block.)
        cursor.execute("SET LOCAL koppel.privacy_log_maintenance = 'off'")
    assert not PersonalDataRead.objects.filter(pk=read.pk).exists()
    _refused("DELETE FROM accounts_personaldataread WHERE id = %s", [other.pk])
    # The app's own switch turns itself off on the way out, also inside an outer transaction.
    with access_log_maintenance(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_personaldataread WHERE id = %s", [other.pk])
    assert not PersonalDataRead.objects.exists()
    third = _read(cast)
    _refused("DELETE FROM accounts_personaldataread WHERE id = %s", [third.pk])


@pytest.mark.postgres_only
def test_postgresql_retention_purge_goes_through_the_switch(cast):
    _read(cast, at=timezone.now() - dt.timedelta(days=800))
    assert purge_reads(before=timezone.now() - dt.timedelta(days=730)) == 1
    _read(cast)
    _refused("DELETE FROM accounts_personaldataread", [])
