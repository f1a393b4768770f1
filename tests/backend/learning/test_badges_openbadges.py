"""The Open Badges 2.0 documents (backend.learning.openbadges)."""

import datetime as dt
import hashlib
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from backend.curriculum.models import Kerntaak
from backend.learning import openbadges
from backend.learning.selectors.badges import badge_class_subject, issuer_school, subject_of
from backend.learning.services.badges import badge_issue, badge_revoke
from tests.backend.learning.badges_factories import issued_badge, validated

SITE = "https://koppel.example.nl"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE + "/"
    settings.DEFAULT_FROM_EMAIL = "Koppel <noreply@koppel.example.nl>"


def test_the_assertion_is_hosted_at_its_own_url_with_a_hashed_recipient(cast):
    badge = issued_badge(cast, "B1-K1-W1")
    document = openbadges.assertion_document(badge)

    kwalificatie = cast.ict_niveau2
    assert document["@context"] == "https://w3id.org/openbadges/v2"
    assert document["type"] == "Assertion"
    assert document["id"] == f"{SITE}/badges/{badge.uid}.json"
    assert document["badge"] == (
        f"{SITE}/badges/klassen/{cast.vista.pk}/{kwalificatie.pk}/B1-K1-W1.json"
    )
    assert document["verification"] == {"type": "hosted"}
    recipient = document["recipient"]
    assert recipient["type"] == "email"
    assert recipient["hashed"] is True
    digest = hashlib.sha256((cast.sanne.email.lower() + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == f"sha256${digest}"
    issued_on = dt.datetime.fromisoformat(document["issuedOn"])
    assert issued_on.tzinfo is not None
    assert issued_on == badge.issued_at
    assert document["evidence"][0]["id"] == f"{SITE}/badges/{badge.uid}/"
    # No personal data in the clear: not the e-mail, not the name.
    text = str(document)
    assert cast.sanne.email not in text
    assert cast.sanne.last_name not in text


def test_the_badge_class_aligns_to_the_kwalificatiedossier_with_crebo_and_code(cast):
    badge = issued_badge(cast, "B1-K1-W1")
    document = openbadges.badge_class_document(subject_of(badge))

    kwalificatie = cast.ict_niveau2
    assert document["type"] == "BadgeClass"
    assert document["id"] == openbadges.assertion_document(badge)["badge"]
    assert document["name"] == "B1-K1-W1 Werkproces B1-K1-W1"
    assert f"crebo {kwalificatie.crebo}" in document["description"]
    assert "Vista college" in document["description"]
    assert (
        document["image"]
        == f"{SITE}/badges/afbeeldingen/B1-K1-W1.svg?kwalificatie={kwalificatie.pk}"
    )
    assert document["issuer"] == f"{SITE}/badges/uitgevers/{cast.vista.pk}.json"
    assert "voldoende of goed" in document["criteria"]["narrative"]
    assert document["alignment"] == [
        {
            "targetName": "B1-K1-W1 Werkproces B1-K1-W1",
            "targetUrl": openbadges.KWALIFICATIES_URL,
            "targetDescription": "Werkproces B1-K1-W1",
            "targetFramework": (
                f"Kwalificatiedossier {kwalificatie.dossier.title} (crebo {kwalificatie.crebo})"
            ),
            "targetCode": f"{kwalificatie.crebo}/B1-K1-W1",
        }
    ]
    assert document["tags"] == [
        "mbo",
        "werkproces",
        f"crebo {kwalificatie.crebo}",
        "niveau 2",
        "B1-K1-W1",
    ]


def test_a_kerntaak_badge_class_aligns_the_kerntaak_and_each_of_its_werkprocessen(cast):
    validated(cast, "B1-K1-W1", "B1-K1-W2")
    kerntaak = Kerntaak.objects.get(dossier_id=cast.ict_niveau2.dossier_id, code="B1-K1")
    badge = badge_issue(
        actor=cast.devries, student=cast.sanne, kerntaak=kerntaak, now=timezone.now()
    )

    document = openbadges.badge_class_document(subject_of(badge))

    crebo = cast.ict_niveau2.crebo
    assert [a["targetCode"] for a in document["alignment"]] == [
        f"{crebo}/B1-K1",
        f"{crebo}/B1-K1-W1",
        f"{crebo}/B1-K1-W2",
    ]
    assert document["id"].endswith(f"/{cast.ict_niveau2.pk}/B1-K1.json")
    assert "B1-K1-W1, B1-K1-W2" in document["criteria"]["narrative"]
    assert "kerntaak" in document["tags"]


def test_a_badge_class_exists_only_for_what_the_school_issued(cast):
    issued_badge(cast, "B1-K1-W1")
    kwalificatie = cast.ict_niveau2

    assert badge_class_subject(cast.vista.pk, kwalificatie.pk, "B1-K1-W1") is not None
    assert badge_class_subject(cast.vista.pk, kwalificatie.pk, "B1-K1-W2") is None
    assert badge_class_subject(cast.gilde.pk, kwalificatie.pk, "B1-K1-W1") is None
    assert badge_class_subject(cast.vista.pk, cast.ict_niveau4.pk, "B1-K1-W1") is None


def test_the_badge_class_stays_after_a_revocation(cast):
    badge = issued_badge(cast, "B1-K1-W1")
    badge_revoke(badge=badge, actor=cast.devries, reason="Fout", now=timezone.now())
    assert badge_class_subject(cast.vista.pk, cast.ict_niveau2.pk, "B1-K1-W1") is not None


def test_the_issuer_profile_is_the_school_without_personal_data(cast):
    issued_badge(cast)
    cast.vista.website = "https://www.vistacollege.nl"
    cast.vista.save()

    document = openbadges.issuer_document(issuer_school(cast.vista.pk))

    assert document == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Profile",
        "id": f"{SITE}/badges/uitgevers/{cast.vista.pk}.json",
        "name": "Vista college",
        "url": "https://www.vistacollege.nl",
        "email": "noreply@koppel.example.nl",
    }


def test_a_school_without_a_website_points_at_koppel(cast):
    issued_badge(cast)
    assert openbadges.issuer_document(cast.vista)["url"] == SITE + "/"


def test_only_schools_that_issued_a_badge_have_an_issuer_profile(cast):
    issued_badge(cast)
    assert issuer_school(cast.vista.pk) == cast.vista
    assert issuer_school(cast.gilde.pk) is None  # issued nothing
    assert issuer_school(cast.bakkerij.pk) is None  # not a school


def test_the_revoked_assertion_says_revoked_with_the_reason(cast):
    badge = issued_badge(cast)
    badge_revoke(
        badge=badge, actor=cast.bos, reason="Bewijs was niet van de student", now=timezone.now()
    )

    assert openbadges.revoked_assertion_document(badge) == {
        "@context": "https://w3id.org/openbadges/v2",
        "id": f"{SITE}/badges/{badge.uid}.json",
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "Bewijs was niet van de student",
    }


def test_the_badge_image_is_an_svg_with_code_and_escaped_title():
    svg = openbadges.badge_image_svg("B1-K1-W1", 'Maakt <script>alert("x")</script> & test')

    root = ElementTree.fromstring(svg)  # well-formed XML: the title is escaped
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == "B1-K1-W1"
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert texts[-1] == "Koppel"


def test_a_long_title_is_cut_to_three_lines():
    svg = openbadges.badge_image_svg("P1-K1-W1", "woord " * 40)
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert len(texts) == 1 + 3 + 1
    assert texts[3].endswith("…")
    assert all(len(line) <= 22 for line in texts[1:4])
