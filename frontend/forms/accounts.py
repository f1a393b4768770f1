"""Forms for signing in, password reset, invitations and company sign-up. The rules (password
strength, KvK format and uniqueness, e-mail in use) live in the accounts and organisations
services; these forms only shape and label the input, and check the KvK format early so the
person sees the message next to the field."""

import re
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Role
from backend.accounts.services.passwords import check_password_strength
from backend.core.errors import ApplicationError
from backend.organisations.services import normalise_kvk
from backend.security.forms import SigninLockoutFormMixin
from frontend.forms import KoppelForm, KoppelFormMixin


class LoginForm(KoppelFormMixin, SigninLockoutFormMixin, AuthenticationForm):
    """The same lockout as the API token endpoint (backend.security)."""

    username = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Dit e-mailadres en wachtwoord passen niet bij elkaar. Let op hoofdletters in het "
            "wachtwoord."
        ),
        "inactive": _("Dit account is niet meer actief."),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["password"].label = _("Wachtwoord")


class PasswordResetRequestForm(KoppelForm):
    email = forms.EmailField(
        label=_("E-mailadres"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PasswordChooseForm(KoppelForm):
    new_password = forms.CharField(
        label=_("Nieuw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minstens 8 tekens; niet alleen cijfers en geen veelgebruikt wachtwoord."),
    )
    new_password_again = forms.CharField(
        label=_("Nieuw wachtwoord (nog een keer)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_new_password_again(self) -> str | None:
        first = self.cleaned_data.get("new_password")
        second = self.cleaned_data.get("new_password_again")
        if first and second and first != second:
            raise forms.ValidationError(_("De twee wachtwoorden zijn niet gelijk."))
        return second


class InvitationAcceptForm(KoppelForm):
    first_name = forms.CharField(label=_("Voornaam"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, existing_account: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if existing_account:
            # Someone with a login proves it is theirs; names are already known.
            del self.fields["first_name"]
            del self.fields["last_name"]
            self.fields["password"].label = _("Uw huidige wachtwoord")
            self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        else:
            self.fields["first_name"].required = True
            self.fields["last_name"].required = True
            self.fields["password"].help_text = _(
                "Kies een wachtwoord van minstens 8 tekens; niet alleen cijfers."
            )


KVK_PATTERN = re.compile(r"^\d{8}$")


class CompanySignUpForm(KoppelForm):
    name = forms.CharField(label=_("Naam van het bedrijf"), max_length=200)
    kvk = forms.CharField(
        label=_("KvK-nummer"),
        max_length=20,
        help_text=_("8 cijfers, zoals op uw uittreksel van de Kamer van Koophandel."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    employee_count = forms.IntegerField(label=_("Aantal medewerkers"), required=False, min_value=1)
    description = forms.CharField(
        label=_("Wat doet uw bedrijf?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Een paar zinnen; studenten en docenten lezen dit."),
    )
    contact_first_name = forms.CharField(label=_("Uw voornaam"), max_length=150)
    contact_last_name = forms.CharField(label=_("Uw achternaam"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Uw e-mailadres"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(label=_("Telefoon"), max_length=30, required=False)
    job_title = forms.CharField(label=_("Uw functie"), max_length=120, required=False)
    password = forms.CharField(
        label=_("Kies een wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minstens 8 tekens; niet alleen cijfers en geen veelgebruikt wachtwoord."),
    )

    def clean_kvk(self) -> str:
        # The service's own normalisation (spaces and dots are allowed while typing).
        value = normalise_kvk(self.cleaned_data["kvk"])
        if not KVK_PATTERN.match(value):
            raise forms.ValidationError(
                _("Een KvK-nummer bestaat uit precies 8 cijfers; u vulde %(count)d tekens in."),
                params={"count": len(value)},
            )
        return value

    def clean(self) -> dict[str, Any]:
        """Every field's problems at once: the password goes through the accounts service's
        strength check (which compares it with the name and e-mail typed here) now, so a weak
        password is reported together with, not after, the other mistakes."""
        data = super().clean() or {}
        password = data.get("password")
        if password:
            # An unsaved person with what was typed, only for the similarity check.
            candidate = get_user_model()(
                email=data.get("contact_email") or "",
                first_name=data.get("contact_first_name") or "",
                last_name=data.get("contact_last_name") or "",
            )
            try:
                check_password_strength(password, candidate)
            except ApplicationError as error:
                for message in (error.extra or {}).get("fields", {}).get("password", []):
                    self.add_error("password", str(message))
        return data


class InviteColleagueForm(KoppelForm):
    email = forms.EmailField(
        label=_("E-mailadres van uw collega"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Rol"), choices=[])

    def __init__(self, *args: Any, roles: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["role"])
        choices = [(value, label) for value, label in Role.choices if value in roles]
        field.choices = choices
        if len(choices) == 1:
            field.initial = choices[0][0]
            field.widget = forms.HiddenInput()
