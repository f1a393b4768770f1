"""Display helpers for the privacy pages: `{{ read.purpose|read_purpose }}` (where data was read,
in words) and `{{ consent.wording_version|wording_version }}` (a dated version as a date)."""

import datetime as dt

from django import template
from django.utils import formats

from backend.privacy.read_purposes import purpose_label

register = template.Library()


@register.filter
def read_purpose(purpose: str) -> str:
    return purpose_label(purpose or "")


@register.filter
def wording_version(version: str) -> str:
    """The wording versions are dates ("2026-12-04"): shown as "4 december 2026"; any other
    version as it is."""
    try:
        day = dt.date.fromisoformat(version)
    except (TypeError, ValueError):
        return version
    return formats.date_format(day, "j F Y")
