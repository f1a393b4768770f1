"""Helpers shared by the engagement pages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from backend.core.errors import ApplicationError

T = "frontend/engagement/"


def apply_error(form, error: ApplicationError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    fields = error.extra.get("fields", {}) if isinstance(error.extra, dict) else {}
    placed = False
    for name, msgs in fields.items():
        if name in form.fields:
            for msg in msgs:
                form.add_error(name, msg)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def require(condition: bool) -> None:
    if not condition:
        raise DjangoPermissionDenied
