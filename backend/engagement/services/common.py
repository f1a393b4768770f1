"""Small helpers shared by the engagement services."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format


def when(moment: dt.datetime) -> str:
    """'di 3 maart 2026 14:00' in the active language and Amsterdam time."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'D j F Y')} {local:%H:%M}"
