"""Input fields shared by the API serializers."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from backend.core.errors import ApplicationError
from backend.core.ids import MAX_ID, parse_id


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A primary key in a request: a whole number 1..MAX_ID."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def query_id(params: Mapping[str, Any], name: str) -> int | None:
    """The id in query parameter `name`, or None when it is absent or empty; anything that is
    not a whole number 1..MAX_ID is a 400 naming the parameter (never a 500 from the database)."""
    value = params.get(name, "")
    if value == "":
        return None
    if (number := parse_id(value)) is None:
        message = _("Geen geldig nummer.")
        summary = _("%(field)s: %(message)s") % {"field": name, "message": message}
        raise ApplicationError(summary, extra={"fields": {name: [message]}})
    return number
