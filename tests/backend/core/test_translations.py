"""Both language catalogues stay complete: every Dutch string in the code has an English
translation, none is fuzzy, and the compiled catalogue is the one the .po file describes."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "backend" / "locale"
CATALOGUE = LOCALE / "en" / "LC_MESSAGES" / "django.po"
COMPILED = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
# The same folders `make messages` leaves out.
IGNORED = [".venv", ".venv-*", "tests", "bench", "node_modules", "staticfiles"]

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed"
)


def _statistics(po_file: Path) -> str:
    """msgfmt's one-line count: 'N translated messages[, N fuzzy …][, N untranslated …].'"""
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr.strip()


def _msgids(po_file: Path, *selection: str) -> list[str]:
    done = subprocess.run(
        ["msgattrib", *selection, "--no-wrap", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    return [line for line in lines if line.startswith('msgid "') and line != 'msgid ""']


def _untranslated(po_file: Path) -> list[str]:
    """The msgids that have no English text, or only a fuzzy guess."""
    return _msgids(po_file, "--untranslated") + _msgids(po_file, "--only-fuzzy")


@needs_gettext
def test_every_message_in_the_english_catalogue_is_translated():
    statistics = _statistics(CATALOGUE)

    assert "fuzzy" not in statistics, statistics
    assert "untranslated" not in statistics, (statistics, _untranslated(CATALOGUE))


@needs_gettext
def test_every_dutch_string_in_the_code_is_in_the_english_catalogue(tmp_path, monkeypatch):
    # makemessages writes into every `locale` folder it walks past, so it runs on a copy of the
    # code; a string the catalogue lacks then shows up in the copy's catalogue untranslated.
    root = Path(settings.BASE_DIR)
    for package in ("backend", "frontend"):
        shutil.copytree(root / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    copy = tmp_path / "backend" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "backend" / "locale"]):
        call_command(
            "makemessages", locale=["en"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0
        )

    assert _untranslated(copy) == []


@needs_gettext
def test_the_compiled_catalogue_matches_its_source(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(CATALOGUE)], check=True)

    def readable(mo_file: Path) -> str:
        return subprocess.run(
            ["msgunfmt", "--no-wrap", str(mo_file)], capture_output=True, text=True, check=True
        ).stdout

    assert readable(COMPILED) == readable(fresh), "run `make messages` to compile the catalogue"
