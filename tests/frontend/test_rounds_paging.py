"""The coordinator's round page at scale (issue: "24,000 px tall at 210 students"; issue 17): the
students are paged 50 at a time with keyset links (after/before the last/first row's name, never
an offset), filtered and searched in the database with everything in the query string; an
override brings the coordinator back to the same place; the page costs the same number of
queries at 30 and 300 students and never reads a run's problem or result. Also: the
CSV lists the unassigned students, the new-round form offers only the school's own challenges,
the objection form never offers the student's current (or a full) challenge, and irreversible
round actions ask first."""

import csv
import html
import io
import re
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import Leerweg, StudentEnrolment, User
from backend.allocations import services
from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    AssignmentSource,
    Objection,
    Phase,
    RoundChallenge,
)
from backend.allocations.selectors.roster import StudentCursor
from backend.offers.models import OfferStatus
from tests.allocation_rounds import make_round
from tests.factories import OfferFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def _crowd(cast, allocation_round, n, *, start=0):
    """`n` more Vista students in the round, named "Student<i> Zz<i>"; every third waits, every
    fifth placed one was moved by hand, every seventh objected."""
    users = User.objects.bulk_create(
        [
            User(
                email=f"crowd{start + i}@vista.test",
                first_name=f"Student{start + i:04d}",
                last_name=f"Zz{start + i:04d}",
                password="!",
            )
            for i in range(n)
        ]
    )
    StudentEnrolment.objects.bulk_create(
        [
            StudentEnrolment(
                student=user,
                school=cast.vista,
                kwalificatie=cast.ict_niveau2,
                student_number=f"C{start + i:06d}",
                cohort=2025,
                leerweg=Leerweg.BOL,
                class_code=f"K{i % 4}",
            )
            for i, user in enumerate(users)
        ]
    )
    now = timezone.now()
    Assignment.objects.bulk_create(
        [
            Assignment(
                round=allocation_round,
                student=user,
                offer=allocation_round.app if i % 2 else allocation_round.webshop,
                rank=None if i % 5 == 1 else 1 + i % 2,
                source=AssignmentSource.OVERRIDE if i % 5 == 1 else AssignmentSource.ENGINE,
                changed_at=now,
            )
            for i, user in enumerate(users)
            if i % 3
        ]
    )
    Objection.objects.bulk_create(
        [
            Objection(round=allocation_round, student=user, reason="Anders", created_at=now)
            for i, user in enumerate(users)
            if i % 7 == 0
        ]
    )
    return users


def _detail(client, allocation_round, **query):
    response = client.get(reverse("frontend:round-detail", args=[allocation_round.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def _student_rows(page):
    """The student ids of the rows shown, in order."""
    return [int(pk) for pk in re.findall(r'<tr id="student-(\d+)">', page)]


def _total(page):
    """How many students the page says match ("124 studenten gevonden")."""
    found = re.search(r'id="students-range">(\d+) studen(?:t|ten) gevonden', page)
    assert found, "no total"
    return int(found.group(1))


def _link(page, rel):
    """The query string of the students' "Vorige"/"Volgende" link (rel prev/next), else None."""
    found = re.search(rf'<a href="/rounds/\d+/\?([^"#]*)#assignments" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def _follow(client, allocation_round, query):
    return _detail(client, allocation_round, **dict(parse_qsl(query)))


def test_the_students_are_paged_fifty_at_a_time_by_last_name(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    _crowd(people, allocation_round, 120)
    client = page_client(people.bos)
    first = _detail(client, allocation_round)
    assert _total(first) == 124
    assert "50 op deze pagina" in first
    names = list(
        User.objects.filter(enrolment__school=people.vista)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )
    assert _student_rows(first) == names[:50]
    assert _link(first, "prev") is None
    # Volgende: the 50 after the last row shown, by its key in the link (no offset, no number).
    second = _follow(client, allocation_round, _link(first, "next"))
    assert _student_rows(second) == names[50:100]
    assert "page=" not in _link(first, "next")
    last = _follow(client, allocation_round, _link(second, "next"))
    assert _student_rows(last) == names[100:124]
    assert _link(last, "next") is None
    assert _total(last) == 124
    # Vorige walks back the same pages, and stops at the first one.
    back = _follow(client, allocation_round, _link(last, "prev"))
    assert _student_rows(back) == names[50:100]
    assert _link(back, "next") == _link(second, "next")  # stable: the same link as before
    start = _follow(client, allocation_round, _link(back, "prev"))
    assert _student_rows(start) == names[:50]
    assert _link(start, "prev") is None
    # A student added before the place keeps the page after it the same (keyset, not offset).
    early = User.objects.create(email="aaa@vista.test", first_name="Aa", last_name="Aaa")
    StudentEnrolment.objects.create(
        student=early,
        school=people.vista,
        kwalificatie=people.ict_niveau2,
        student_number="A1",
        cohort=2025,
        leerweg=Leerweg.BOL,
    )
    assert _student_rows(_follow(client, allocation_round, _link(first, "next"))) == names[50:100]


@pytest.mark.parametrize(
    "query",
    [
        {"after": "abc"},
        {"after": "-1"},
        {"after": "²"},
        {"after": "9" * 30},
        {"after": "0"},
        {"after": "W10"},  # base64 of "[]"
        {"after": "WyJhIiwiYiIsLTFd"},  # ["a","b",-1]
        {"after": "WyJhIiwiYiIsInh4Il0"},  # ["a","b","xx"]
        {"after": "x" * 5000},
        {"before": "%%%"},
        {"before": ""},
        {"page": "-1"},
        {"page": "abc"},
        {"cpage": "-4"},
        {"cpage": "x"},
        {"cpage": "999999999"},
        {"host": "evil"},
        {"fill": "evil"},
    ],
)
def test_bad_paging_input_shows_a_clean_first_page(people, page_client, query):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    _crowd(people, allocation_round, 60)
    client = page_client(people.bos)
    names = list(
        User.objects.filter(enrolment__school=people.vista)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )
    page = _detail(client, allocation_round, **query)
    assert _student_rows(page) == names[:50]
    assert _total(page) == 64
    assert 'id="challenges-range">1–2 van 2' in page


def test_the_filters_and_the_search_stay_in_the_links(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    crowd = _crowd(people, allocation_round, 150)
    client = page_client(people.bos)
    waiting = {u.pk for i, u in enumerate(crowd) if i % 3 == 0}
    waiting |= set(
        StudentEnrolment.objects.filter(
            school=people.vista, student__in=[people.sanne, *people.extra]
        )
        .exclude(student__in=Assignment.objects.filter(round=allocation_round).values("student"))
        .values_list("student_id", flat=True)
    )
    page = _detail(client, allocation_round, status="unassigned")
    assert _total(page) == len(waiting)
    assert set(_student_rows(page)) <= waiting
    assert _link(page, "next").startswith("status=unassigned&after=")
    second = _follow(client, allocation_round, _link(page, "next"))
    assert set(_student_rows(second)) <= waiting
    assert set(_student_rows(page)) | set(_student_rows(second)) == waiting
    assert _link(second, "prev").startswith("status=unassigned&before=")  # keeps the filter
    assert f'href="/rounds/{allocation_round.pk}/?status=unassigned#assignments">' in second
    # Status: moved by hand, or with an objection.
    overridden = {u.pk for i, u in enumerate(crowd) if i % 3 and i % 5 == 1}
    assert _total(_detail(client, allocation_round, status="overridden")) == len(overridden)
    objected = {u.pk for i, u in enumerate(crowd) if i % 7 == 0}
    page = _detail(client, allocation_round, status="objection")
    assert _total(page) == len(objected)
    assert "bezwaar: open" in page
    # Challenge and choice rank.
    on_webshop = Assignment.objects.filter(round=allocation_round, offer=allocation_round.webshop)
    page = _detail(client, allocation_round, challenge=str(allocation_round.webshop.pk))
    assert _total(page) == on_webshop.count()
    assert f'<option value="{allocation_round.webshop.pk}" selected>' in page
    second_choice = Assignment.objects.filter(round=allocation_round, rank=2).count()
    assert _total(_detail(client, allocation_round, rank="2")) == second_choice
    outside = Assignment.objects.filter(round=allocation_round, rank=None).count()
    assert _total(_detail(client, allocation_round, rank="0")) == outside
    # Combined, and kept in the page links.
    both = _detail(
        client, allocation_round, status="assigned", challenge=str(allocation_round.app.pk)
    )
    assert (
        _total(both)
        == Assignment.objects.filter(round=allocation_round, offer=allocation_round.app).count()
    )
    # Unknown values are left out rather than failing: everyone is listed.
    for query in ({"status": "evil"}, {"rank": "77"}, {"challenge": "x"}, {"rank": "-1"}):
        assert _total(_detail(client, allocation_round, **query)) == 154


def test_the_search_finds_a_full_name_in_any_case(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    _crowd(people, allocation_round, 60)
    finn = User.objects.create(email="finn@vista.test", first_name="Finn", last_name="de Vries")
    StudentEnrolment.objects.create(
        student=finn,
        school=people.vista,
        kwalificatie=people.ict_niveau2,
        student_number="F1",
        cohort=2025,
        leerweg=Leerweg.BOL,
        class_code="ICT9Z",
    )
    client = page_client(people.bos)
    for query in ("Finn de V", "finn DE vries", "  Finn   de  Vries ", "de vri", "ict9z"):
        page = _detail(client, allocation_round, q=query)
        assert _student_rows(page) == [finn.pk], query
        assert "Finn de Vries" in page
    assert "Niemand gevonden." in _detail(client, allocation_round, q="Finn de X")
    # The search is kept in the form and in the page links.
    page = _detail(client, allocation_round, q="Student")
    assert 'value="Student"' in page
    assert _link(page, "next").startswith("q=Student&after=")


def test_an_override_brings_the_coordinator_back_to_the_same_place(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    crowd = _crowd(people, allocation_round, 200)
    RoundChallenge.objects.filter(round=allocation_round).update(capacity=500)
    client = page_client(people.bos)
    first = _detail(client, allocation_round, status="unassigned")
    place = _link(first, "next")
    assert place
    page = _follow(client, allocation_round, place)
    target = _student_rows(page)[3]
    assert target in {u.pk for u in crowd}
    # The row links to its own small override page, carrying the place to come back to.
    edit = reverse("frontend:round-assignment", args=[allocation_round.pk, target])
    assert f"{edit}?next=" in page
    here = (
        reverse("frontend:round-detail", args=[allocation_round.pk]) + f"?{place}#student-{target}"
    )
    form = client.get(edit, {"next": here}).content.decode()
    assert f'name="next" value="{here.replace("&", "&amp;")}"' in form
    assert f'<option value="{allocation_round.app.pk}">' in form
    response = client.post(
        reverse("frontend:round-assignment-action", args=[allocation_round.pk, target, "override"]),
        {"offer": allocation_round.app.pk, "next": here},
    )
    assert response.status_code == 302
    assert response["Location"] == here
    assert Assignment.objects.get(round=allocation_round, student_id=target).offer == (
        allocation_round.app
    )
    # The page's figures follow at once.
    after = _detail(client, allocation_round)
    assert re.search(r'id="stat-assigned"><span class="value">(\d+)<', after).group(1) == str(
        Assignment.objects.filter(round=allocation_round).count()
    )


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/rounds/1/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "/admin/",
        "/rounds/",
        "\\\\evil.example/",
        "/rounds/{other}/",
        "https://testserver/rounds/{round}/",
    ],
)
def test_next_never_leads_anywhere_but_this_rounds_page(people, page_client, next_url):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    other = AllocationRound.objects.create(
        name="Ander",
        school=people.vista,
        choices_close_at=allocation_round.choices_close_at,
        objections_close_at=allocation_round.objections_close_at,
        created_by=people.bos,
    )
    next_url = next_url.format(other=other.pk, round=allocation_round.pk)
    client = page_client(people.bos)
    response = client.post(
        reverse(
            "frontend:round-assignment-action",
            args=[allocation_round.pk, people.sanne.pk, "lock"],
        ),
        {"next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:round-detail", args=[allocation_round.pk])
    # The override page does not pass it on either.
    form = client.get(
        reverse("frontend:round-assignment", args=[allocation_round.pk, people.sanne.pk]),
        {"next": next_url},
    ).content.decode()
    detail = reverse("frontend:round-detail", args=[allocation_round.pk])
    assert f'name="next" value="{detail}"' in form


def test_the_override_page_is_for_the_rounds_own_students_and_coordinators(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    url = reverse("frontend:round-assignment", args=[allocation_round.pk, people.ahmed.pk])
    assert page_client(people.bos).get(url).status_code == 404  # a Gilde student
    url = reverse("frontend:round-assignment", args=[allocation_round.pk, people.sanne.pk])
    assert page_client(people.peters).get(url).status_code == 404  # another school's round
    assert page_client(people.devries).get(url).status_code == 403  # a teacher reads only
    page = page_client(people.bos).get(url).content.decode()
    current = Assignment.objects.filter(round=allocation_round, student=people.sanne).first()
    if current is not None:
        assert f'<option value="{current.offer_id}">' not in page  # not where she is now


def _page_queries(client, allocation_round, **query):
    with CaptureQueriesContext(connection) as queries:
        _detail(client, allocation_round, **query)
    return [q["sql"] for q in queries.captured_queries]


QUERIES = [
    {},
    {"after": "NEXT"},  # the first page's "Volgende" link
    {"before": "NEXT"},
    {"status": "unassigned"},
    {"q": "Student00"},
    {"status": "assigned", "rank": "1"},
    {"cq": "App"},
    {"fill": "room"},
    {"fill": "unchosen", "cpage": "2"},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(q) or "first")
def test_the_round_page_costs_the_same_queries_at_30_and_300_students(people, page_client, query):
    small = make_round(people, phase=Phase.REVIEW)
    _crowd(people, small, 30)
    client = page_client(people.bos)
    if "NEXT" in query.values():
        # A place in the middle of the list: after (or before) the 10th student by name.
        tenth = StudentCursor("Zz0010", "Student0010", 10**9).encode()
        query = dict.fromkeys(query, tenth)
    at_30 = _page_queries(client, small, **query)
    _crowd(people, small, 270, start=30)
    at_300 = _page_queries(client, small, **query)
    assert len(at_300) == len(at_30), "\n".join(at_300)
    assert len(at_300) <= 30


def test_no_round_page_view_reads_a_runs_problem_or_result(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    assert allocation_round.applied_run_id
    table = AllocationRun._meta.db_table
    client = page_client(people.bos)
    for name, args in (
        ("frontend:round-detail", [allocation_round.pk]),
        ("frontend:round-run-progress", [allocation_round.pk, allocation_round.applied_run_id]),
        ("frontend:round-objections", [allocation_round.pk]),
        ("frontend:round-assignment", [allocation_round.pk, people.sanne.pk]),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=args)).status_code == 200
        run_reads = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
        for sql in run_reads:
            assert f'"{table}"."problem"' not in sql, (name, sql)
            assert f'"{table}"."result"' not in sql, (name, sql)
    # The metrics are still shown (they are a small column of their own).
    page = _detail(client, allocation_round)
    assert "Oorspronkelijk voorstel van run" in page


def test_the_csv_lists_everyone_with_a_reason_for_those_without_a_place(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    late = User.objects.create(email="laat@vista.test", first_name="Laat", last_name="Kiezer")
    StudentEnrolment.objects.create(
        student=late,
        school=people.vista,
        kwalificatie=people.ict_niveau2,
        student_number="L1",
        cohort=2025,
        leerweg=Leerweg.BOL,
    )
    response = page_client(people.devries).get(
        reverse("frontend:round-export", args=[allocation_round.pk, "challenge"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "uitdaging",
        "bedrijf",
        "klas",
        "studentnummer",
        "voornaam",
        "achternaam",
        "opleiding",
        "niveau",
        "keus",
        "bron",
        "reden niet ingedeeld",
    ]
    by_name = {row[4]: row for row in rows[1:]}
    participants = StudentEnrolment.objects.filter(school=people.vista).count()
    assert len(rows) - 1 == participants == 5
    waiting = [
        row for row in rows[1:] if row[0] == ""
    ]  # the webshop has 1 place and the app 2: one of the four choosers waits, and Laat
    assert {row[4] for row in waiting} >= {"Laat"}
    assert len(waiting) == 2
    assert by_name["Laat"][9] == ""  # no source without a placement
    assert by_name["Laat"][10] == "geen keuzes ingeleverd"
    chooser = next(row for row in waiting if row[4] != "Laat")
    assert chooser[10] == "alle keuzes waren vol"
    # The placed come first, grouped per challenge; their source is a word, never a slug.
    assert rows[-1][0] == ""
    assert rows[1][0] != ""
    assert {row[9] for row in rows[1:] if row[0]} == {"matcher"}
    # English readers get English headers.
    english = page_client(people.devries).get(
        reverse("frontend:round-export", args=[allocation_round.pk, "class"]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.status_code == 200


def test_the_new_round_form_offers_only_challenges_the_coordinators_rounds_may_hold(
    people, page_client
):
    """The school's own published challenges and (the consortium rule in allocations access)
    those of the consortium Vista shares with Gilde; never a school's outside it, nor a draft,
    and a posted foreign id is refused by the form and by the service behind it."""
    own = OfferFactory(
        owner=people.pixel,
        contact=people.eva,
        status=OfferStatus.PUBLISHED,
        title="Eigen uitdaging",
        schools=[people.vista],
    )
    foreign = OfferFactory(
        owner=people.bakkerij,
        contact=people.jan,
        status=OfferStatus.PUBLISHED,
        title="Uitdaging van Rijn IJssel",
        schools=[SchoolFactory(name="Rijn IJssel")],
    )
    draft = OfferFactory(
        owner=people.bakkerij,
        contact=people.jan,
        status=OfferStatus.DRAFT,
        title="Concept van Vista",
        schools=[people.vista],
    )
    gilde = OfferFactory(
        owner=people.bakkerij,
        contact=people.jan,
        status=OfferStatus.PUBLISHED,
        title="Uitdaging van Gilde",
        schools=[people.gilde],
    )
    client = page_client(people.bos)
    form = client.get(reverse("frontend:round-create")).content.decode()
    assert "Eigen uitdaging" in form
    assert "Uitdaging van Gilde" in form  # for a Digiwise consortium round
    assert "Rijn IJssel" not in form
    assert f'value="{foreign.pk}"' not in form
    assert "Concept van Vista" not in form
    data = {
        "name": "Blok 5",
        "school": people.vista.pk,
        "challenges": [own.pk],
        "min_choices": 1,
        "max_choices": 3,
        "choices_close_at": "2030-03-01T12:00",
        "objections_close_at": "2030-03-15T12:00",
    }
    for wrong in (foreign.pk, draft.pk, 999999999):
        response = client.post(
            reverse("frontend:round-create"), {**data, "challenges": [own.pk, wrong]}
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert f"Selecteer een geldige keuze. {wrong} is geen beschikbare keuze." in body
        assert "Rijn IJssel" not in body
    # Gilde's challenge is listed for a consortium round; a Vista school round refuses it and
    # says which id and why.
    response = client.post(reverse("frontend:round-create"), {**data, "challenges": [gilde.pk]})
    assert response.status_code == 200
    assert f"Deze uitdagingen bestaan niet of horen niet bij deze ronde: {gilde.pk}." in (
        response.content.decode()
    )
    assert not AllocationRound.objects.filter(name="Blok 5").exists()
    response = client.post(
        reverse("frontend:round-create"),
        {**data, "school": "", "consortium": people.consortium.pk, "challenges": [gilde.pk]},
    )
    assert response.status_code == 302
    assert list(AllocationRound.objects.get(name="Blok 5").challenges.all()) == [gilde]
    response = client.post(
        reverse("frontend:round-create"), {**data, "name": "Blok 6", "challenges": [own.pk]}
    )
    assert response.status_code == 302
    assert list(AllocationRound.objects.get(name="Blok 6").challenges.all()) == [own]


def test_the_objection_form_offers_neither_the_current_nor_a_full_challenge(people, page_client):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    webshop, app = allocation_round.webshop, allocation_round.app
    third = OfferFactory(
        owner=people.pixel,
        contact=people.eva,
        status=OfferStatus.PUBLISHED,
        title="Dashboard voor Pixelfabriek",
        max_students=3,
        schools=[people.vista],
    )
    RoundChallenge.objects.create(round=allocation_round, offer=third)
    on_app = Assignment.objects.filter(round=allocation_round, offer=app).first().student
    objection = services.objection_submit(
        allocation_round=allocation_round, student=on_app, reason="Liever iets anders"
    )
    client = page_client(people.bos)
    page = client.get(
        reverse("frontend:round-objections", args=[allocation_round.pk])
    ).content.decode()
    select = re.search(rf'<select name="offer" id="offer-{objection.pk}".*?</select>', page, re.S)
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)">', select.group(0))}
    # The app is where the student is now; the webshop's one place is taken.
    assert offered == {third.pk}
    assert "Dashboard voor Pixelfabriek — Pixelfabriek (3 plaatsen vrij)" in page
    url = reverse("frontend:round-objection-decide", args=[allocation_round.pk, objection.pk])
    # Posting the current challenge anyway is refused with a reason; nothing changes.
    response = client.post(url, {"decision": "accept", "offer": app.pk}, follow=True)
    assert (
        f"{on_app.first_name} is al ingedeeld bij &#x27;App voor Pixelfabriek&#x27;."
        in response.content.decode()
    )
    objection.refresh_from_db()
    assert objection.status == "open"
    # A full one too.
    response = client.post(url, {"decision": "accept", "offer": webshop.pk}, follow=True)
    assert "Deze uitdaging is vol: 1 van 1 plaatsen bezet." in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == "open"
    response = client.post(url, {"decision": "accept", "offer": third.pk})
    objection.refresh_from_db()
    assert objection.status == "accepted"
    assert Assignment.objects.get(round=allocation_round, student=on_app).offer == third


def _confirm(page, action_fragment):
    """The data-confirm question of the form posting to `action_fragment`."""
    found = re.search(
        rf'<form method="post" action="[^"]*{re.escape(action_fragment)}"[^>]*data-confirm="([^"]+)"'
        rf'[^>]*data-confirm-label="([^"]+)"',
        page,
    )
    assert found, action_fragment
    return found.groups()


def test_irreversible_round_actions_ask_first_and_say_what_happens(people, page_client):
    client = page_client(people.bos)
    choosing = make_round(people)
    page = _detail(client, choosing)
    question, label = _confirm(page, "/action/close-choices/")
    assert question == (
        "Keuzes nu sluiten? 4 studenten kunnen daarna hun keuzes niet meer aanpassen. "
        "Dit kan niet ongedaan worden gemaakt."
    )
    assert label == "Keuzes sluiten"

    review = make_round(people, phase=Phase.REVIEW)
    page = _detail(client, review)
    question, label = _confirm(page, "/action/publish/")
    assert question == (
        "Publiceren stuurt 4 studenten hun plaatsing. Dit kan niet ongedaan worden gemaakt."
    )
    assert label == "Publiceren"
    question, label = _confirm(page, "/runs/start/")
    assert "vervangt die de huidige indeling" in question
    assert label == "Nieuwe indeling starten"
    # A second run that is not applied can be applied, after a question.
    services.allocation_run_execute(
        run_id=services.allocation_run_start(allocation_round=review, actor=people.bos).pk
    )
    earlier = review.run
    page = _detail(client, review)
    question, label = _confirm(page, f"/runs/{earlier.pk}/apply/")
    assert question.startswith(f"Run {earlier.pk} toepassen?")
    assert label == "Toepassen"

    published = make_round(people, phase=Phase.PUBLISHED)
    page = _detail(client, published)
    question, label = _confirm(page, "/action/close/")
    assert "Dit kan niet ongedaan worden gemaakt." in question


def test_each_challenge_is_on_the_page_once_not_once_per_row(people, page_client, monkeypatch):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    _crowd(people, allocation_round, 120)
    client = page_client(people.bos)
    page = _detail(client, allocation_round)
    # No challenge menu per row: the filter's one menu (2 challenges), statuses and ranks, and
    # the challenge list's places menu. (Plus the run modes and the site's own menus: well
    # under one per row.)
    assert page.count("<option") <= (1 + 2) + (1 + 4) + (1 + 2 + 1) + (1 + 3) + 2 + 4
    assert page.count("App voor Pixelfabriek</option>") == 1
    # A round with more challenges than a menu can hold is filtered from its list of
    # challenges; the chosen one stays in the form as a hidden field.
    monkeypatch.setattr("frontend.views.rounds.coordinator.CHALLENGE_SELECT_MAX", 1)
    page = _detail(client, allocation_round)
    assert '<select name="challenge"' not in page
    webshop = allocation_round.webshop.pk
    assert (
        f'<a href="/rounds/{allocation_round.pk}/?challenge={webshop}#assignments">studenten'
        in (page)
    )
    page = _detail(client, allocation_round, challenge=str(webshop), status="assigned")
    assert f'<input type="hidden" name="challenge" value="{webshop}">' in page
    assert "Uitdaging: Webshop voor Bakkerij Jansen" in page
    assert (
        f'href="/rounds/{allocation_round.pk}/?status=assigned#assignments">alle uitdagingen'
        in page
    )
    on_webshop = Assignment.objects.filter(round=allocation_round, offer_id=webshop).count()
    assert _total(page) == on_webshop


def test_a_refused_override_goes_back_to_the_students_page_keeping_the_place(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    on_app = Assignment.objects.filter(round=allocation_round, offer=allocation_round.app).first()
    here = reverse("frontend:round-detail", args=[allocation_round.pk]) + "?q=Sanne#student-1"
    client = page_client(people.bos)
    response = client.post(
        reverse(
            "frontend:round-assignment-action",
            args=[allocation_round.pk, on_app.student_id, "override"],
        ),
        {"offer": allocation_round.webshop.pk, "next": here, "form": "assignment"},
        follow=True,
    )
    edit = reverse("frontend:round-assignment", args=[allocation_round.pk, on_app.student_id])
    assert response.redirect_chain[0][0].startswith(f"{edit}?next=")
    page = response.content.decode()
    assert "Deze uitdaging is vol: 1 van 1 plaatsen bezet." in page
    assert f'name="next" value="{here.replace("&", "&amp;")}"' in page
    assert Assignment.objects.get(pk=on_app.pk).offer == allocation_round.app
