"""Messages in the recipient's language: the one place that switches the active language.

Koppel speaks Dutch by default and English to whoever chose it. A notification, an e-mail or a
document meant for someone else is written inside `in_language_of(person)`, which falls back to
the site language (Dutch) when the person has no preference.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.conf import settings
from django.utils import translation


class HasLanguage(Protocol):
    preferred_language: str


def language_of(person: HasLanguage | None) -> str:
    """The person's chosen interface language, or the site's default."""
    chosen = getattr(person, "preferred_language", "") if person is not None else ""
    return chosen or settings.LANGUAGE_CODE


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Activate `language` (or the site's default when empty) for the block."""
    with translation.override(language or settings.LANGUAGE_CODE):
        yield


@contextmanager
def in_language_of(person: HasLanguage | None) -> Iterator[None]:
    """Write the block's texts in `person`'s language."""
    with in_language(language_of(person)):
        yield
