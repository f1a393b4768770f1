"""Form plumbing shared by every page of the web app.

- `KoppelForm` / `KoppelModelForm`: render each field with its label, help text and errors, mark
  invalid fields with `aria-invalid` and `aria-describedby`, and put an error summary on top that
  names each field and says why ("Titel: Dit veld is verplicht."), linking to the field.
- `apply_application_error(form, error)`: turn a service's `ApplicationError` into form errors on
  the fields it names (unknown field names and the message itself become form-wide errors), so a
  page shows the same messages as the API and keeps what the person typed.
"""

from django import forms
from django.forms.renderers import DjangoTemplates

from backend.core.errors import ApplicationError


class KoppelRenderer(DjangoTemplates):
    form_template_name = "frontend/forms/div.html"
    field_template_name = "frontend/forms/field.html"


class KoppelFormMixin:
    default_renderer = KoppelRenderer()
    error_css_class = "has-error"
    required_css_class = "is-required"

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, field label, message) for every error, in field order; form-wide errors
        have an empty anchor and label."""
        items = [("", "", str(message)) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            bound = self[name]
            for message in bound.errors:
                items.append(
                    (
                        bound.id_for_label or bound.auto_id or "",
                        str(field.label or name),
                        str(message),
                    )
                )
        return items


class KoppelForm(KoppelFormMixin, forms.Form):
    pass


class KoppelModelForm(KoppelFormMixin, forms.ModelForm):
    pass


def apply_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    fields = (error.extra or {}).get("fields") or {}
    placed = False
    for name, messages in fields.items():
        if isinstance(messages, str):
            messages = [messages]
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, str(message) if target else f"{name}: {message}")
            placed = True
    if not placed:
        form.add_error(None, error.message)
