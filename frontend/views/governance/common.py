"""Helpers shared by the governance pages."""

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from backend.core.errors import ApplicationError
from backend.organisations.selectors import consortia_governed_by
from frontend.forms import apply_application_error
from frontend.views.engagement.common import SignedInRequest, require

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.organisations.models import Consortium

T = "frontend/governance/"

__all__ = ["SignedInRequest", "T", "apply_error", "governed_consortium", "require"]


def governed_consortium(user: "User", pk: int) -> "Consortium":
    """The consortium if its governance pages are the user's, else 404: another institution's
    consortium and a missing id answer the same."""
    consortium = consortia_governed_by(user).filter(pk=pk).first()
    if consortium is None:
        raise Http404
    return consortium


def apply_error(form: forms.BaseForm, error: ApplicationError | ValidationError) -> None:
    """A service's refusal on the form: an ApplicationError on the fields it names; a model's
    ValidationError on its fields when the form has them, else form-wide."""
    if isinstance(error, ApplicationError):
        apply_application_error(form, error)
        return
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return
    for message in error.messages:
        form.add_error(None, message)
