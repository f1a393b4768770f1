"""The company mentor's feedback form: one row of radio buttons (nooit / oefenen / voldoende /
goed) per werkproces of the offer, one comment box. Built for a phone: under three minutes."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy

from backend.curriculum.models import ProgressLevel
from frontend.forms import KoppelForm

if TYPE_CHECKING:
    from backend.curriculum.models import Werkproces

MAX_COMMENT = 1000
PREFIX = "werkproces_"


class RatingRow(forms.RadioSelect):
    """The four levels side by side, wrapping on a narrow screen (shared classes only)."""

    template_name = "frontend/learning/company_feedback_radios.html"


class CompanyRatingForm(KoppelForm):
    """Fields `werkproces_<id>` (one per werkproces, in the given order) and `comment`."""

    def __init__(self, *args: Any, werkprocessen: "list[Werkproces]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for werkproces in werkprocessen:
            self.fields[f"{PREFIX}{werkproces.pk}"] = forms.ChoiceField(
                label=f"{werkproces.code} {werkproces.title}",
                choices=ProgressLevel.choices,
                widget=RatingRow(),
                error_messages={
                    "required": gettext_lazy("Kies een niveau voor dit werkproces."),
                    "invalid_choice": gettext_lazy(
                        "Kies nooit, oefenen, voldoende of goed voor dit werkproces."
                    ),
                },
            )
        self.fields["comment"] = forms.CharField(
            label=gettext_lazy("Toelichting"),
            required=False,
            max_length=MAX_COMMENT,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=gettext_lazy(
                "Wat ging goed, wat kan beter? Een paar zinnen is genoeg (hooguit 1000 tekens)."
            ),
            error_messages={
                "max_length": gettext_lazy(
                    "Maak de toelichting korter: hooguit %(limit_value)d tekens "
                    "(nu %(show_value)d)."
                )
            },
        )

    def levels(self) -> dict[int, str]:
        """The chosen level per werkproces id (after is_valid())."""
        return {
            int(name.removeprefix(PREFIX)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(PREFIX)
        }
