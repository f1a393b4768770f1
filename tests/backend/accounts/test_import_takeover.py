"""The student import must never become a way into someone else's login (issue 10, finding 1 and
the import part of finding 10): it creates logins or updates students of the importing school,
nothing else, and a new e-mail address is confirmed from the old one."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import EmailChange, Membership, Role, StudentEnrolment, User
from backend.accounts.services import StudentImportError, person_leave, students_import
from backend.accounts.services.email_change import email_change_confirm
from tests.factories import UserFactory, member, student

TODAY = dt.date(2026, 3, 1)
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
HEADER = "studentnummer;voornaam;achternaam;e-mail;crebo;cohort;leerweg"
NEUTRAL = "kan niet voor een student van deze school worden gebruikt"


def _csv(cast, *rows: str) -> str:
    return "\n".join([HEADER, *rows]).replace("{crebo}", cast.ict_niveau2.crebo) + "\n"


def _row(number: str, email: str, first: str = "Lotte", last: str = "Berg") -> str:
    return f"{number};{first};{last};{email};{{crebo}};2025;BOL"


def _import(cast, *rows: str, actor=None, now=NOW):
    return students_import(
        school=cast.vista, content=_csv(cast, *rows), actor=actor, today=TODAY, now=now
    )


def _errors(cast, *rows: str) -> list[str]:
    with pytest.raises(StudentImportError) as error:
        _import(cast, *rows)
    return [str(e) for e in error.value.errors]


def _snapshot():
    return (
        sorted(User.objects.values_list("pk", "email", "is_active", "is_staff", "is_superuser")),
        sorted(Membership.objects.values_list("pk", "user_id", "organisation_id", "ended_at")),
        sorted(StudentEnrolment.objects.values_list("pk", "student_id", "student_number")),
        EmailChange.objects.count(),
    )


def test_a_superuser_without_memberships_listed_by_e_mail_is_not_linked_or_changed(cast):
    root = User.objects.create_superuser(email="root@koppel.test", password="x" * 12)
    before = _snapshot()
    assert _errors(cast, _row("700001", "root@koppel.test", "Mallory", "Student")) == [
        f"rij 2, kolom e-mail: root@koppel.test {NEUTRAL}"
    ]
    assert _snapshot() == before
    root.refresh_from_db()
    assert (root.is_staff, root.is_superuser, root.first_name) == (True, True, "")
    assert not Membership.objects.filter(user=root).exists()


def test_a_plain_login_without_any_relation_to_the_school_is_not_linked(cast):
    UserFactory(email="someone@example.test")
    before = _snapshot()
    assert _errors(cast, _row("700002", "someone@example.test")) == [
        f"rij 2, kolom e-mail: someone@example.test {NEUTRAL}"
    ]
    assert _snapshot() == before


def test_every_untouchable_login_gets_the_same_neutral_message(cast):
    """Staff of this school, a student of another school, a former company contact and a login
    without relations: the importer cannot tell them apart."""
    former = member(UserFactory(email="former@bakkerij.test"), cast.bakkerij, Role.COMPANY_CONTACT)
    Membership.objects.filter(user=former).update(ended_at=timezone.now())
    UserFactory(email="loose@example.test")
    ahmed = User.objects.get(pk=cast.ahmed.pk).email
    rows = [
        _row("700010", "bos@vista.test"),
        _row("700011", ahmed),
        _row("700012", "former@bakkerij.test"),
        _row("700013", "loose@example.test"),
    ]
    messages = [error.split(": ", 1)[1] for error in _errors(cast, *rows)]
    assert [m.split(" ", 1)[1] for m in messages] == [NEUTRAL] * 4


def test_reimporting_a_student_number_with_a_new_e_mail_asks_the_old_address(
    cast, django_capture_on_commit_callbacks
):
    _import(cast, _row("700020", "lotte@student.vista.test"))
    lotte = User.objects.get(email="lotte@student.vista.test")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(cast, _row("700020", "attacker@evil.test"))
    assert (result.updated, result.unchanged, result.email_changes_pending) == (0, 1, 1)
    lotte.refresh_from_db()
    assert lotte.email == "lotte@student.vista.test"
    assert not User.objects.filter(email="attacker@evil.test").exists()
    change = EmailChange.objects.get(user=lotte)
    assert (change.old_email, change.new_email, change.confirmed_at) == (
        "lotte@student.vista.test",
        "attacker@evil.test",
        None,
    )
    assert [m.to for m in mail.outbox] == [["lotte@student.vista.test"]]
    assert "attacker@evil.test" in mail.outbox[0].body
    token = re.search(r"/e-mailadres/bevestigen/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert change.token_hash != token  # only the hash is stored

    # Re-importing the same file does not mail again.
    with django_capture_on_commit_callbacks(execute=True):
        _import(cast, _row("700020", "attacker@evil.test"))
    assert len(mail.outbox) == 1

    # Confirmed from the old address's link, the address changes.
    email_change_confirm(token=token, now=NOW + dt.timedelta(days=1))
    lotte.refresh_from_db()
    assert lotte.email == "attacker@evil.test"
    assert EmailChange.objects.get(pk=change.pk).confirmed_at is not None


def test_the_confirmation_link_works_once_and_not_after_it_expired(
    cast, django_capture_on_commit_callbacks
):
    _import(cast, _row("700021", "noor@student.vista.test"))
    with django_capture_on_commit_callbacks(execute=True):
        _import(cast, _row("700021", "noor.new@student.vista.test"))
    token = re.search(r"/e-mailadres/bevestigen/([^/\s]+)/", mail.outbox[-1].body).group(1)
    from backend.core.errors import ApplicationError, Conflict

    with pytest.raises(ApplicationError, match="verlopen"):
        email_change_confirm(token=token, now=NOW + dt.timedelta(days=15))
    assert User.objects.filter(email="noor@student.vista.test").exists()
    email_change_confirm(token=token, now=NOW + dt.timedelta(days=2))
    with pytest.raises(Conflict):
        email_change_confirm(token=token, now=NOW + dt.timedelta(days=3))


def test_the_confirmation_api_and_page_change_the_address(
    cast, client, django_capture_on_commit_callbacks
):
    _import(cast, _row("700022", "daan@student.vista.test"))
    with django_capture_on_commit_callbacks(execute=True):
        _import(cast, _row("700022", "daan.jacobs@student.vista.test"), now=timezone.now())
    token = re.search(r"/e-mailadres/bevestigen/([^/\s]+)/", mail.outbox[-1].body).group(1)
    url = f"/e-mailadres/bevestigen/{token}/"

    page = client.get(url)
    assert page.status_code == 200
    assert "daan.jacobs@student.vista.test" in page.content.decode()
    assert User.objects.filter(email="daan@student.vista.test").exists()  # GET changes nothing

    wrong = APIClient().post(reverse("api:email-change-confirm"), {"token": "nope"}, format="json")
    assert wrong.status_code == 404
    assert wrong.json()["message"] == "Deze link bestaat niet of is onvolledig."

    response = APIClient().post(reverse("api:email-change-confirm"), {"token": token})
    assert response.status_code == 200, response.content
    assert response.json() == {"message": "Je e-mailadres is nu daan.jacobs@student.vista.test."}
    assert User.objects.filter(email="daan.jacobs@student.vista.test").exists()
    assert client.post(url).status_code == 409


def test_a_new_e_mail_that_belongs_to_another_login_is_refused_neutrally(cast):
    _import(cast, _row("700023", "mila@student.vista.test"))
    before = _snapshot()
    assert _errors(cast, _row("700023", "bos@vista.test")) == [
        f"rij 2, kolom e-mail: bos@vista.test {NEUTRAL}"
    ]
    assert _snapshot() == before


def test_a_known_student_number_of_a_protected_login_is_not_updated(cast):
    # Sanne is also a company contact: the import leaves her login alone.
    member(cast.sanne, cast.bakkerij, Role.COMPANY_CONTACT)
    enrolment = StudentEnrolment.objects.get(student=cast.sanne)
    before = _snapshot()
    assert _errors(cast, _row(enrolment.student_number, "sanne.new@student.vista.test")) == [
        f"rij 2, kolom studentnummer: {enrolment.student_number} {NEUTRAL}"
    ]
    assert _snapshot() == before


def test_a_student_who_left_another_school_is_not_reactivated(cast, people):
    ahmed = User.objects.get(pk=cast.ahmed.pk)
    person_leave(user=ahmed, actor=ahmed, now=timezone.now())
    before = _snapshot()
    assert _errors(cast, _row("700030", ahmed.email)) == [
        f"rij 2, kolom e-mail: {ahmed.email} {NEUTRAL}"
    ]
    assert _snapshot() == before
    ahmed.refresh_from_db()
    assert (ahmed.is_active, ahmed.left_at is not None) == (False, True)


def test_a_student_who_left_this_school_is_reactivated_and_reported(cast, people):
    _import(cast, _row("700031", "fenna@student.vista.test"))
    fenna = User.objects.get(email="fenna@student.vista.test")
    person_leave(user=fenna, actor=people.institution_admin, now=timezone.now())
    result = _import(cast, _row("700031", "fenna@student.vista.test"))
    assert (result.updated, result.reactivated) == (1, 1)
    fenna.refresh_from_db()
    assert (fenna.is_active, fenna.left_at) == (True, None)
    assert Membership.objects.active().filter(user=fenna, role=Role.STUDENT).count() == 1


def test_a_login_switched_off_by_koppel_is_not_switched_on_by_the_import(cast):
    _import(cast, _row("700032", "ties@student.vista.test"))
    User.objects.filter(email="ties@student.vista.test").update(is_active=False)
    result = _import(cast, _row("700032", "ties@student.vista.test"))
    assert (result.reactivated, result.unchanged) == (0, 1)
    assert not User.objects.get(email="ties@student.vista.test").is_active


def test_a_student_login_of_this_school_without_enrolment_is_linked(cast):
    # E.g. a student whose enrolment was removed by Koppel support; the membership remains.
    loose = member(UserFactory(email="sem@student.vista.test"), cast.vista, Role.STUDENT)
    result = _import(cast, _row("700033", "sem@student.vista.test", "Sem", "Bakker"))
    assert result.created == 1
    assert StudentEnrolment.objects.get(student_number="700033").student == loose
    assert Membership.objects.filter(user=loose).count() == 1


def _upload(client, cast, content: str | bytes):
    data = content.encode() if isinstance(content, str) else content
    upload = SimpleUploadedFile("export.csv", data, "text/csv")
    return client.post(
        reverse("api:student-import"), {"school": cast.vista.pk, "file": upload}, format="multipart"
    )


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_coordinator_cannot_import_unless_the_school_allows_it(cast, people):
    before = _snapshot()
    response = _upload(_client(cast.bos), cast, _csv(cast, _row("700040", "a@student.vista.test")))
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Alleen beheerders van Vista college importeren studenten (coördinatoren alleen als de "
        "school dat toestaat)."
    )
    assert _snapshot() == before

    cast.vista.coordinators_may_import_students = True
    cast.vista.save()
    response = _upload(_client(cast.bos), cast, _csv(cast, _row("700040", "a@student.vista.test")))
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1


def test_the_policy_of_one_school_does_not_let_coordinators_import_elsewhere(cast):
    cast.gilde.coordinators_may_import_students = True
    cast.gilde.save()
    before = _snapshot()
    # Peters coordinates Gilde, not Vista.
    response = _upload(_client(cast.peters), cast, _csv(cast, _row("700041", "b@x.test")))
    assert response.status_code == 403
    assert _snapshot() == before


def test_the_institution_admin_imports_and_sees_the_report(cast, people):
    response = _upload(
        _client(people.institution_admin), cast, _csv(cast, _row("700042", "c@student.vista.test"))
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "reactivated": 0,
        "email_changes_pending": 0,
    }


# --- finding 8: hostile cells are row errors, never a server error ------------------------------


def test_a_nul_byte_in_a_cell_is_a_row_and_column_error(cast, people):
    content = _csv(cast, _row("700050", "d@student.vista.test", "Lo\x00tte"))
    response = _upload(_client(people.institution_admin), cast, content)
    assert response.status_code == 400
    assert response.json()["extra"]["errors"] == [
        {
            "row": 2,
            "column": "voornaam",
            "message": "de cel bevat een ongeldig teken (NUL)",
            "text": "rij 2, kolom voornaam: de cel bevat een ongeldig teken (NUL)",
        }
    ]
    assert not User.objects.filter(email="d@student.vista.test").exists()


def test_a_128_kib_cell_is_a_row_error(cast, people):
    content = _csv(cast, _row("700051", "e@student.vista.test", "A" * 128 * 1024))
    response = _upload(_client(people.institution_admin), cast, content)
    assert response.status_code == 400
    assert [e["text"] for e in response.json()["extra"]["errors"]] == [
        "rij 2, kolom voornaam: de cel is langer dan 1000 tekens"
    ]
    assert not User.objects.filter(email="e@student.vista.test").exists()


def test_a_cell_beyond_the_csv_readers_own_limit_is_a_row_error(cast, people):
    # An unclosed quote swallows the rest of the file into one 200 KiB cell.
    content = _csv(cast, _row("700054", "h@student.vista.test", '"' + "A" * 200 * 1024))
    response = _upload(_client(people.institution_admin), cast, content)
    assert response.status_code == 400
    assert [e["text"] for e in response.json()["extra"]["errors"]] == [
        "rij 2, kolom -: de cel is langer dan 1000 tekens"
    ]
    assert not User.objects.filter(email="h@student.vista.test").exists()


def test_a_cell_over_1000_characters_names_its_column(cast, people):
    content = _csv(cast, _row("700052", "f@student.vista.test", "Lotte", "B" * 1001))
    response = _upload(_client(people.institution_admin), cast, content)
    assert response.status_code == 400
    assert [e["text"] for e in response.json()["extra"]["errors"]] == [
        "rij 2, kolom achternaam: de cel is langer dan 1000 tekens"
    ]


def test_a_file_over_5_mb_is_refused_before_it_is_read(cast, people):
    content = _csv(cast, _row("700053", "g@student.vista.test")) + "\n" * (5 * 1024 * 1024)
    response = _upload(_client(people.institution_admin), cast, content)
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["file"] == [
        "Het bestand is groter dan 5 MB; splits het op."
    ]
    assert not User.objects.filter(email="g@student.vista.test").exists()


def test_a_nul_byte_in_the_header_is_reported_on_row_1(cast):
    content = HEADER.replace("voornaam", "voor\x00naam") + "\n" + "1;A;B;a@b.test;12345;2025;BOL\n"
    with pytest.raises(StudentImportError) as error:
        students_import(school=cast.vista, content=content, actor=None, today=TODAY)
    assert [str(e) for e in error.value.errors] == [
        "rij 1, kolom voornaam: de cel bevat een ongeldig teken (NUL)"
    ]


def test_a_student_of_this_school_created_by_the_factory_is_still_updated(cast):
    # Sanne (cast) is a plain student of Vista: the import updates her.
    enrolment = StudentEnrolment.objects.get(student=cast.sanne)
    sanne = User.objects.get(pk=cast.sanne.pk)
    result = _import(cast, _row(enrolment.student_number, sanne.email, "Sanne", "Nieuw"))
    assert result.updated == 1
    assert User.objects.get(pk=sanne.pk).last_name == "Nieuw"


def test_a_new_student_of_another_school_cannot_be_created_twice(cast):
    other = student(school=cast.gilde, kwalificatie=cast.ict_niveau2, first_name="Joep")
    before = _snapshot()
    assert _errors(cast, _row("700060", other.email)) == [
        f"rij 2, kolom e-mail: {other.email} {NEUTRAL}"
    ]
    assert _snapshot() == before


def test_the_command_reports_pending_e_mail_changes(cast, tmp_path, capsys):
    from django.core.management import call_command

    _import(cast, _row("700070", "joep@student.vista.test"))
    path = tmp_path / "export.csv"
    path.write_text(_csv(cast, _row("700070", "joep.nieuw@student.vista.test")), encoding="utf-8")
    call_command("import_students", "25LX", str(path))
    out = capsys.readouterr().out
    assert "Vista college: 0 nieuw, 0 bijgewerkt, 1 ongewijzigd." in out
    assert "1 nieuw(e) e-mailadres(sen) wachten op bevestiging via het oude adres." in out
    assert User.objects.filter(email="joep@student.vista.test").exists()
