import itertools
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from backend.agreements.models import AgreementEvent, AgreementLogHead, LogIsAppendOnly
from backend.agreements.models.log import GENESIS_HASH, entry_hash
from backend.agreements.services import log_event
from tests.factories import UserFactory


def _tamper(sql: str, params: list) -> None:
    """Change the log behind the app's back. On PostgreSQL the append-only triggers refuse that,
    so this goes through the documented maintenance path, as an attacker with DBA rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL koppel.agreement_log_maintenance = 'on'")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL koppel.agreement_log_maintenance = 'off'")


def _delete_entry(event: AgreementEvent) -> None:
    _tamper("DELETE FROM agreements_agreementevent WHERE id = %s", [event.pk])


def _verify_fails(**options) -> str:
    with pytest.raises(CommandError) as error:
        call_command("verify_agreement_log", **options)
    return str(error.value)


def test_every_entry_chains_to_the_previous_one(accepted):
    entries = list(AgreementEvent.objects.filter(agreement=accepted).order_by("sequence"))
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.sequence for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
        assert entry.computed_hash() == entry.hash
    head = AgreementLogHead.objects.get(agreement=accepted)
    assert (head.sequence, head.hash) == (entries[-1].sequence, entries[-1].hash)


def _append_in_a_failing_transaction(agreement, actor, now):
    with transaction.atomic():
        log_event(agreement=agreement, kind="changed", actor=actor, at=now)
        raise RuntimeError("the caller's transaction fails after the append")


def test_an_append_moves_the_head_in_the_same_transaction(accepted, cast, now):
    with pytest.raises(RuntimeError, match="fails after the append"):
        _append_in_a_failing_transaction(accepted, cast.bos, now)
    assert AgreementLogHead.objects.get(agreement=accepted).sequence == 9
    event = log_event(agreement=accepted, kind="changed", actor=cast.bos, at=now)
    head = AgreementLogHead.objects.get(agreement=accepted)
    assert (head.sequence, head.hash) == (10, event.hash)


def test_the_command_passes_an_intact_log(accepted, capsys):
    call_command("verify_agreement_log")
    assert "Agreement log intact: 9 entries verified." in capsys.readouterr().out


def test_the_command_detects_an_entry_changed_in_the_database(accepted):
    target = AgreementEvent.objects.get(agreement=accepted, kind="proposed")
    _tamper(
        "UPDATE agreements_agreementevent SET payload = %s WHERE id = %s",
        ['{"from": ["draft"], "to": "proposed", "reason": "", "version": 2}', target.pk],
    )
    assert _verify_fails() == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} "
        f"#{target.sequence} (id {target.pk}): content does not match its hash (entry was changed)"
    )
    assert _verify_fails(agreement=accepted.pk) == _verify_fails()


def test_the_command_detects_a_rehashed_entry_through_the_next_link(accepted):
    target = AgreementEvent.objects.get(agreement=accepted, kind="proposed")
    target.payload = {"forged": True}
    _tamper(
        "UPDATE agreements_agreementevent SET payload = %s, hash = %s WHERE id = %s",
        ['{"forged": true}', target.computed_hash(), target.pk],
    )
    following = AgreementEvent.objects.get(agreement=accepted, sequence=target.sequence + 1)
    assert _verify_fails(agreement=accepted.pk) == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} "
        f"#{following.sequence} (id {following.pk}): "
        "prev_hash does not match the hash of the previous entry"
    )


def test_the_command_detects_an_entry_removed_from_the_middle(accepted):
    _delete_entry(AgreementEvent.objects.get(agreement=accepted, sequence=3))
    following = AgreementEvent.objects.get(agreement=accepted, sequence=4)
    assert _verify_fails() == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} #4 "
        f"(id {following.pk}): sequence 4 where 3 was expected (entry missing)"
    )


def test_the_command_detects_that_the_last_entry_was_removed(accepted):
    last = AgreementEvent.objects.filter(agreement=accepted).order_by("sequence").last()
    assert last.sequence == 9
    _delete_entry(last)
    assert _verify_fails() == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} #9 (missing): "
        "the log ends at #8 but its head records #9 (entries removed from the end)"
    )


def test_the_command_detects_that_every_entry_was_removed(accepted):
    _tamper("DELETE FROM agreements_agreementevent WHERE agreement_id = %s", [accepted.pk])
    assert _verify_fails(agreement=accepted.pk) == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} #1 (missing): "
        "the log is empty but its head records #9 (all entries removed)"
    )


def test_the_command_detects_a_removed_head(accepted):
    last = AgreementEvent.objects.filter(agreement=accepted).order_by("sequence").last()
    _tamper("DELETE FROM agreements_agreementloghead WHERE agreement_id = %s", [accepted.pk])
    assert _verify_fails() == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} #9 "
        f"(id {last.pk}): no head records where this log ends (head removed)"
    )


def test_the_command_detects_a_last_entry_replaced_by_a_well_chained_forgery(accepted):
    last = AgreementEvent.objects.filter(agreement=accepted).order_by("sequence").last()
    _delete_entry(last)
    forged = {
        "agreement_id": accepted.pk,
        "sequence": 9,
        "kind": "cancelled",
        "actor_id": last.actor_id,
        "at": last.at,
        "payload": {},
    }
    forged_hash = entry_hash(prev_hash=last.prev_hash, **forged)
    AgreementEvent.objects.create(**forged, prev_hash=last.prev_hash, hash=forged_hash)
    assert _verify_fails() == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} #9 "
        f"(id {AgreementEvent.objects.get(hash=forged_hash).pk}): the hash of the last entry "
        "differs from the one its head records (entry replaced)"
    )


def test_an_append_after_the_last_entry_was_removed_keeps_the_gap_visible(accepted, cast, now):
    _delete_entry(AgreementEvent.objects.get(agreement=accepted, sequence=9))
    event = log_event(agreement=accepted, kind="changed", actor=cast.bos, at=now)
    assert event.sequence == 10
    assert _verify_fails() == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} #10 "
        f"(id {event.pk}): sequence 10 where 9 was expected (entry missing)"
    )


def test_the_command_exits_non_zero_from_the_shell_when_the_last_entry_is_gone(accepted):
    from django.core.management import execute_from_command_line

    # (Intact, the command returns normally: exit code 0. Not run here: the command closes the
    # database connection when it ends, and with it this test's transaction.)
    _delete_entry(AgreementEvent.objects.filter(agreement=accepted).order_by("sequence").last())
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "verify_agreement_log"])
    assert exit_info.value.code == 1


def _refused(sql: str, params: list, message: str) -> None:
    with (
        pytest.raises(IntegrityError, match=re.escape(message)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.mark.postgres_only
def test_postgresql_refuses_to_change_or_delete_a_log_entry_directly(accepted):
    last = AgreementEvent.objects.filter(agreement=accepted).order_by("sequence").last()
    entries, heads = "agreements_agreementevent", "agreements_agreementloghead"
    _refused(
        f"DELETE FROM {entries} WHERE id = %s",
        [last.pk],
        "agreement log entries are append-only: DELETE refused",
    )
    _refused(
        f"UPDATE {entries} SET kind = 'cancelled' WHERE id = %s",
        [last.pk],
        "agreement log entries are append-only: UPDATE refused",
    )
    _refused(
        f"DELETE FROM {heads} WHERE agreement_id = %s",
        [accepted.pk],
        "an agreement log head only advances one entry at a time: DELETE refused",
    )
    _refused(
        f"UPDATE {heads} SET sequence = 8, hash = %s WHERE agreement_id = %s",
        [last.prev_hash, accepted.pk],
        "an agreement log head only advances one entry at a time: UPDATE refused",
    )
    _refused(
        f"UPDATE {heads} SET sequence = 10, hash = %s WHERE agreement_id = %s",
        ["e" * 64, accepted.pk],
        "an agreement log head must name an existing entry",
    )
    assert AgreementEvent.objects.filter(pk=last.pk, kind=last.kind).exists()
    assert AgreementLogHead.objects.get(agreement=accepted).sequence == 9
    call_command("verify_agreement_log")


@pytest.mark.postgres_only
def test_the_documented_maintenance_session_may_change_the_log_and_verify_tells(accepted):
    last = AgreementEvent.objects.filter(agreement=accepted).order_by("sequence").last()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL koppel.agreement_log_maintenance = 'on'")
        cursor.execute("DELETE FROM agreements_agreementevent WHERE id = %s", [last.pk])
    assert not AgreementEvent.objects.filter(pk=last.pk).exists()
    assert "(entries removed from the end)" in _verify_fails()


def test_the_app_cannot_update_or_delete_a_log_entry(accepted):
    entry = AgreementEvent.objects.filter(agreement=accepted).first()
    entry.payload = {"changed": True}
    with pytest.raises(LogIsAppendOnly):
        entry.save()
    with pytest.raises(LogIsAppendOnly):
        entry.delete()
    with pytest.raises(LogIsAppendOnly):
        AgreementEvent.objects.filter(pk=entry.pk).update(kind="cancelled")
    with pytest.raises(LogIsAppendOnly):
        AgreementEvent.objects.all().delete()
    entry.refresh_from_db()
    assert entry.payload != {"changed": True}
    assert entry.computed_hash() == entry.hash


def test_the_admin_shows_the_log_read_only(client, accepted):
    client.force_login(UserFactory(email="root@koppel.test", is_staff=True, is_superuser=True))
    entry = AgreementEvent.objects.filter(agreement=accepted).first()
    assert client.get(reverse("admin:agreements_agreementevent_changelist")).status_code == 200
    assert (
        client.post(
            reverse("admin:agreements_agreementevent_change", args=[entry.pk]),
            {"kind": "cancelled"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:agreements_agreementevent_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AgreementEvent.objects.filter(pk=entry.pk, kind=entry.kind).exists()
