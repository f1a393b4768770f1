"""One world for the route × role permission matrix, built once per test module.

Building the cast, rounds in every phase, an agreement, bookings and meetings takes about a
second; doing that for each of ~1,800 (route, role) pairs would take half an hour. So the world
is built once inside an outer transaction (rolled back at the end of the module) and every single
request runs inside its own savepoint, rolled back afterwards: each request sees the same
untouched world, and a request that should have been refused cannot hide another one's effect.
"""

import contextlib
import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.models import Role
from backend.agreements import services as agreements
from backend.agreements.models import CollectiveMember
from backend.allocations import services as allocations
from backend.engagement import services as engagement
from backend.offers.models import OfferStatus
from backend.organisations.models import Organisation, OrganisationKind
from tests.backend.accounts.people import people_for
from tests.backend.permission_matrix import SAFE_METHODS, Case, client_as, verdict
from tests.conftest import build_cast
from tests.factories import OfferFactory, SchoolFactory, UserFactory, member, student

# The roles of accounts/people.py plus the other side of every tenant boundary: a contact of
# another company (Eva, Pixelfabriek), a student of another school (Ahmed, Gilde), a coordinator
# of a school outside the consortium (Summa) and a platform staff member (a Koppel employee with
# is_staff, who may do most things).
ROLES = [
    "student",
    "teacher",
    "coach",
    "coordinator",
    "company_contact",
    "programme_lead",
    "institution_admin",
    "anonymous",
    "other_school_staff",
    "other_company_contact",
    "other_school_student",
    "other_consortium_staff",
    "staff",
]
SIGNED_IN = set(ROLES) - {"anonymous"}
VISTA_STAFF = {"teacher", "coach", "coordinator", "programme_lead", "institution_admin"}
VISTA_MANAGERS = {"coordinator", "programme_lead", "institution_admin"}

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _published(cast, owner, contact, title, **fields):
    return OfferFactory(
        owner=owner,
        contact=contact,
        title=title,
        status=OfferStatus.PUBLISHED,
        schools=[cast.vista],
        **fields,
    )


def _round(w, name, now):
    return allocations.allocation_round_create(
        actor=w.bos,
        name=name,
        period="2026-2027 blok 3",
        school=w.vista,
        challenges=[w.webshop, w.app],
        min_choices=1,
        max_choices=2,
        choices_close_at=now + dt.timedelta(days=7),
        objections_close_at=now + dt.timedelta(days=21),
        now=now,
    )


def _run(w, round_):
    run = allocations.allocation_run_start(allocation_round=round_, actor=w.bos)
    allocations.allocation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _allocations(w, now):
    """Rounds of Vista in each phase: preparing, choosing, review (two runs) and published with
    Sanne's open objection."""
    w.webshop = _published(w, w.bakkerij, w.jan, "Webshop", max_students=1)
    w.app = _published(w, w.pixel, w.eva, "App", max_students=2)
    w.classmate = student(school=w.vista, kwalificatie=w.ict_niveau2, first_name="Lotte")
    w.round_preparing = _round(w, "Voorbereiding", now)
    w.round_choosing = _round(w, "Kiezen", now)
    allocations.allocation_round_open_choosing(
        allocation_round=w.round_choosing, actor=w.bos, now=now
    )
    allocations.choice_list_submit(
        allocation_round=w.round_choosing, student=w.sanne, offer_ids=[w.webshop.pk], now=now
    )
    w.round_review, w.run = _reviewed_round(w, "Review", now)
    w.other_run = _run(w, w.round_review)
    w.round_published, _ = _reviewed_round(w, "Gepubliceerd", now)
    allocations.allocation_round_publish(allocation_round=w.round_published, actor=w.bos, now=now)
    w.objection = allocations.objection_submit(
        allocation_round=w.round_published, student=w.sanne, reason="Ik wil de app bouwen", now=now
    )


def _reviewed_round(w, name, now):
    round_ = _round(w, name, now)
    allocations.allocation_round_open_choosing(allocation_round=round_, actor=w.bos, now=now)
    for user in (w.sanne, w.classmate):
        allocations.choice_list_submit(
            allocation_round=round_, student=user, offer_ids=[w.webshop.pk, w.app.pk], now=now
        )
    allocations.allocation_round_close_choosing(allocation_round=round_, actor=w.bos, now=now)
    run = _run(w, round_)
    round_.refresh_from_db()
    assert round_.phase == "review", run.error
    return round_, run


def _agreements(w, now):
    """A proposed agreement between Vista and Bakkerij Jansen about the webshop, with Sanne as
    participant and one commitment of Jan; a pledge in the consortium's co-financing ledger; a
    collective of companies."""
    w.agreement = agreements.agreement_create_from_offer(
        offer=w.webshop, school=w.vista, actor=w.bos, now=now
    )
    # The offer states no hours or deliverables: filled in before it is sent (see sending.py).
    agreements.agreement_change(
        agreement=w.agreement, actor=w.bos, now=now, mentoring_hours=8, deliverables="een webshop"
    )
    agreements.agreement_propose(agreement=w.agreement, actor=w.bos, now=now)
    agreements.agreement_set_participants(
        agreement=w.agreement, students=[w.sanne], actor=w.bos, now=now
    )
    w.commitment = agreements.commitment_create(
        agreement=w.agreement,
        actor=w.bos,
        owner=w.jan,
        title="Begeleiding week 1",
        due_on=(now + dt.timedelta(days=14)).date(),
        now=now,
    )
    w.funder = Organisation.objects.create(name="Provincie Limburg", kind=OrganisationKind.FUNDER)
    w.pledge = agreements.pledge_create(
        consortium=w.consortium,
        partner=w.vista,
        funder=w.funder,
        kind="cash",
        actor=w.bos,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        amount=1000,
    )
    w.collective = Organisation.objects.create(
        name="Ondernemend Parkstad", kind=OrganisationKind.COLLECTIVE
    )
    CollectiveMember.objects.create(
        collective=w.collective, company=w.bakkerij, joined_on=dt.date(2026, 1, 1)
    )


def _engagement(w, now):
    """Jan as a guest-lesson expert; De Vries' booking request for him; a meet & match day with
    Bakkerij's table and Sanne's slot; a three-way meeting of teacher Theo with Sanne and Jan."""
    w.expert = engagement.expert_profile_create(
        actor=w.jan,
        user=w.jan,
        organisation=w.bakkerij,
        data={
            "headline": "Brood en websites",
            "formats": ["guest_lesson"],
            "languages": ["nl"],
            "schools": [w.vista],
        },
    )
    starts = (now + dt.timedelta(days=30)).replace(hour=10, minute=0, second=0, microsecond=0)
    w.booking = engagement.booking_request(
        actor=w.devries,
        expert=w.expert,
        school=w.vista,
        starts_at=starts,
        duration_minutes=60,
        group="ICT2A",
        topic="Webshops",
        location="Lokaal 1",
        now=now,
    )
    w.event = engagement.event_create(
        actor=w.bos,
        school=w.vista,
        consortium=w.consortium,
        kind="meet_and_match",
        title="Meet & match",
        location="Aula",
        starts_at=starts + dt.timedelta(days=1),
        ends_at=starts + dt.timedelta(days=1, hours=1),
        slot_minutes=10,
    )
    w.table = engagement.event_table_register(
        actor=w.jan, event=w.event, company=w.bakkerij, capacity=2, now=now
    )
    w.slots = list(w.event.slots.all())
    w.event_booking = engagement.event_book_slot(
        actor=w.sanne, slot=w.slots[0], table=w.table, now=now
    )
    w.meeting = engagement.meeting_schedule(
        actor=w.people.teacher,
        kind="three_way",
        title="Driegesprek Sanne",
        starts_at=starts + dt.timedelta(days=2),
        ends_at=starts + dt.timedelta(days=2, hours=1),
        participants=[w.sanne, w.jan],
        now=now,
        school=w.vista,
    )
    w.feed = engagement.calendar_feed_regenerate(user=w.jan)


def build_world() -> SimpleNamespace:
    now = timezone.now()
    w = build_cast()
    w.now = now
    w.people = people_for(w)
    w.people.other_company_contact = w.eva
    w.people.other_school_student = w.ahmed
    summa = SchoolFactory(name="Summa College", brin="30GB")
    w.people.other_consortium_staff = member(
        UserFactory(first_name="Olga", last_name="Summa"), summa, Role.COORDINATOR
    )
    w.people.staff = UserFactory(first_name="Koen", last_name="Koppel", is_staff=True)
    _allocations(w, now)
    _agreements(w, now)
    _engagement(w, now)
    return w


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The world, shared by every test of the module and rolled back after it. (Tests using it
    need the `django_db` mark: pytest-django only creates the test database for such tests.)"""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def matrix_rollback(matrix_world, django_db_blocker):
    """`with matrix_rollback():` runs a block against the world and undoes everything it wrote."""

    @contextlib.contextmanager
    def block():
        cache.clear()  # throttles and lock-outs count per test, not across the matrix
        with django_db_blocker.unblock(), transaction.atomic():
            yield
            transaction.set_rollback(True)

    return block


WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def lasting_writes(statements) -> list[str]:
    """The INSERT/UPDATE/DELETE statements that were not undone by a rollback to a savepoint
    (a service that writes, then raises inside its atomic block, wrote nothing that lasts)."""
    levels: list[list[str]] = [[]]
    for sql in statements:
        verb = sql.lstrip().upper()
        if verb.startswith("SAVEPOINT"):
            levels.append([])
        elif verb.startswith("ROLLBACK TO SAVEPOINT") and len(levels) > 1:
            levels.pop()
        elif verb.startswith("RELEASE SAVEPOINT") and len(levels) > 1:
            done = levels.pop()
            levels[-1].extend(done)
        elif WRITE.match(sql):
            levels[-1].append(sql[:120])
    return [sql for level in levels for sql in level]


def snapshot_apps(*labels: str) -> dict[str, list[dict]]:
    """Every row of every model of the apps `labels`, to prove a refused request wrote nothing."""
    rows = {}
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def check_role(world, case: Case, role: str) -> str | None:
    """Send `case` as `role` against the world (call inside `rollback()`); why it is wrong.

    A refused write must leave its app's tables exactly as they were (every row compared) and
    must not have written anything anywhere: no INSERT, UPDATE or DELETE reached the database,
    so it cannot even have queued a task or an e-mail in the outbox."""
    url, data = case.url(world), case.data(world)
    guard = case.method not in SAFE_METHODS and role not in case.allowed
    before = snapshot_apps(*case.apps) if guard else None
    with CaptureQueriesContext(connection) as queries:
        response = case.send(client_as(world.people, role), url, data)
    if wrong := verdict(case, role, response):
        body = response.content[:300].decode(errors="replace")
        return f"{role}: {wrong} ({body})"
    if not guard or response.status_code < 400:
        return None
    if snapshot_apps(*case.apps) != before:
        return f"{role}: refused with {response.status_code} but changed {case.apps}"
    if writes := lasting_writes(q["sql"] for q in queries.captured_queries):
        return f"{role}: refused with {response.status_code} but wrote {writes}"
    return None


def check_case(world, rollback, case: Case) -> list[str]:
    """Every role's verdict on `case`, each in its own rolled-back savepoint."""
    failures = []
    for role in ROLES:
        if role in case.known:
            continue
        with rollback():
            if wrong := check_role(world, case, role):
                failures.append(wrong)
    return failures
