import datetime as dt
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.accounts.services import StudentImportError, students_import
from tests.factories import UserFactory, member

TODAY = dt.date(2026, 3, 1)
HEADER = "studentnummer;voornaam;tussenvoegsel;achternaam;e-mail;crebo;cohort;leerweg;klas;coach e-mail;geboortedatum"


def _csv(cast, *rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]).replace("{crebo}", cast.ict_niveau2.crebo) + "\n"


def _good(cast) -> str:
    return _csv(
        cast,
        "100001;Lotte;van der;Berg;lotte@student.vista.test;{crebo};2025;BOL;ICT1A;devries@vista.test;14-02-2008",
        "100002;Daan;;Jacobs;daan@student.vista.test;{crebo};2025-2026;bbl;ICT1B;;",
        "100003;Noor;;Willems;noor@student.vista.test;{crebo};2024;BOL;ICT2A;;2007-09-30",
    )


def _import(cast, content, actor=None):
    return students_import(school=cast.vista, content=content, actor=actor, today=TODAY)


def test_it_imports_students_with_login_membership_and_enrolment(cast):
    result = _import(cast, _good(cast).encode())
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    lotte = StudentEnrolment.objects.select_related("student").get(student_number="100001")
    assert (lotte.student.first_name, lotte.student.last_name, lotte.student.email) == (
        "Lotte",
        "van der Berg",
        "lotte@student.vista.test",
    )
    assert (lotte.school, lotte.kwalificatie, lotte.cohort, lotte.leerweg, lotte.class_code) == (
        cast.vista,
        cast.ict_niveau2,
        2025,
        "BOL",
        "ICT1A",
    )
    assert lotte.coach == cast.devries
    assert lotte.date_of_birth == dt.date(2008, 2, 14)
    assert not lotte.student.has_usable_password()
    daan = StudentEnrolment.objects.get(student_number="100002")
    assert (daan.cohort, daan.leerweg, daan.coach, daan.date_of_birth) == (2025, "BBL", None, None)
    assert (
        Membership.objects.filter(
            organisation=cast.vista, role=Role.STUDENT, user__email__endswith="@student.vista.test"
        ).count()
        == 3
    )


def test_reimporting_the_same_file_changes_nothing_and_creates_no_duplicates(cast):
    _import(cast, _good(cast))
    users, enrolments = User.objects.count(), StudentEnrolment.objects.count()
    result = _import(cast, _good(cast))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert (User.objects.count(), StudentEnrolment.objects.count()) == (users, enrolments)
    assert Membership.objects.filter(role=Role.STUDENT, organisation=cast.vista).count() == 4


def test_reimporting_updates_changed_students_matched_on_student_number(cast):
    _import(cast, _good(cast))
    changed = _good(cast).replace("ICT1B", "ICT2B").replace("Noor;;Willems", "Noor;;Willems-Smit")
    result = _import(cast, changed)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert StudentEnrolment.objects.get(student_number="100002").class_code == "ICT2B"
    assert User.objects.get(email="noor@student.vista.test").last_name == "Willems-Smit"
    # An empty coach cell keeps the coach Koppel already has.
    without_coach = changed.replace("devries@vista.test", "")
    assert _import(cast, without_coach).unchanged == 3
    assert StudentEnrolment.objects.get(student_number="100001").coach == cast.devries


def test_a_file_with_errors_reports_every_bad_row_and_imports_nothing(cast):
    other = User.objects.get(pk=cast.ahmed.pk).email
    content = _csv(
        cast,
        "200001;Sem;;Bakker;sem@student.vista.test;{crebo};2025;BOL;ICT1A;;",
        "200002;Fenna;;Dijk;fenna@student.vista.test;99999;2025;BOL;ICT1A;;",
        "200001;Sem;;Dubbel;sem2@student.vista.test;{crebo};2025;BOL;ICT1A;;",
        f"200004;Ahmed;;Anders;{other};{{crebo}};2025;BOL;ICT1A;;",
        "200005;Mila;;Vos;mila@student.vista.test;{crebo};twintig;BOL;ICT1A;;31-02-2008",
        "200006;Ties;;Kok;geen-adres;{crebo};2025;BOLT;ICT1A;jan@bakkerijjansen.test;",
    )
    with pytest.raises(StudentImportError) as error:
        _import(cast, content)
    assert [str(e) for e in error.value.errors] == [
        "rij 3, kolom crebo: onbekend crebonummer 99999",
        "rij 4, kolom studentnummer: studentnummer 200001 staat ook op rij 2",
        f"rij 5, kolom e-mail: {other} kan niet voor een student van deze school worden gebruikt",
        "rij 6, kolom cohort: 'twintig' is geen cohort; gebruik een jaartal zoals 2025",
        "rij 6, kolom geboortedatum: '31-02-2008' is geen geldige datum; gebruik dd-mm-jjjj",
        "rij 7, kolom e-mail: 'geen-adres' is geen geldig e-mailadres",
        "rij 7, kolom leerweg: leerweg moet BOL of BBL zijn, niet 'BOLT'",
        "rij 7, kolom coach e-mail: jan@bakkerijjansen.test is geen docent of coach van Vista college",
    ]
    assert error.value.message == "Het bestand bevat 8 fout(en); er is niets geïmporteerd."
    assert not User.objects.filter(email__endswith="@student.vista.test").exists()
    assert StudentEnrolment.objects.count() == 2


def test_it_reads_a_dutch_excel_export_with_a_bom_and_semicolons(cast):
    content = "\ufeff" + _good(cast).replace("\n", "\r\n")
    result = _import(cast, content.encode("utf-8"))
    assert result.created == 3


def test_it_reads_commas_and_english_style_headers(cast):
    header = "Studentnummer,Voornaam,Tussenvoegsel,Achternaam,E-mail,Crebo,Cohort,Leerweg,Klas"
    content = _csv(
        cast,
        '300001,Anna,,"Jong, de",anna@student.vista.test,{crebo},2025,BOL,ICT1A',
        header=header,
    )
    assert _import(cast, content).created == 1
    assert User.objects.get(email="anna@student.vista.test").last_name == "Jong, de"


def test_a_missing_column_is_reported_on_the_header_row(cast):
    content = _csv(
        cast,
        "1;A;B;a@b.nl;{crebo};2025",
        header="studentnummer;voornaam;achternaam;e-mail;crebo;cohort",
    )
    with pytest.raises(StudentImportError) as error:
        _import(cast, content)
    assert [str(e) for e in error.value.errors] == [
        "rij 1, kolom leerweg: deze kolom ontbreekt in de kopregel"
    ]


def test_a_student_login_of_this_school_without_enrolment_is_linked_not_duplicated(cast):
    known = member(UserFactory(email="lotte@student.vista.test"), cast.vista, Role.STUDENT)
    result = _import(cast, _good(cast))
    assert result.created == 3
    assert StudentEnrolment.objects.get(student_number="100001").student == known
    assert User.objects.filter(email="lotte@student.vista.test").count() == 1


def test_an_existing_login_that_is_no_student_of_this_school_is_not_linked(cast):
    UserFactory(email="lotte@student.vista.test")
    with pytest.raises(StudentImportError) as error:
        _import(cast, _good(cast))
    assert [str(e) for e in error.value.errors] == [
        "rij 2, kolom e-mail: lotte@student.vista.test kan niet voor een student van deze school "
        "worden gebruikt"
    ]
    assert not StudentEnrolment.objects.filter(student_number="100001").exists()


def test_an_e_mail_of_another_student_of_the_same_school_is_refused(cast):
    sanne_email = User.objects.get(pk=cast.sanne.pk).email
    number = cast.sanne.enrolment.student_number
    content = _csv(cast, f"999999;Sanne;;Kopie;{sanne_email};{{crebo}};2025;BOL;ICT1A;;")
    with pytest.raises(StudentImportError) as error:
        _import(cast, content)
    assert [str(e) for e in error.value.errors] == [
        f"rij 2, kolom e-mail: {sanne_email} hoort al bij studentnummer {number}"
    ]


def test_only_institution_admins_of_that_school_import_by_default(cast, people):
    from backend.core.errors import PermissionDenied

    for actor in (people.teacher, people.coach, people.coordinator, cast.peters, cast.jan):
        with pytest.raises(PermissionDenied):
            _import(cast, _good(cast), actor=actor)
    assert _import(cast, _good(cast), actor=people.institution_admin).created == 3


def _query_budget() -> int:
    # A fixed handful of lookups plus bulk statements in batches; SQLite caps a statement at 999
    # parameters (about 80 users per INSERT), PostgreSQL takes batches of 500 rows.
    return 12 + 3 * -(-2000 // (80 if connection.vendor == "sqlite" else 500))


def test_2000_rows_import_in_seconds_with_a_bounded_number_of_queries(cast):
    rows = [
        f"{400000 + i};Voornaam{i};;Achternaam{i};s{i}@student.vista.test;{{crebo}};2025;BOL;K{i % 40};;"
        for i in range(2000)
    ]
    content = _csv(cast, *rows)
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        result = _import(cast, content)
    elapsed = time.monotonic() - started
    print(f"import of 2000 new rows: {elapsed:.2f}s, {len(queries.captured_queries)} queries")
    assert result.created == 2000
    assert len(queries.captured_queries) <= _query_budget()
    assert elapsed < 10
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        again = _import(cast, content.replace(";K1;", ";K99;"))
    elapsed = time.monotonic() - started
    print(f"reimport of 2000 rows: {elapsed:.2f}s, {len(queries.captured_queries)} queries")
    assert (again.updated, again.unchanged) == (50, 1950)
    assert len(queries.captured_queries) <= _query_budget()
    assert elapsed < 10


def test_the_command_imports_by_brin_and_prints_the_counts(cast, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(_good(cast), encoding="utf-8-sig")
    call_command("import_students", "25lx", str(path))
    assert "Vista college: 3 nieuw, 0 bijgewerkt, 0 ongewijzigd." in capsys.readouterr().out


def test_the_command_prints_each_error_and_fails(cast, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(_good(cast).replace(cast.ict_niveau2.crebo, "99999", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="niets geïmporteerd"):
        call_command("import_students", "25LX", str(path))
    assert "rij 2, kolom crebo: onbekend crebonummer 99999" in capsys.readouterr().err
    assert not StudentEnrolment.objects.filter(student_number="100001").exists()


def test_the_api_imports_an_uploaded_file_for_a_coordinator_when_the_school_allows_it(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cast.vista.coordinators_may_import_students = True
    cast.vista.save()
    client = APIClient()
    client.force_authenticate(cast.bos)
    upload = SimpleUploadedFile("export.csv", _good(cast).encode("utf-8-sig"), "text/csv")
    response = client.post(
        reverse("api:student-import"), {"school": cast.vista.pk, "file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "reactivated": 0,
        "email_changes_pending": 0,
    }


def test_the_api_returns_the_row_report_when_the_file_is_wrong(cast, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = APIClient()
    client.force_authenticate(people.institution_admin)
    bad = _good(cast).replace("2024;BOL", "2024;XXX")
    upload = SimpleUploadedFile("export.csv", bad.encode(), "text/csv")
    response = client.post(
        reverse("api:student-import"), {"school": cast.vista.pk, "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["errors"] == [
        {
            "row": 4,
            "column": "leerweg",
            "message": "leerweg moet BOL of BBL zijn, niet 'XXX'",
            "text": "rij 4, kolom leerweg: leerweg moet BOL of BBL zijn, niet 'XXX'",
        }
    ]
    assert not StudentEnrolment.objects.filter(student_number="100001").exists()


def test_a_coordinator_of_another_school_cannot_import_into_vista(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    member(cast.peters, cast.gilde, Role.INSTITUTION_ADMIN)
    client = APIClient()
    client.force_authenticate(cast.peters)
    upload = SimpleUploadedFile("export.csv", _good(cast).encode(), "text/csv")
    response = client.post(
        reverse("api:student-import"), {"school": cast.vista.pk, "file": upload}, format="multipart"
    )
    assert response.status_code == 403
    assert not StudentEnrolment.objects.filter(student_number="100001").exists()


def test_an_e_mail_of_a_staff_login_is_not_turned_into_a_student(cast):
    content = _csv(cast, "500001;Marleen;;Bos;bos@vista.test;{crebo};2025;BOL;ICT1A;;")
    with pytest.raises(StudentImportError) as error:
        _import(cast, content)
    assert [str(e) for e in error.value.errors] == [
        "rij 2, kolom e-mail: bos@vista.test kan niet voor een student van deze school worden "
        "gebruikt"
    ]
    assert not StudentEnrolment.objects.filter(student=cast.bos).exists()


def test_a_student_who_left_and_is_listed_again_can_log_in_again(cast, people):
    from django.utils import timezone

    from backend.accounts.services import person_leave

    _import(cast, _good(cast))
    daan = User.objects.get(email="daan@student.vista.test")
    person_leave(user=daan, actor=people.institution_admin, now=timezone.now())
    result = _import(cast, _good(cast))
    assert (result.created, result.updated, result.unchanged, result.reactivated) == (0, 1, 2, 1)
    daan.refresh_from_db()
    assert (daan.is_active, daan.left_at) == (True, None)
    assert Membership.objects.active().filter(user=daan, role=Role.STUDENT).count() == 1


def test_a_former_colleague_is_neither_linked_nor_reactivated(cast):
    former = member(UserFactory(email="lotte@student.vista.test"), cast.vista, Role.TEACHER)
    Membership.objects.filter(user=former).update(ended_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))
    User.objects.filter(pk=former.pk).update(is_active=False)
    with pytest.raises(StudentImportError):
        _import(cast, _good(cast))
    former.refresh_from_db()
    assert not former.is_active
    assert not StudentEnrolment.objects.filter(student=former).exists()
