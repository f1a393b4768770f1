"""docs/privacy.md holds the processing register generated from the declarations: the test fails
when the code changed and the docs were not regenerated (`manage.py privacy_register --write`)."""

import pytest
from django.core.management import CommandError, call_command

from backend.privacy.management.commands import privacy_register as command


def test_docs_privacy_md_is_up_to_date():
    call_command("privacy_register", "--check")


def test_check_fails_on_a_stale_register_and_write_keeps_the_hand_written_part(
    tmp_path, monkeypatch
):
    path = tmp_path / "privacy.md"
    monkeypatch.setattr(command, "docs_path", lambda: path)
    path.write_text(
        "# Privacy\n\nHand-written intro.\n\n"
        f"{command.BEGIN_MARKER}\nold register\n{command.END_MARKER}\n\n## After\n\nMore hand text.\n"
    )

    with pytest.raises(CommandError, match="stale"):
        call_command("privacy_register", "--check")

    call_command("privacy_register", "--write")
    text = path.read_text()
    assert text.startswith("# Privacy\n\nHand-written intro.\n\n" + command.BEGIN_MARKER)
    assert text.endswith(command.END_MARKER + "\n\n## After\n\nMore hand text.\n")
    assert "old register" not in text
    # Every category and the fields people ask about are in it, with their recipients.
    assert "### Zorg en begeleiding" in text
    assert "`accounts.StudentEnrolment.care_notes`" in text
    assert "direct: zorgnotities, na vertrek van de student" in text
    assert "het bedrijf van de opdracht: alleen voornaam, niveau en team" in text
    assert "| Gebruiker: Achternaam (`accounts.User.last_name`)" in text
    call_command("privacy_register", "--check")


def test_write_appends_the_register_to_a_file_without_markers(tmp_path, monkeypatch):
    path = tmp_path / "privacy.md"
    monkeypatch.setattr(command, "docs_path", lambda: path)
    path.write_text("# Privacy\n")

    call_command("privacy_register", "--write")

    text = path.read_text()
    assert text.startswith("# Privacy\n\n" + command.BEGIN_MARKER)
    assert text.rstrip().endswith(command.END_MARKER)
