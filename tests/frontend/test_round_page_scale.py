"""Issue 17, the coordinator's round page: the list of the round's challenges is paged (25 at a
time) and filtered in the database, each challenge with its places and choices counted for the
page only; the page's size and its number of queries stay the same however many challenges
and students the round has, in both phases. The objections page is paged with keyset links."""

import datetime as dt
import html
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
    Assignment,
    AssignmentSource,
    Objection,
    ObjectionStatus,
    Phase,
    RoundChallenge,
)
from backend.offers.models import OfferStatus
from tests.allocation_rounds import make_round
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _challenges(people, allocation_round, n, *, start=0):
    """`n` more challenges in the round, "Uitdaging 000".. by Pixelfabriek, 3 places each."""
    offers = [
        OfferFactory(
            owner=people.pixel,
            contact=people.eva,
            title=f"Uitdaging {start + i:03d}",
            status=OfferStatus.PUBLISHED,
            max_students=3,
            schools=[people.vista],
        )
        for i in range(n)
    ]
    RoundChallenge.objects.bulk_create(
        [RoundChallenge(round=allocation_round, offer=offer) for offer in offers]
    )
    return offers


def _students(people, n, *, start=0):
    users = User.objects.bulk_create(
        [
            User(
                email=f"schaal{start + i}@vista.test",
                first_name=f"Schaal{start + i:04d}",
                last_name=f"Yy{start + i:04d}",
                password="!",
            )
            for i in range(n)
        ]
    )
    StudentEnrolment.objects.bulk_create(
        [
            StudentEnrolment(
                student=user,
                school=people.vista,
                kwalificatie=people.ict_niveau2,
                student_number=f"SCHAAL{start + i:06d}",
                cohort=2025,
                leerweg=Leerweg.BOL,
            )
            for i, user in enumerate(users)
        ]
    )
    return users


def _detail(client, allocation_round, **query):
    response = client.get(reverse("frontend:round-detail", args=[allocation_round.pk]), query)
    assert response.status_code == 200
    return response


def _lines(page):
    """{offer id: the text of its line} in the list of the round's challenges."""
    return {
        int(pk): html.unescape(text).strip()
        for pk, text in re.findall(r'<li data-offer="(\d+)">([^<]*)', page)
    }


def _challenge_link(page, rel):
    found = re.search(rf'<a href="/rounds/\d+/\?([^"#]*)#challenges" rel="{rel}">', page)
    return dict(parse_qsl(html.unescape(found.group(1)))) if found else None


def test_the_challenges_are_listed_25_a_page_with_their_choices(people, page_client):
    allocation_round = make_round(people)  # choosing
    offers = _challenges(people, allocation_round, 60)
    # Three students chose "Uitdaging 030" (two of them first), one chose the webshop.
    for user, chosen in (
        (people.sanne, [offers[30], allocation_round.webshop]),
        (people.extra[0], [offers[30]]),
        (people.extra[1], [offers[31], offers[30]]),
    ):
        services.choice_list_submit(
            allocation_round=allocation_round,
            student=user,
            offer_ids=[offer.pk for offer in chosen],
            now=timezone.now(),
        )
    client = page_client(people.bos)
    page = _detail(client, allocation_round).content.decode()
    lines = _lines(page)
    # While students choose, the most chosen first (the stored counts), then by title: page 1
    # of 3 holds the three chosen ones, the App and "Uitdaging 000".."Uitdaging 020".
    titles = ["Uitdaging 030", "Uitdaging 031", "Webshop voor Bakkerij Jansen"]
    titles += ["App voor Pixelfabriek"] + [f"Uitdaging {i:03d}" for i in range(21)]
    assert [text.split(" — ")[0] for text in lines.values()] == titles
    assert 'id="challenges-range">1–25 van 62 · meest gekozen eerst' in page
    assert "Pagina 1 van 3" in page
    assert _challenge_link(page, "prev") is None
    assert lines[offers[30].pk] == (
        "Uitdaging 030 — Pixelfabriek (3 plaatsen) · 3 studenten kozen deze"
    )
    assert lines[offers[31].pk].endswith("· 1 student koos deze")
    assert lines[allocation_round.webshop.pk] == (
        "Webshop voor Bakkerij Jansen — Bakkerij Jansen (1 plaats) · 1 student koos deze"
    )
    second = _detail(client, allocation_round, **_challenge_link(page, "next")).content.decode()
    lines = _lines(second)
    assert lines[offers[24].pk].endswith("· 0 studenten kozen deze")
    assert offers[30].pk not in lines
    assert 'id="challenges-range">26–50 van 62' in second
    last = _detail(client, allocation_round, cpage="3").content.decode()
    assert 'id="challenges-range">51–62 van 62' in last
    assert [text.split(" — ")[0] for text in _lines(last).values()] == [
        f"Uitdaging {i:03d}" for i in range(48, 60)
    ]
    assert _challenge_link(last, "next") is None
    # The students' challenge menu is gone for a round this large: each line links instead.
    assert '<select name="challenge"' not in page


def test_the_challenge_list_filters_and_keeps_the_students_place(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    offers = _challenges(people, allocation_round, 40)
    client = page_client(people.bos)

    def shown(**query):
        return set(_lines(_detail(client, allocation_round, **query).content.decode()))

    assert shown(cq="uitdaging 01") == {offer.pk for offer in offers[10:20]}
    assert shown(cq="BAKKERIJ") == {allocation_round.webshop.pk}  # the company's name
    assert shown(host=str(people.bakkerij.pk)) == {allocation_round.webshop.pk}
    on = Assignment.objects.filter(round=allocation_round)
    full = {allocation_round.webshop.pk} if on.filter(offer=allocation_round.webshop) else set()
    if on.filter(offer=allocation_round.app).count() >= 2:
        full.add(allocation_round.app.pk)
    assert shown(fill="full") == full
    assert len(shown(fill="room")) == min(25, 42 - len(full))
    nobody = {offer.pk for offer in offers}  # the four students chose webshop and app only
    assert shown(fill="unchosen", cq="Uitdaging 00") == {o.pk for o in offers[:10]} & nobody
    assert shown(fill="unchosen", cq="voor") == set()
    # The company filter says which company and how to drop it; the students' filters stay.
    page = _detail(client, allocation_round, host=str(people.bakkerij.pk), status="assigned")
    body = page.content.decode()
    assert "Bedrijf: Bakkerij Jansen" in body
    assert f'href="/rounds/{allocation_round.pk}/?status=assigned#challenges">alle bedrijven' in (
        body
    )
    assert '<input type="hidden" name="status" value="assigned">' in body
    # Paging the challenges keeps the students' filter, and the other way round.
    page = _detail(client, allocation_round, status="assigned", fill="room").content.decode()
    assert _challenge_link(page, "next") == {"status": "assigned", "fill": "room", "cpage": "2"}
    assert '<input type="hidden" name="fill" value="room">' in page


def _page_cost(client, allocation_round, **query):
    with CaptureQueriesContext(connection) as queries:
        response = _detail(client, allocation_round, **query)
    return len(queries), len(response.content)


@pytest.mark.parametrize("phase", [Phase.CHOOSING, Phase.REVIEW])
@pytest.mark.parametrize(
    "query", [{}, {"cpage": "2"}, {"fill": "room"}, {"cq": "Uitdaging"}], ids=lambda q: str(q)
)
def test_the_page_costs_the_same_at_64_and_164_students_and_72_and_132_challenges(
    people, page_client, phase, query
):
    """The same number of queries, and a response of (nearly) the same size: the page shows 25
    challenges and 50 students however many the round has. (Both sizes are above the 60
    challenges up to which the students' filter is a menu, and above a page of students.)"""
    allocation_round = make_round(people, phase=phase)
    _challenges(people, allocation_round, 70)
    _students(people, 60)
    client = page_client(people.bos)
    queries_small, size_small = _page_cost(client, allocation_round, **query)
    _challenges(people, allocation_round, 60, start=70)
    users = _students(people, 100, start=60)
    if phase == Phase.REVIEW:
        Assignment.objects.bulk_create(
            [
                Assignment(
                    round=allocation_round,
                    student=user,
                    offer=allocation_round.app,
                    source=AssignmentSource.OVERRIDE,
                    changed_at=timezone.now(),
                )
                for user in users[:5]
            ]
        )
    queries_large, size_large = _page_cost(client, allocation_round, **query)
    assert queries_large == queries_small
    # Larger numbers in the figures, a name or two longer: never a line per challenge more.
    assert abs(size_large - size_small) < 2_000, (size_small, size_large)


# -- the objections page -------------------------------------------------------------------------


def _objections(people, allocation_round, n):
    """`n` objections, one a student, a minute apart (the oldest first), every third decided."""
    users = _students(people, n, start=500)
    at = timezone.now() - dt.timedelta(days=1)
    return Objection.objects.bulk_create(
        [
            Objection(
                round=allocation_round,
                student=user,
                reason=f"Reden {i:03d}",
                created_at=at + dt.timedelta(minutes=i),
                status=ObjectionStatus.DECLINED if i % 3 == 2 else ObjectionStatus.OPEN,
                answer="Nee" if i % 3 == 2 else "",
                decided_at=at if i % 3 == 2 else None,
            )
            for i, user in enumerate(users)
        ]
    )


def _objection_ids(page):
    return [int(pk) for pk in re.findall(r'<article class="card" id="objection-(\d+)">', page)]


def _objection_link(page, rel):
    found = re.search(rf'<a href="/rounds/\d+/objections/\?([^"]*)" rel="{rel}">', page)
    return dict(parse_qsl(html.unescape(found.group(1)))) if found else None


def _objections_page(client, allocation_round, **query):
    response = client.get(reverse("frontend:round-objections", args=[allocation_round.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_objections_are_paged_oldest_first_with_keyset_links(people, page_client):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    objections = _objections(people, allocation_round, 60)
    ids = [o.pk for o in objections]
    client = page_client(people.bos)
    first = _objections_page(client, allocation_round)
    assert _objection_ids(first) == ids[:25]
    assert "40 open bezwaren" in first
    assert _objection_link(first, "prev") is None
    second = _objections_page(client, allocation_round, **_objection_link(first, "next"))
    assert _objection_ids(second) == ids[25:50]
    last = _objections_page(client, allocation_round, **_objection_link(second, "next"))
    assert _objection_ids(last) == ids[50:]
    assert _objection_link(last, "next") is None
    back = _objections_page(client, allocation_round, **_objection_link(last, "prev"))
    assert _objection_ids(back) == ids[25:50]
    assert _objection_link(back, "next") == _objection_link(first, "next") | {
        "after": _objection_link(second, "next")["after"]
    }
    start = _objections_page(client, allocation_round, **_objection_link(back, "prev"))
    assert _objection_ids(start) == ids[:25]
    # The status filter stays in the links.
    declined = [o.pk for o in objections if o.status == ObjectionStatus.DECLINED]
    page = _objections_page(client, allocation_round, status="declined")
    assert _objection_ids(page) == declined
    open_ids = [o.pk for o in objections if o.is_open]
    page = _objections_page(client, allocation_round, status="open")
    assert _objection_ids(page) == open_ids[:25]
    assert _objection_link(page, "next")["status"] == "open"
    page = _objections_page(client, allocation_round, **_objection_link(page, "next"))
    assert _objection_ids(page) == open_ids[25:]


@pytest.mark.parametrize(
    "query",
    [
        {"after": "abc"},
        {"after": "-1.5"},
        {"after": "1.x"},
        {"after": "9" * 19 + ".1"},
        {"after": "99999999999999999.1"},
        {"before": "²"},
        {"before": ""},
        {"status": "evil"},
    ],
)
def test_bad_objection_paging_input_shows_the_first_page(people, page_client, query):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    objections = _objections(people, allocation_round, 30)
    page = _objections_page(page_client(people.bos), allocation_round, **query)
    assert _objection_ids(page) == [o.pk for o in objections[:25]]


def test_the_objections_page_costs_the_same_at_10_and_60_objections(people, page_client):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    _challenges(people, allocation_round, 40)
    client = page_client(people.bos)
    url = reverse("frontend:round-objections", args=[allocation_round.pk])
    Objection.objects.bulk_create(
        [
            Objection(round=allocation_round, student=user, reason="x", created_at=timezone.now())
            for user in _students(people, 10, start=900)
        ]
    )
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    Objection.objects.bulk_create(
        [
            Objection(round=allocation_round, student=user, reason="x", created_at=timezone.now())
            for user in _students(people, 50, start=950)
        ]
    )
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small)
    body = response.content.decode()
    # Each open objection's menu: at most 30 challenges with room, searched by title.
    menu = re.search(r'<select name="offer" id="offer-\d+".*?</select>', body, re.S).group(0)
    assert menu.count("<option") == 1 + 30
    assert "Zoek haar boven aan de pagina" in body
    body = client.get(url, {"doel": "uitdaging 03"}).content.decode()
    menu = re.search(r'<select name="offer" id="offer-\d+".*?</select>', body, re.S).group(0)
    assert re.findall(r"Uitdaging (\d+) —", menu) == [f"{i:03d}" for i in range(30, 40)]


def test_the_override_menu_lists_at_most_30_challenges_and_searches_the_rest(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    _challenges(people, allocation_round, 70)
    client = page_client(people.bos)
    url = reverse("frontend:round-assignment", args=[allocation_round.pk, people.sanne.pk])
    body = client.get(url).content.decode()
    menu = re.search(r'<select name="offer" id="id_offer".*?</select>', body, re.S).group(0)
    assert menu.count("<option") == 1 + 30
    assert "De lijst toont de eerste 30 uitdagingen" in body
    body = client.get(url, {"doel": "Uitdaging 06"}).content.decode()
    menu = re.search(r'<select name="offer" id="id_offer".*?</select>', body, re.S).group(0)
    assert re.findall(r"Uitdaging (\d+) —", menu) == [f"{i:03d}" for i in range(60, 70)]
    assert "De lijst toont de eerste" not in body
    assert 'value="Uitdaging 06"' in body


# -- the students without a place ----------------------------------------------------------------


def _unassigned(client, allocation_round, **query):
    response = client.get(reverse("frontend:round-unassigned", args=[allocation_round.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def _unassigned_link(page, rel):
    found = re.search(rf'<a href="/rounds/\d+/unassigned/\?([^"]*)" rel="{rel}">', page)
    return dict(parse_qsl(html.unescape(found.group(1)))) if found else None


def test_the_students_without_a_place_are_paged_with_30_options_each(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    _challenges(people, allocation_round, 40)
    _students(people, 40)
    waiting = list(
        StudentEnrolment.objects.filter(school=people.vista)
        .exclude(student__in=Assignment.objects.filter(round=allocation_round).values("student"))
        .order_by("student__last_name", "student__first_name", "student_id")
        .values_list("student_id", flat=True)
    )
    assert len(waiting) == 41
    client = page_client(people.bos)
    first = _unassigned(client, allocation_round)
    assert "41 studenten gevonden" in first
    rows = [int(pk) for pk in re.findall(r'<tr id="student-(\d+)">', first)]
    assert rows == waiting[:25]
    menu = re.search(r'<select name="offer" id="place-\d+">.*?</select>', first, re.S).group(0)
    assert menu.count("<option") == 30
    # The place to come back to after placing someone is this page.
    assert f'name="next" value="/rounds/{allocation_round.pk}/unassigned/"' in first
    second = _unassigned(client, allocation_round, **_unassigned_link(first, "next"))
    assert [int(pk) for pk in re.findall(r'<tr id="student-(\d+)">', second)] == waiting[25:]
    assert _unassigned_link(second, "next") is None
    back = _unassigned(client, allocation_round, **_unassigned_link(second, "prev"))
    assert [int(pk) for pk in re.findall(r'<tr id="student-(\d+)">', back)] == waiting[:25]
    # Searched: only the matching challenges with room.
    found = _unassigned(client, allocation_round, doel="Uitdaging 03")
    menu = re.search(r'<select name="offer" id="place-\d+">.*?</select>', found, re.S).group(0)
    assert re.findall(r"Uitdaging (\d+) \(", menu) == [f"{i:03d}" for i in range(30, 40)]
    assert _unassigned_link(found, "next")["doel"] == "Uitdaging 03"
    # Garbage is the first page.
    assert "41 studenten gevonden" in _unassigned(client, allocation_round, after="%%%")


def test_the_unassigned_page_costs_the_same_at_10_and_60_waiting(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    _challenges(people, allocation_round, 40)
    _students(people, 10)
    client = page_client(people.bos)
    url = reverse("frontend:round-unassigned", args=[allocation_round.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _students(people, 50, start=10)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
