"""Form plumbing shared by every page of the web app.

- `KoppelForm` / `KoppelModelForm`: render each field with its label, help text and errors, mark
  invalid fields with `aria-invalid` and `aria-describedby`, and put an error summary on top that
  names each field and says why ("Titel: Dit veld is verplicht."), linking to the field.
- `apply_application_error(form, error)`: turn a service's `ApplicationError` into form errors on
  the fields it names (unknown field names and the message itself become form-wide errors), so a
  page shows the same messages as the API and keeps what the person typed.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.renderers import DjangoTemplates

from backend.core.errors import ApplicationError

if TYPE_CHECKING:
    # django-stubs makes ModelForm generic over its model; Django's class is not subscriptable
    # at runtime, so the type parameter exists for the type checker only.
    ModelForm = forms.ModelForm[Any]
else:
    ModelForm = forms.ModelForm


class KoppelRenderer(DjangoTemplates):
    form_template_name = "frontend/forms/div.html"
    field_template_name = "frontend/forms/field.html"


class KoppelFormMixin(forms.BaseForm):
    """Mix in before forms.Form or forms.ModelForm (KoppelForm, KoppelModelForm do)."""

    default_renderer = KoppelRenderer()
    error_css_class = "has-error"
    required_css_class = "is-required"
    # The error summary speaks to students with "je", to everyone else with "u": a form only
    # students fill in says so here; a form shared by roles is set per request by its view.
    addresses_student = False

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, field label, message) for every error, in field order; form-wide errors
        have an empty anchor and label."""
        items = [("", "", str(message)) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            bound = self[name]
            anchor = bound.id_for_label or bound.auto_id or ""
            items.extend((anchor, str(field.label or name), str(m)) for m in bound.errors)
        return items


class KoppelForm(KoppelFormMixin, forms.Form):
    pass


class KoppelModelForm(KoppelFormMixin, ModelForm):
    pass


def apply_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """A service's refusal on the form: each message on the field it names; a message about
    something that is not a field of this form (the expert, the booking) goes on top of the form
    as it is, never prefixed with the service's name for it ("expert: …")."""
    fields = (error.extra or {}).get("fields") or {}
    placed = False
    for name, messages in fields.items():
        if isinstance(messages, str):
            messages = [messages]
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)
