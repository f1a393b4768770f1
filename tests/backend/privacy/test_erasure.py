"""Erasure (AVG art. 17): after erasing a student, no table holds their name, e-mail address or
student number outside the declared exceptions, and the agreement log still verifies."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from backend.accounts.models import PersonalDataRead, StudentEnrolment, User
from backend.agreements.models import Acceptance, AgreementEvent
from backend.agreements.services import verify_chain
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    ChoiceList,
    Objection,
    RoundChallenge,
    RunPlacement,
)
from backend.allocations.services import rebuild_round_counts
from backend.core.errors import ApplicationError
from backend.curriculum.models import WerkprocesEvidence
from backend.engagement.models import EventBooking
from backend.notifications.models import Notification
from backend.privacy.models import DataRequest, RequestKind, RequestStatus
from backend.privacy.selectors.requests import erasure_plan
from backend.privacy.services.erasure import erase_person
from backend.sso.models import IdentityLink, SignInLogEntry
from tests.backend.privacy.erasure_world import EMAIL, FULL_NAME, NOW, NUMBER, build_zoe

pytestmark = pytest.mark.django_db

# Where the person may still be found after erasure, and why. Empty on purpose: every trace is
# removed or pseudonymised. (table, column) pairs with the reason, if ever needed.
DECLARED_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _needles() -> list[str]:
    """Each identifier as text, and as a JSON string stores it (SQLite escapes "ë")."""
    plain = [FULL_NAME, EMAIL, NUMBER]
    return [n.lower() for n in {*plain, *(json.dumps(p)[1:-1] for p in plain)}]


def _as_text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return ""  # binary columns (the engine's problem/result blobs) hold ids only
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def traces_in_database() -> list[tuple[str, str, str]]:
    """(table, column, value) of every stored value naming the person, read with raw SQL from
    every column of every table."""
    needles = _needles()
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _as_text(value).lower()
                    if any(needle in text for needle in needles):
                        found.append((table, column, _as_text(value)))
    return found


@pytest.fixture
def zoe_world(cast):
    return build_zoe(cast)


def test_the_search_finds_the_person_before_erasure(zoe_world):
    tables = {table for table, _c, _v in traces_in_database()}
    # The search itself works: it sees the person in the places the world put them.
    assert {
        "accounts_user",
        "accounts_studentenrolment",
        "notifications_notification",
        "sso_signinlogentry",
        "allocations_roundevent",
        "django_admin_log",
        "core_outgoingmail",
        "privacy_datarequest",
    } <= tables


def test_after_erasure_the_database_holds_no_trace_of_the_person(cast, zoe_world):
    zoe = zoe_world.zoe
    assert verify_chain() == []

    report = erase_person(person=zoe, by=cast.fenna, request=zoe_world.request, now=NOW)

    leftovers = [
        (table, column, value)
        for table, column, value in traces_in_database()
        if (table, column) not in DECLARED_EXCEPTIONS
    ]
    assert leftovers == []
    assert verify_chain() == []
    assert report.person_id == zoe.pk


def test_erasure_deletes_pseudonymises_and_keeps_as_declared(cast, zoe_world):
    zoe = zoe_world.zoe
    events_before = AgreementEvent.objects.filter(agreement=zoe_world.agreement).count()

    report = erase_person(person=zoe, by=cast.fenna, request=zoe_world.request, now=NOW)

    zoe.refresh_from_db()
    assert (zoe.first_name, zoe.last_name, zoe.email, zoe.phone) == (
        "Verwijderde",
        "persoon",
        f"erased-{zoe.pk}@invalid",
        "",
    )
    assert not zoe.is_active
    assert not zoe.has_usable_password()
    assert zoe.left_at == NOW
    enrolment = StudentEnrolment.objects.get(student=zoe)
    assert enrolment.care_notes == ""
    assert enrolment.date_of_birth is None
    assert enrolment.student_number == f"erased-{enrolment.pk}"
    # Deleted.
    for model in (ChoiceList, Assignment, Objection, EventBooking, IdentityLink):
        assert not model.objects.filter(**_about(model, zoe)).exists(), model
    assert not RunPlacement.objects.filter(student_id=zoe.pk).exists()
    assert not Notification.objects.filter(recipient=zoe).exists()
    assert not Session.objects.filter(session_key=zoe_world.session_key).exists()
    # Another person's session stays.
    assert Session.objects.filter(session_key=zoe_world.other_session_key).exists()
    # Kept (the school must keep them), pointing at the pseudonymised account.
    assert WerkprocesEvidence.objects.get(pk=zoe_world.evidence.pk).note == (
        f"Verwijderde persoon #{zoe.pk} liet zien dat ze een klantgesprek kan voeren."
    )
    assert zoe_world.agreement.participants.filter(pk=zoe.pk).exists()
    assert AgreementEvent.objects.filter(agreement=zoe_world.agreement).count() == events_before
    assert PersonalDataRead.objects.get(student=zoe).reason == (
        f"Gesprek met Verwijderde persoon #{zoe.pk} voorbereiden"
    )
    # The sign-in log keeps its row, with the pseudonymous address.
    sign_in = SignInLogEntry.objects.get(pk=zoe_world.sign_in.pk)
    assert (sign_in.email, sign_in.detail, sign_in.user_id) == (
        f"erased-{zoe.pk}@invalid",
        f"aangemeld als Verwijderde persoon #{zoe.pk}",
        zoe.pk,
    )
    # Mentions in someone else's rows.
    coach_note = Notification.objects.get(pk=zoe_world.coach_note.pk)
    pseudonym = f"Verwijderde persoon #{zoe.pk}"
    assert coach_note.title == f"{pseudonym} diende een bezwaar in"
    assert coach_note.body == (
        f"Student {pseudonym} ({pseudonym}) wil een andere opdracht. Bel {pseudonym}."
    )
    # The request is closed with the report.
    request = DataRequest.objects.get(pk=zoe_world.request.pk)
    assert request.status == RequestStatus.DONE
    assert (request.handled_by, request.handled_at) == (cast.fenna, NOW)
    assert request.details == ""
    assert request.report == report.as_json()
    kept = {m["label"]: m for m in request.report["models"] if m["erasure"] == "keep"}
    assert "curriculum.WerkprocesEvidence" in kept
    assert kept["curriculum.WerkprocesEvidence"]["keep_reason"]
    deleted = {m["label"] for m in request.report["models"] if m["erasure"] == "delete"}
    assert {"allocations.ChoiceList", "allocations.Assignment", "engagement.EventBooking"} <= (
        deleted
    )
    # Credentials: the register deletes tokens, devices and identity links; sessions (which
    # name their user only inside the signed data) are found by decoding them.
    assert request.report["credentials"] == {"sessions": 1}
    assert {"authtoken.Token", "otp_totp.TOTPDevice", "otp_static.StaticDevice"} <= deleted
    assert not Token.objects.filter(user=zoe).exists()
    assert not TOTPDevice.objects.filter(user=zoe).exists()
    assert not StaticDevice.objects.filter(user=zoe).exists()


def _about(model, person):
    return {"student": person} if hasattr(model, "student") else {"user": person}


def test_the_plan_counts_what_erasure_does(cast, zoe_world):
    zoe = zoe_world.zoe
    plan = erasure_plan(zoe)
    report = erase_person(person=zoe, by=cast.fenna, now=NOW)

    planned = {row.label: (row.erasure, row.count) for row in plan.rows}
    done = {m.label: (m.erasure, m.count) for m in report.models}
    assert planned == done
    assert plan.deleted == report.count("delete")


def test_erasing_twice_is_harmless(cast, zoe_world):
    zoe = zoe_world.zoe
    erase_person(person=zoe, by=cast.fenna, request=zoe_world.request, now=NOW)
    zoe.refresh_from_db()
    snapshot = traces_of_pseudonym(zoe)

    again = erase_person(person=zoe, by=cast.fenna, now=NOW)

    zoe.refresh_from_db()
    assert zoe.email == f"erased-{zoe.pk}@invalid"
    assert again.mentions == {}
    assert again.credentials == {}
    # Nothing is pseudonymised a second time ("Verwijderde persoon #1 #1").
    assert traces_of_pseudonym(zoe) == snapshot
    assert verify_chain() == []


def traces_of_pseudonym(person):
    needle = f"Verwijderde persoon #{person.pk}"
    return sorted(
        (table, column, value) for table, column, value in _all_values() if needle in value
    )


def _all_values():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    yield table, column, _as_text(value)


def test_a_request_about_someone_else_cannot_erase(cast, zoe_world):
    with pytest.raises(ApplicationError):
        erase_person(person=cast.sanne, by=cast.fenna, request=zoe_world.request, now=NOW)
    assert User.objects.get(pk=cast.sanne.pk).is_active


def test_a_company_contact_cannot_be_erased_through_a_request(cast):
    request = DataRequest.objects.create(
        school=cast.vista,
        subject=cast.jan,
        kind=RequestKind.ERASURE,
        submitted_by=cast.jan,
        submitted_at=NOW,
        due_on=NOW.date(),
    )
    with pytest.raises(ApplicationError, match="alleen studenten van de school"):
        erase_person(person=cast.jan, by=cast.fenna, request=request, now=NOW)
    cast.jan.refresh_from_db()
    assert cast.jan.is_active
    assert cast.jan.email == "jan@bakkerijjansen.test"
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_a_closed_request_cannot_erase(cast, zoe_world):
    DataRequest.objects.filter(pk=zoe_world.request.pk).update(
        status=RequestStatus.REFUSED, handled_at=NOW, handled_by=cast.fenna, outcome="Nee."
    )
    zoe_world.request.refresh_from_db()
    with pytest.raises(ApplicationError):
        erase_person(person=zoe_world.zoe, by=cast.fenna, request=zoe_world.request, now=NOW)
    assert User.objects.get(pk=zoe_world.zoe.pk).is_active


def test_acceptances_of_the_agreement_stay(cast, zoe_world):
    before = Acceptance.objects.filter(version__agreement=zoe_world.agreement).count()
    erase_person(person=zoe_world.zoe, by=cast.fenna, now=NOW)
    assert Acceptance.objects.filter(version__agreement=zoe_world.agreement).count() == before
    assert verify_chain(agreement_id=zoe_world.agreement.pk) == []


def test_the_rounds_stored_counts_follow_the_erasure(cast, zoe_world):
    allocation_round = AllocationRound.objects.get(name="Blok 3")
    entry = RoundChallenge.objects.create(round=allocation_round, offer=zoe_world.offer)
    rebuild_round_counts(allocation_round)
    entry.refresh_from_db()
    assert (entry.choice_count, entry.first_choice_count) == (1, 1)

    erase_person(person=zoe_world.zoe, by=cast.fenna, request=zoe_world.request, now=NOW)

    entry.refresh_from_db()
    # The choices went with the person; the page reads the stored counts, which were recounted.
    assert (entry.choice_count, entry.first_choice_count) == (0, 0)
