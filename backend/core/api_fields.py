"""Input fields shared by the API serializers."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from backend.core.errors import ApplicationError

# Primary keys are 64-bit (BigAutoField). A larger number cannot name a row and would overflow
# the database parameter (a 500), so it is refused at the boundary with the field's name.
MAX_ID = 2**63 - 1


def id_field(**kwargs) -> serializers.IntegerField:
    """A primary key in a request: a whole number 1..MAX_ID."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def query_id(params, name: str) -> int | None:
    """The id in query parameter `name`, or None when it is absent or empty; anything that is
    not a whole number 1..MAX_ID is a 400 naming the parameter (never a 500 from the database)."""
    value = params.get(name, "")
    if value == "":
        return None
    # str.isdigit() accepts "²" and other digits int() refuses; only ASCII digits name a row.
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_ID:
        message = _("Geen geldig nummer.")
        summary = _("%(field)s: %(message)s") % {"field": name, "message": message}
        raise ApplicationError(summary, extra={"fields": {name: [message]}})
    return int(value)
