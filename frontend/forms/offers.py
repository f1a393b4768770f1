"""The guided brief (one form, four short steps) and the review forms.

The form shapes the input; the offers services decide what is valid (title needed, end after
start, team size, schools to submit to), and their field errors are shown on these fields."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from backend.offers.models import Coverage, LocationKind, OfferKind
from frontend.forms import KoppelForm

if TYPE_CHECKING:
    from backend.curriculum.models import Kwalificatie
    from backend.offers.models import Offer
    from backend.organisations.models import Consortium, Organisation

NIVEAUS = [(n, _("niveau %(n)d") % {"n": n}) for n in range(1, 5)]

# Which fields belong to which step of the brief (rendered as fieldsets in this order).
BRIEF_STEPS = [
    ("question", _("1. Wat is de vraag?"), ("kind", "title", "description")),
    ("help", _("2. Wat zou u helpen?"), ("expectations", "deliverables")),
    ("when", _("3. Wanneer en waar?"), ("starts_on", "ends_on", "location_kind")),
    (
        "students",
        _("4. Hoeveel studenten?"),
        ("max_students", "team_size", "niveau_min", "niveau_max", "programmes"),
    ),
    ("where", _("5. Bij welke school dient u het in?"), ("schools", "consortium")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class OfferBriefForm(KoppelForm):
    kind = forms.ChoiceField(label=_("Soort aanbod"), choices=OfferKind.choices)
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        required=False,
        help_text=_("Kort en concreet, bv. ‘Nieuwe bestelpagina voor onze webwinkel’."),
    )
    description = forms.CharField(
        label=_("Wat is de vraag?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Beschrijf het probleem of de kans in uw eigen woorden. Vaktaal is niet nodig."
        ),
    )
    expectations = forms.CharField(
        label=_("Wat zou u helpen?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Wanneer bent u tevreden? Wat mogen studenten van u verwachten (begeleiding, plek)?"
        ),
    )
    deliverables = forms.CharField(
        label=_("Wat leveren de studenten op?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Bijvoorbeeld een advies, een ontwerp, een werkend prototype of een presentatie."
        ),
    )
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Einde"), required=False, widget=DateInput())
    location_kind = forms.ChoiceField(
        label=_("Waar werken de studenten?"),
        choices=LocationKind.choices,
        initial=LocationKind.COMPANY,
        widget=forms.RadioSelect,
    )
    max_students = forms.IntegerField(
        label=_("Hoeveel studenten kunnen meedoen?"), min_value=1, max_value=500, initial=4
    )
    team_size = forms.IntegerField(
        label=_("Teamgrootte"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Laat leeg als één team of losse studenten ook goed is."),
    )
    niveau_min = forms.TypedChoiceField(
        label=_("Vanaf niveau"), choices=NIVEAUS, coerce=int, initial=1
    )
    niveau_max = forms.TypedChoiceField(
        label=_("Tot en met niveau"), choices=NIVEAUS, coerce=int, initial=4
    )
    programmes: "forms.ModelMultipleChoiceField[Kwalificatie]" = forms.ModelMultipleChoiceField(
        label=_("Voor welke opleidingen?"),
        queryset=None,  # set in __init__ from the offers selectors
        required=False,
        help_text=_(
            "Laat leeg als het voor elke opleiding kan. Onder het formulier ziet u wat studenten van deze opleidingen ermee kunnen leren."
        ),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    schools: "forms.ModelMultipleChoiceField[Organisation]" = forms.ModelMultipleChoiceField(
        label=_("Scholen"),
        queryset=None,  # set in __init__ from the offers selectors
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De school beoordeelt uw aanbod en maakt het zichtbaar voor studenten."),
    )
    consortium: "forms.ModelChoiceField[Consortium]" = forms.ModelChoiceField(
        label=_("Of een samenwerkingsverband"),
        queryset=None,  # set in __init__ from the offers selectors
        required=False,
        empty_label=_("(geen)"),
        help_text=_("Alle scholen in het samenwerkingsverband zien dan uw aanbod."),
    )

    def __init__(
        self,
        *args: Any,
        schools: "QuerySet[Organisation]",
        consortia: "QuerySet[Consortium]",
        programmes: "QuerySet[Kwalificatie]",
        **kwargs: Any,
    ) -> None:
        """The choices come from the offers selectors (backend.offers.selectors.choices)."""
        super().__init__(*args, **kwargs)
        self._choices("schools").queryset = schools
        self._choices("consortium").queryset = consortia
        self._choices("programmes").queryset = programmes

    def _choices(self, name: str) -> "forms.ModelChoiceField[Any]":
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field

    def steps(self) -> list[dict[str, Any]]:
        return [
            {"key": key, "legend": legend, "fields": [self[name] for name in names]}
            for key, legend, names in BRIEF_STEPS
        ]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values in the shape offer_create/offer_update take."""
        data = dict(self.cleaned_data)
        data["programmes"] = list(data.get("programmes") or [])
        data["schools"] = list(data.get("schools") or [])
        return data


def brief_initial(offer: "Offer") -> dict[str, Any]:
    return {
        "kind": offer.kind,
        "title": offer.title,
        "description": offer.description,
        "expectations": offer.expectations,
        "deliverables": offer.deliverables,
        "starts_on": offer.starts_on,
        "ends_on": offer.ends_on,
        "location_kind": offer.location_kind,
        "max_students": offer.max_students,
        "team_size": offer.team_size,
        "niveau_min": offer.niveau_min,
        "niveau_max": offer.niveau_max,
        "programmes": list(offer.programmes.all()),
        "schools": list(offer.schools.all()),
        "consortium": offer.consortium,
    }


class RequestChangesForm(KoppelForm):
    message = forms.CharField(
        label=_("Welke aanpassing vraagt u?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Het bedrijf krijgt dit te lezen."),
    )


class RejectForm(KoppelForm):
    reason = forms.CharField(
        label=_("Reden van afwijzing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Het bedrijf krijgt deze reden te lezen; studenten niet."),
    )


class MappingForm(KoppelForm):
    werkproces = forms.IntegerField(widget=forms.HiddenInput)
    coverage = forms.ChoiceField(
        label=_("Dekking"), choices=Coverage.choices, initial=Coverage.PARTIAL
    )
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=500)
