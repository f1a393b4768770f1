import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from backend.agreements.models import AgreementEvent, LogIsAppendOnly
from backend.agreements.models.log import GENESIS_HASH
from tests.factories import UserFactory


def test_every_entry_chains_to_the_previous_one(accepted):
    entries = list(AgreementEvent.objects.filter(agreement=accepted).order_by("sequence"))
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.sequence for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
        assert entry.computed_hash() == entry.hash


def test_the_command_passes_an_intact_log(accepted, capsys):
    call_command("verify_agreement_log")
    assert "Agreement log intact: 9 entries verified." in capsys.readouterr().out


def test_the_command_detects_an_entry_changed_in_the_database(accepted):
    target = AgreementEvent.objects.get(agreement=accepted, kind="proposed")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_agreementevent SET payload = %s WHERE id = %s",
            ['{"from": ["draft"], "to": "proposed", "reason": "", "version": 2}', target.pk],
        )
    with pytest.raises(CommandError) as error:
        call_command("verify_agreement_log")
    assert str(error.value) == (
        f"Agreement log broken: first broken entry is agreement {accepted.pk} #{target.sequence} (id {target.pk})"
    )
    with pytest.raises(CommandError):
        call_command("verify_agreement_log", agreement=accepted.pk)


def test_the_command_detects_a_rehashed_entry_through_the_next_link(accepted):
    target = AgreementEvent.objects.get(agreement=accepted, kind="proposed")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_agreementevent SET hash = %s WHERE id = %s", ["f" * 64, target.pk]
        )
    with pytest.raises(CommandError, match=f"#{target.sequence} "):
        call_command("verify_agreement_log", agreement=accepted.pk)


def test_the_command_detects_a_removed_entry(accepted):
    target = AgreementEvent.objects.get(agreement=accepted, sequence=3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM agreements_agreementevent WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=f"agreement {accepted.pk} #4 "):
        call_command("verify_agreement_log")


def test_the_command_exits_non_zero_from_the_shell(accepted):
    import subprocess  # noqa: F401  (documented behaviour: CommandError → exit code 1)

    from django.core.management import ManagementUtility  # noqa: F401

    target = AgreementEvent.objects.filter(agreement=accepted).last()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_agreementevent SET kind = 'fulfilled' WHERE id = %s", [target.pk]
        )
    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", "verify_agreement_log"])
    assert exit_info.value.code == 1


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
