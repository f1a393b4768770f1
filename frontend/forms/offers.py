"""The guided briefs (a challenge in five short steps, a guest lesson in four) and the review
forms.

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


# The services' own words when a required text is missing (the same msgids), rather than the
# generic "Dit veld is vereist".
TITLE_REQUIRED = {"required": _("Geef het aanbod een titel.")}
DESCRIPTION_REQUIRED = {"required": _("Beschrijf wat de vraag of het aanbod is.")}

# The kinds that happen at a time of day for a group (one date, a start time, a duration): their
# own brief, "Bied een gastles aan", instead of the challenge's.
LESSON_KINDS = (OfferKind.GUEST_LESSON, OfferKind.MASTERCLASS, OfferKind.WORKSHOP)

LESSON_STEPS = [
    ("lesson", _("1. Waar gaat de gastles over?"), ("kind", "title", "description", "presenters")),
    ("audience", _("2. Voor wie?"), ("niveau_min", "niveau_max", "max_students", "programmes")),
    (
        "when",
        _("3. Wanneer en waar?"),
        ("starts_on", "ends_on", "start_time", "duration_minutes", "location_kind"),
    ),
    ("where", _("4. Bij welke school biedt u het aan?"), ("schools", "consortium")),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class OfferBriefForm(KoppelForm):
    # (key, legend, field names) per step, rendered as fieldsets in this order; the intro says
    # how many there are.
    step_list = BRIEF_STEPS
    is_lesson = False
    heading = _("Plaats een uitdaging")
    intro = _(
        "Vijf korte stappen. Velden gemarkeerd met ‘verplicht’ vult u altijd in; de rest mag "
        "leeg blijven. Uw concept wordt onderweg automatisch bewaard; u dient het pas in als u "
        "op ‘Indienen bij de school’ drukt."
    )
    kinds: tuple[OfferKind, ...] = tuple(k for k in OfferKind if k not in LESSON_KINDS)

    kind = forms.ChoiceField(label=_("Soort aanbod"), choices=OfferKind.choices)
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        error_messages=TITLE_REQUIRED,
        help_text=_("Kort en concreet, bv. ‘Nieuwe bestelpagina voor onze webwinkel’."),
    )
    description = forms.CharField(
        label=_("Wat is de vraag?"),
        error_messages=DESCRIPTION_REQUIRED,
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
        widget=forms.CheckboxSelectMultiple,
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
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k.value, k.label) for k in self.kinds]
        self._choices("schools").queryset = schools
        self._choices("consortium").queryset = consortia
        self._choices("programmes").queryset = programmes
        self.programme_choices = programmes

    def _choices(self, name: str) -> "forms.ModelChoiceField[Any]":
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field

    def steps(self) -> list[dict[str, Any]]:
        return [
            {"key": key, "legend": legend, "fields": [self[name] for name in names]}
            for key, legend, names in self.step_list
        ]

    def programme_groups(self) -> list[dict[str, Any]]:
        """The programme checkboxes grouped by niveau, for the searchable picker: each option
        with its label, crebo and whether it is chosen."""
        chosen = {str(value) for value in (self["programmes"].value() or [])}
        groups: dict[int, list[dict[str, Any]]] = {}
        for programme in self.programme_choices.order_by("niveau", "title"):
            groups.setdefault(programme.niveau, []).append(
                {
                    "value": str(programme.pk),
                    "title": programme.title,
                    "crebo": programme.crebo,
                    "checked": str(programme.pk) in chosen,
                }
            )
        return [
            {"legend": _("Niveau %(n)d") % {"n": niveau}, "options": options}
            for niveau, options in sorted(groups.items())
        ]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values in the shape offer_create/offer_update take."""
        data = dict(self.cleaned_data)
        data["programmes"] = list(data.get("programmes") or [])
        data["schools"] = list(data.get("schools") or [])
        return data


class GuestLessonBriefForm(OfferBriefForm):
    """ "Bied een gastles aan": what it is about, for whom, when (a date or a window, a start
    time and a duration) and where. No challenge questions (what would help, deliverables)."""

    step_list = LESSON_STEPS
    is_lesson = True
    heading = _("Bied een gastles aan")
    intro = _(
        "Vier korte stappen. Velden gemarkeerd met ‘verplicht’ vult u altijd in; de rest mag "
        "leeg blijven. Uw concept wordt onderweg automatisch bewaard; u biedt het pas aan als u "
        "op ‘Indienen bij de school’ drukt."
    )
    kinds = LESSON_KINDS

    title = forms.CharField(
        label=_("Onderwerp"),
        max_length=200,
        error_messages=TITLE_REQUIRED,
        help_text=_("Bijvoorbeeld ‘Toegankelijke websites in de praktijk’."),
    )
    description = forms.CharField(
        label=_("Wat vertelt of doet u?"),
        error_messages=DESCRIPTION_REQUIRED,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wat leren de studenten, en wat doen ze zelf tijdens de les?"),
    )
    presenters = forms.CharField(
        label=_("Wie geeft de gastles?"),
        max_length=300,
        required=False,
        help_text=_("Naam en functie, bijvoorbeeld ‘Eva Smit, UX-designer’."),
    )
    max_students = forms.IntegerField(
        label=_("Maximale groepsgrootte"), min_value=1, max_value=500, initial=30
    )
    starts_on = forms.DateField(
        label=_("Datum"),
        widget=DateInput(),
        help_text=_("De dag van de gastles, of de eerste dag waarop u kunt."),
    )
    ends_on = forms.DateField(
        label=_("Beschikbaar tot en met"),
        required=False,
        widget=DateInput(),
        help_text=_("Alleen invullen als de school een dag mag kiezen tussen beide data."),
    )
    start_time = forms.TimeField(label=_("Begintijd"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duur in minuten"),
        min_value=1,
        max_value=480,
        initial=90,
        help_text=_("Bijvoorbeeld 45, 90 (anderhalf uur) of 120 (twee uur); hoogstens 480."),
    )
    location_kind = forms.ChoiceField(
        label=_("Waar?"),
        choices=LocationKind.choices,
        initial=LocationKind.SCHOOL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].label = _("Soort")
        for name in ("expectations", "deliverables", "team_size"):
            del self.fields[name]


def brief_form_class(kind: str | None) -> type[OfferBriefForm]:
    """The guest lesson brief for lessons, workshops and masterclasses; else the challenge's."""
    return GuestLessonBriefForm if kind in LESSON_KINDS else OfferBriefForm


def brief_initial(offer: "Offer") -> dict[str, Any]:
    return {
        "kind": offer.kind,
        "title": offer.title,
        "description": offer.description,
        "expectations": offer.expectations,
        "deliverables": offer.deliverables,
        "starts_on": offer.starts_on,
        "ends_on": offer.ends_on,
        "start_time": offer.start_time,
        "duration_minutes": offer.duration_minutes,
        "presenters": offer.presenters,
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
