"""The Open Badges 2.0 documents of a badge (hosted verification), as SURF's edubadges reads them.

- Assertion (`badges/<uid>.json`): the recipient as a salted sha256 hash of their e-mail, the
  BadgeClass URL, issuedOn, verification {type: hosted}. Its `id` is its own URL.
- BadgeClass (`badges/klassen/<school>/<kwalificatie>/<code>.json`): name, description, image,
  criteria, issuer, the alignment to the kwalificatiedossier (crebo + werkproces codes), tags.
- Profile (`badges/uitgevers/<school>.json`): the issuing school; no personal data.
- The revoked assertion (served with 410) and the badge image (SVG with code and title).

All URLs are absolute, from settings.SITE_URL and the pages' names (`PageLink`): the backend
names the pages, the frontend decides where they live. The documents' texts are Dutch whoever
asks: a credential is one fixed text, the same for every verifier.
"""

from email.utils import parseaddr
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings

from backend.core.links import PageLink, page_url
from backend.learning.models import Badge
from backend.learning.selectors.badges import BadgeSubject
from backend.organisations.models import Organisation

CONTEXT = "https://w3id.org/openbadges/v2"
# The national register of the kwalificatiedossiers (SBB): the framework the badges align to.
KWALIFICATIES_URL = "https://kwalificaties.s-bb.nl/"
JSON_CONTENT_TYPE = "application/ld+json"


def absolute(link: PageLink) -> str:
    return settings.SITE_URL.rstrip("/") + page_url(link)


def assertion_url(badge: Badge) -> str:
    return absolute(PageLink("badge-assertion", str(badge.uid)))


def verify_url(badge: Badge) -> str:
    return absolute(PageLink("badge-verify", str(badge.uid)))


def badge_class_url(school_id: int, kwalificatie_id: int, code: str) -> str:
    return absolute(PageLink("badge-class", school_id, kwalificatie_id, code))


def issuer_url(school_id: int) -> str:
    return absolute(PageLink("badge-issuer", school_id))


def image_url(code: str, kwalificatie_id: int) -> str:
    return absolute(PageLink("badge-image", code)) + f"?kwalificatie={kwalificatie_id}"


def badge_code(badge: Badge) -> str:
    return badge.werkproces.code if badge.werkproces else badge.kerntaak.code  # type: ignore[union-attr]


def badge_title(badge: Badge) -> str:
    return badge.werkproces.title if badge.werkproces else badge.kerntaak.title  # type: ignore[union-attr]


def issued_on(badge: Badge) -> str:
    """ISO 8601 with the timezone (UTC, as stored)."""
    return badge.issued_at.isoformat()


def assertion_document(badge: Badge) -> dict[str, Any]:
    """The hosted Assertion. Needs badge.school, kwalificatie, werkproces/kerntaak loaded."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(badge),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": badge.recipient_salt,
            "identity": badge.recipient_hash,
        },
        "badge": badge_class_url(badge.school_id, badge.kwalificatie_id, badge_code(badge)),
        "issuedOn": issued_on(badge),
        "verification": {"type": "hosted"},
        "evidence": [{"id": verify_url(badge), "narrative": _evidence_narrative(badge)}],
    }


def _evidence_narrative(badge: Badge) -> str:
    what = "de kerntaak" if badge.kerntaak_id else "het werkproces"
    return (
        f"De school heeft het bewijs voor {what} {badge_code(badge)} gevalideerd op niveau "
        "voldoende of goed."
    )


def revoked_assertion_document(badge: Badge) -> dict[str, Any]:
    """What the assertion URL answers (with 410) once the school revoked the badge."""
    return {
        "@context": CONTEXT,
        "id": assertion_url(badge),
        "type": "Assertion",
        "revoked": True,
        "revocationReason": badge.revocation_reason,
    }


def framework_name(subject: BadgeSubject) -> str:
    dossier = subject.kwalificatie.dossier
    return f"Kwalificatiedossier {dossier.title} (crebo {subject.kwalificatie.crebo})"


def _alignment(subject: BadgeSubject, code: str, name: str, description: str) -> dict[str, str]:
    return {
        "targetName": f"{code} {name}",
        "targetUrl": KWALIFICATIES_URL,
        "targetDescription": description or name,
        "targetFramework": framework_name(subject),
        "targetCode": f"{subject.kwalificatie.crebo}/{code}",
    }


def badge_class_document(subject: BadgeSubject) -> dict[str, Any]:
    """The BadgeClass of one werkproces or kerntaak of a kwalificatie, issued by one school."""
    kwalificatie = subject.kwalificatie
    alignment = [_alignment(subject, w.code, w.title, w.description) for w in subject.werkprocessen]
    if subject.kerntaak is not None:
        alignment.insert(0, _alignment(subject, subject.code, subject.title, ""))
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(subject.school.pk, kwalificatie.pk, subject.code),
        "name": f"{subject.code} {subject.title}",
        "description": _description(subject),
        "image": image_url(subject.code, kwalificatie.pk),
        "criteria": {"narrative": _criteria(subject)},
        "issuer": issuer_url(subject.school.pk),
        "alignment": alignment,
        "tags": _tags(subject),
    }


def _description(subject: BadgeSubject) -> str:
    kwalificatie = subject.kwalificatie
    what = "kerntaak" if subject.is_kerntaak else "werkproces"
    return (
        f"De student heeft {what} {subject.code} ‘{subject.title}’ aangetoond in de praktijk, "
        f"in de opleiding {kwalificatie.title} (crebo {kwalificatie.crebo}, niveau "
        f"{kwalificatie.niveau}). {subject.school.name} heeft het bewijs gevalideerd."
    )


def _criteria(subject: BadgeSubject) -> str:
    if subject.is_kerntaak:
        codes = ", ".join(w.code for w in subject.werkprocessen)
        demonstrated = f"elk werkproces van kerntaak {subject.code} ({codes})"
    else:
        demonstrated = f"werkproces {subject.code}"
    return (
        f"De student liet {demonstrated} zien in een opdracht bij een bedrijf. Een docent of "
        f"coach van {subject.school.name} beoordeelde het bewijs (een STARR-reflectie met "
        "bijlagen en de beoordeling van het bedrijf) op niveau voldoende of goed. Controleer "
        "een uitgegeven badge op de verificatiepagina waarnaar de badge zelf verwijst."
    )


def _tags(subject: BadgeSubject) -> list[str]:
    kwalificatie = subject.kwalificatie
    return [
        "mbo",
        "kerntaak" if subject.is_kerntaak else "werkproces",
        f"crebo {kwalificatie.crebo}",
        f"niveau {kwalificatie.niveau}",
        subject.code,
    ]


def issuer_email() -> str:
    """The address verifiers may write to: Koppel's sender address (no person's address)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def issuer_document(school: Organisation) -> dict[str, Any]:
    """The issuing school's Profile: its name, website (else Koppel's) and a service address."""
    return {
        "@context": CONTEXT,
        "type": "Profile",
        "id": issuer_url(school.pk),
        "name": school.name,
        "url": school.website or settings.SITE_URL,
        "email": issuer_email(),
    }


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """Words over at most `lines` lines of about `width` characters ("…" when cut)."""
    result: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
            continue
        result.append(current)
        current = word
        if len(result) == lines:
            break
    if current and len(result) < lines:
        result.append(current)
    consumed = " ".join(result)
    if len(consumed) < len(" ".join(text.split())) and result:
        result[-1] = result[-1][: width - 1].rstrip() + "…"
    return result


def badge_image_svg(code: str, title: str) -> str:
    """A simple round badge: the code large, the title below, Koppel at the foot."""
    title_lines = _wrap(title, 22, 3)
    texts = "".join(
        f'<text x="128" y="{150 + 18 * i}" font-size="15" text-anchor="middle" '
        f'fill="#ffffff">{escape(line)}</text>'
        for i, line in enumerate(title_lines)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" '
        'viewBox="0 0 256 256" role="img" font-family="Arial, Helvetica, sans-serif">'
        f"<title>{escape(code)} {escape(title)}</title>"
        '<circle cx="128" cy="128" r="124" fill="#0b5cad"/>'
        '<circle cx="128" cy="128" r="110" fill="none" stroke="#ffffff" stroke-width="4"/>'
        f'<text x="128" y="118" font-size="34" font-weight="bold" text-anchor="middle" '
        f'fill="#ffffff">{escape(code)}</text>'
        f"{texts}"
        '<text x="128" y="222" font-size="13" text-anchor="middle" fill="#ffffff">Koppel</text>'
        "</svg>"
    )
