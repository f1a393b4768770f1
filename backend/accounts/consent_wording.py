"""The exact wording a student agrees to, per consent purpose, with a version.

The wording lives in code (Dutch source, translated like every other text) so the page that asks
and the record that is stored can never differ: `give_consent` stores the text in the person's
language as shown, with the version. Change a text only together with its version (a new date):
earlier consents keep the wording they were given with."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import ConsentPurpose, User
from backend.core.i18n import in_language
from backend.core.i18n import language_of as site_language_of


@dataclass(frozen=True)
class Wording:
    version: str
    # What the student reads above the buttons, and what is stored when they agree.
    text: Promise
    # One line on what happens without consent (the default).
    without: Promise


WORDINGS: dict[str, Wording] = {
    ConsentPurpose.FOLLOW_UP_CONTACT: Wording(
        version="2026-12-04",
        text=_(
            "Ik vind het goed dat een bedrijf waar ik een opdracht of stage heb gedaan, na afloop "
            "mijn e-mailadres ziet, zodat het contact met mij kan opnemen (bijvoorbeeld over een "
            "bijbaan of een volgende opdracht). Ik kan dit altijd weer intrekken."
        ),
        without=_(
            "Zonder je toestemming ziet een bedrijf alleen je voornaam en nooit je e-mailadres."
        ),
    ),
    ConsentPurpose.EVENT_PHOTOS: Wording(
        version="2026-12-04",
        text=_(
            "Ik vind het goed dat er op bijeenkomsten (zoals meet & match en de bedrijvenarena) "
            "foto's en video's worden gemaakt waarop ik te zien ben, en dat de school en de "
            "bedrijven die gebruiken om over de bijeenkomst te vertellen. Ik kan dit altijd weer "
            "intrekken."
        ),
        without=_(
            "Zonder je toestemming zien de organisatoren bij je boeking dat je niet op de foto "
            "wilt."
        ),
    ),
}


def wording_for(purpose: str) -> Wording:
    """KeyError for a purpose that does not exist."""
    return WORDINGS[purpose]


def language_of(person: User) -> str:
    """The language the person reads Koppel in (the site's default when they chose none)."""
    return site_language_of(person)


def wording_text(purpose: str, language: str) -> str:
    """The wording of `purpose` as a person reading in `language` sees it."""
    with in_language(language):
        return str(WORDINGS[purpose].text)
