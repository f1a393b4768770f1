"""The privacy officer's access log page (issue 14): every sensitive read of her school's
students, newest first, paged with a fixed number of queries, filtered by student and kind."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from backend.accounts.models import PersonalDataReadKind, Role
from backend.accounts.services.sensitive_reads import record_sensitive_read
from backend.privacy.selectors.access_log import access_log_page
from tests.factories import UserFactory, member, student

URL = reverse("frontend:privacy-access-log")
NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)


def _read(reader, subject, *, minutes=0, kind=PersonalDataReadKind.STUDENT_RECORD, reason=""):
    return record_sensitive_read(
        reader=reader,
        student=subject,
        kind=kind,
        purpose="api:student-detail",
        reason=reason,
        now=NOW + dt.timedelta(minutes=minutes),
    )


def _page(page_client, user, **params):
    response = page_client(user).get(URL, params)
    assert response.status_code == 200
    return response


def test_care_note_reads_and_exports_appear_with_who_whose_what_via_and_why(cast, page_client):
    enrolment = cast.sanne.enrolment
    enrolment.coach = cast.devries
    enrolment.save()
    client = APIClient()
    client.force_authenticate(cast.devries)
    assert client.get(reverse("api:student-detail", args=[cast.sanne.pk])).status_code == 200
    export = _read(
        cast.fenna,
        cast.sanne,
        kind=PersonalDataReadKind.EXPORT,
        reason="inzageverzoek",
        minutes=9999,
    )
    response = _page(page_client, cast.fenna)
    rows = response.context["log"].rows
    assert rows[0].read == export
    assert {r.read.kind for r in rows[1:]} == {
        PersonalDataReadKind.STUDENT_RECORD,
        PersonalDataReadKind.CARE_NOTES,
    }
    html = response.content.decode()
    row = html[html.index(f'id="read-{export.pk}"') :]
    row = row[: row.index("</tr>")]
    for text in (
        "Fenna Visser",
        "functionaris gegevensbescherming",
        cast.sanne.get_full_name(),
        cast.sanne.enrolment.student_number,
        "gegevens geëxporteerd",
        "api:student-detail",
        "inzageverzoek",
    ):
        assert text in row
    assert "zorgnotities gelezen" in html
    assert "Karin de Vries" in html
    assert "coach / SLB, docent" in html or "docent, coach / SLB" in html


def test_the_officer_sees_only_her_own_schools_reads_newest_first(cast, page_client):
    mine_old = _read(cast.bos, cast.sanne, minutes=1)
    mine_new = _read(cast.devries, cast.sanne, minutes=2)
    _read(cast.peters, cast.ahmed, minutes=3)
    rows = _page(page_client, cast.fenna).context["log"].rows
    assert [r.read for r in rows] == [mine_new, mine_old]
    # Gilde's officer sees Gilde's read only.
    gilde_officer = UserFactory()
    member(gilde_officer, cast.gilde, Role.PRIVACY_OFFICER)
    html = _page(page_client, gilde_officer).content.decode()
    assert cast.ahmed.get_full_name() in html
    assert cast.sanne.get_full_name() not in html


def test_it_filters_by_student_name_or_number_and_by_kind(cast, page_client):
    noor = student(
        school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Noor", number="V777"
    )
    sanne_record = _read(cast.bos, cast.sanne, minutes=1)
    sanne_export = _read(cast.fenna, cast.sanne, minutes=2, kind=PersonalDataReadKind.EXPORT)
    noor_record = _read(cast.bos, noor, minutes=3)

    def reads(**params):
        return [r.read for r in _page(page_client, cast.fenna, **params).context["log"].rows]

    assert reads(student="noor") == [noor_record]
    assert reads(student="V777") == [noor_record]
    assert reads(student=cast.sanne.get_full_name()) == [sanne_export, sanne_record]
    assert reads(kind="export") == [sanne_export]
    assert reads(kind="student_record", student="sanne") == [sanne_record]
    # An unknown kind filters nothing out.
    assert len(reads(kind="nonsense")) == 3
    assert (
        "Geen inzages gevonden met deze filters."
        in _page(page_client, cast.fenna, student="niemand").content.decode()
    )


def test_it_pages_fifty_at_a_time_with_a_fixed_number_of_queries(
    cast, page_client, django_assert_max_num_queries
):
    readers = [cast.bos, cast.devries, cast.fenna]
    for index in range(60):
        _read(readers[index % 3], cast.sanne, minutes=index)
    client = page_client(cast.fenna)
    client.get(URL)  # warm the session and caches
    with django_assert_max_num_queries(12):
        first = client.get(URL)
    log = first.context["log"]
    assert (len(log.rows), log.total, log.has_previous, log.has_next) == (50, 60, False, True)
    assert log.rows[0].read.read_at == NOW + dt.timedelta(minutes=59)
    assert 'href="?page=2"' in first.content.decode()
    with django_assert_max_num_queries(12):
        second = client.get(URL, {"page": 2, "kind": "student_record"})
    log = second.context["log"]
    assert (len(log.rows), log.has_previous, log.has_next) == (10, True, False)
    assert log.rows[-1].read.read_at == NOW
    assert 'href="?kind=student_record&amp;page=1"' in second.content.decode()
    # A page past the end shows the last page; nonsense shows the first.
    assert client.get(URL, {"page": 99}).context["log"].page == 2
    assert client.get(URL, {"page": "x"}).context["log"].page == 1


def test_the_selector_reads_a_page_in_three_queries(cast, django_assert_num_queries):
    for index in range(30):
        _read([cast.bos, cast.devries][index % 2], cast.sanne, minutes=index)
    with django_assert_num_queries(3):  # count, page, readers' roles
        page = access_log_page(cast.fenna, per_page=20)
    assert len(page.rows) == 20


@pytest.mark.parametrize("who", ["bos", "devries", "sanne", "jan"])
def test_nobody_else_opens_the_access_log(cast, page_client, who):
    _read(cast.bos, cast.sanne)
    assert page_client(getattr(cast, who)).get(URL).status_code == 403


def test_an_empty_log_says_so(cast, page_client):
    assert "Er is nog niets gelezen." in _page(page_client, cast.fenna).content.decode()
