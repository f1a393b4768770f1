"""The shared layout and the vendored NL Design System (docs/design-system.md): the menu button,
the confirm-dialog template, the required-field mark, the vendored Utrecht CSS with its licence
and version, and no inline styles or scripts anywhere (the Content-Security-Policy forbids them)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
VENDOR = ROOT / "frontend" / "static" / "vendor" / "utrecht"
TEMPLATES = ROOT / "frontend" / "templates"


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.mark.django_db
def test_a_signed_in_page_has_a_menu_button_that_controls_the_menu(cast, page_client):
    html = page_client(cast.bos).get(reverse("frontend:dashboard")).content.decode()
    button = re.search(r"<button [^>]*data-menu-toggle[^>]*>.*?</button>", html, re.S)
    assert button is not None
    tag = button.group(0)
    assert 'type="button"' in tag
    assert 'aria-expanded="false"' in tag
    assert 'aria-controls="site-nav"' in tag
    # Hidden until koppel.js runs: without JS the whole menu is simply shown.
    assert " hidden>" in tag
    assert ">Menu</span>" in tag
    assert '<nav class="site-nav" id="site-nav" aria-label="Hoofdmenu">' in html
    assert '<div class="site-tools" id="site-tools">' in html
    # Landmarks and the skip link every page needs.
    assert '<a class="skip-link" href="#main">Naar de inhoud</a>' in html
    assert '<main id="main" class="site-main" tabindex="-1">' in html
    assert html.count("<header ") == 1
    assert html.count("<footer ") == 1


@pytest.mark.django_db
def test_the_theme_and_the_vendored_css_load_from_our_own_static_files(cast, page_client):
    html = page_client(cast.bos).get(reverse("frontend:dashboard")).content.decode()
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert sheets == [
        "/static/vendor/utrecht/utrecht-components.css",
        "/static/frontend/koppel-theme.css",
        "/static/frontend/koppel.css",
    ]
    assert '<body class="koppel-theme utrecht-document"' in html
    for path in ("vendor/utrecht/utrecht-components.css", "frontend/koppel-theme.css"):
        assert finders.find(path), path
    # Nothing from another origin (no CDN, no web fonts).
    assert not re.search(r'(href|src)="(https?:)?//', html)


@pytest.mark.django_db
def test_the_confirm_dialog_template_carries_translated_button_texts(cast, page_client):
    client = page_client(cast.bos)
    html = client.get(reverse("frontend:dashboard")).content.decode()
    template = re.search(
        r'<template id="confirm-dialog-template">(.*?)</template>', html, re.S
    ).group(1)
    assert '<dialog class="confirm-dialog" aria-labelledby="confirm-dialog-title">' in template
    assert '<form method="dialog">' in template
    assert re.search(r"<button [^>]*data-confirm-cancel>Annuleren</button>", template)
    assert re.search(r"<button [^>]*data-confirm-accept[^>]*>Bevestigen</button>", template)

    html = _english(client).get(reverse("frontend:dashboard")).content.decode()
    template = re.search(
        r'<template id="confirm-dialog-template">(.*?)</template>', html, re.S
    ).group(1)
    assert re.search(r"<button [^>]*data-confirm-cancel>Cancel</button>", template)
    assert re.search(r"<button [^>]*data-confirm-accept[^>]*>Confirm</button>", template)
    assert ">Menu</span>" in html


def test_the_confirm_script_uses_a_dialog_and_submits_with_the_submitter():
    script = (ROOT / "frontend" / "static" / "frontend" / "koppel.js").read_text()
    assert "confirm-dialog-template" in script
    assert "showModal" in script
    assert "requestSubmit(submitter)" in script
    assert "data-confirm-label" in script


@pytest.mark.django_db
def test_required_fields_say_so_in_words_and_help_is_linked(cast, page_client):
    html = page_client().get(reverse("frontend:login")).content.decode()
    assert re.search(
        r'<label for="id_username">E-mailadres <span class="required-mark">\(verplicht\)</span>',
        html,
    )


def test_the_vendored_utrecht_css_has_its_licence_version_and_update_notes():
    assert (VENDOR / "VERSION").read_text().strip() == "@utrecht/component-library-css 9.0.4"
    licence = (VENDOR / "LICENSE.md").read_text()
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in licence
    readme = (VENDOR / "README.md").read_text()
    assert "9.0.4" in readme
    assert "EUPL-1.2" in readme
    assert "npm pack" in readme
    css = (VENDOR / "utrecht-components.css").read_text()
    assert css.count("@license EUPL-1.2") >= 1
    for component in (".utrecht-button", ".utrecht-status-badge", ".utrecht-table"):
        assert component in css
    # Only the components Koppel uses: small enough to serve on every page.
    assert (VENDOR / "utrecht-components.css").stat().st_size < 200_000
    # Gemeente Utrecht's own tokens are proprietary: Koppel ships its own theme instead.
    assert not list(VENDOR.glob("*token*"))


def test_the_theme_sets_the_tokens_the_koppel_classes_read():
    theme = (ROOT / "frontend" / "static" / "frontend" / "koppel-theme.css").read_text()
    koppel = (ROOT / "frontend" / "static" / "frontend" / "koppel.css").read_text()
    defined = set(re.findall(r"(--(?:utrecht|koppel)-[a-z0-9-]+)\s*:", theme + koppel))
    used = set(re.findall(r"var\((--(?:utrecht|koppel)-[a-z0-9-]+)", koppel))
    assert used - defined == set()


def test_no_template_has_inline_styles_or_inline_scripts():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"\sstyle\s*=", text) or re.search(r"<style[\s>]", text):
            offenders.append(f"{path.relative_to(ROOT)}: style")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.S)
        if any(script.strip() for script in scripts):
            offenders.append(f"{path.relative_to(ROOT)}: inline script")
    assert offenders == []
