"""The coordinator's team settings of a round: together wishes, rotation across companies, the
composition rules every challenge's team must meet and the exact search's time limit
(backend.allocations.services.teams checks and stores them)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import COORDINATING_ROLES
from backend.allocations import services
from backend.allocations.models import TEAM_RULE_KINDS, TEAM_TIME_LIMIT_MAX, TeamMode
from backend.allocations.selectors import access
from backend.allocations.selectors.teams import team_settings_of
from backend.allocations.services.teams import (
    MAX_LEVEL_COUNT,
    MAX_PER_CLASS,
    MAX_SCHOOLS,
    MAX_WEIGHT,
)
from backend.core.errors import ApplicationError
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from backend.allocations.models import RoundTeamSettings

TOGETHER_CHOICES = (
    (TeamMode.SOFT, gettext_lazy("Samen waar het kan (aanbevolen)")),
    (TeamMode.HARD, gettext_lazy("Altijd samen: een groep wordt nooit verdeeld")),
    (TeamMode.OFF, gettext_lazy("Niet meenemen")),
)
ROTATION_CHOICES = (
    (TeamMode.OFF, gettext_lazy("Niet meenemen")),
    (TeamMode.SOFT, gettext_lazy("Liever niet opnieuw bij hetzelfde bedrijf")),
    (TeamMode.HARD, gettext_lazy("Nooit opnieuw bij hetzelfde bedrijf")),
)
RULE_KIND_CHOICES = (
    ("hard", gettext_lazy("Harde regel: altijd")),
    ("soft", gettext_lazy("Zachte regel: waar het kan")),
)
LEVEL_CHOICES = (("", gettext_lazy("geen regel")), *((str(n), str(n)) for n in (1, 2, 3, 4)))
WEIGHT_HELP = gettext_lazy(
    "Hoe zwaar dit telt, in keuzeplaatsen: 1 weegt even zwaar als één student één plaats "
    "hoger op zijn keuzelijst. Tussen 0,1 en 100."
)
RULE_WEIGHT_HELP = gettext_lazy(
    "Alleen voor een zachte regel: wat elke overtreding kost, in keuzeplaatsen. Tussen 0,1 en 100."
)
# The rules' fields, per rule: (number, kind, weight).
RULE_FIELDS = tuple((kind, f"{kind}_kind", f"{kind}_weight") for kind in TEAM_RULE_KINDS)
WEIGHT_FIELDS = ("together_weight", "rotation_weight", *(names[2] for names in RULE_FIELDS))
# What a rule's weight or the niveau rule's count becomes when it is left empty while it does
# not count (the rule is off, or hard): the model's default.
RULE_WEIGHT_DEFAULT = 1.0
MIN_LEVEL_COUNT_DEFAULT = 1


class WeightField(forms.FloatField):
    """A weight as it is written in Dutch too: "2,5" counts as 2.5."""

    # float | None; django-stubs give FloatField the to_python of IntegerField (int | None).
    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def _weight(
    label: "StrOrPromise", help_text: "StrOrPromise" = WEIGHT_HELP, *, required: bool = True
) -> WeightField:
    return WeightField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=0.1,
        max_value=MAX_WEIGHT,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )


def _kind_and_weight(
    kind_label: "StrOrPromise", weight_label: "StrOrPromise"
) -> tuple[forms.ChoiceField, WeightField]:
    """A rule's kind (hard or soft) and its weight (only a soft rule needs one)."""
    kind = forms.ChoiceField(label=kind_label, choices=RULE_KIND_CHOICES, widget=forms.RadioSelect)
    return kind, _weight(weight_label, RULE_WEIGHT_HELP, required=False)


def _rule(
    number: forms.IntegerField, kind_label: "StrOrPromise", weight_label: "StrOrPromise"
) -> tuple[forms.IntegerField, forms.ChoiceField, WeightField]:
    """A rule's fields: its number (empty = the rule is off), its kind and its weight."""
    return (number, *_kind_and_weight(kind_label, weight_label))


def _count(
    label: "StrOrPromise", help_text: "StrOrPromise", low: int, high: int, *, required: bool
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, help_text=help_text, required=required, min_value=low, max_value=high
    )


def _field_messages() -> dict[str, str]:
    """Per field the one message for every way its value can be wrong (empty, not a number, out
    of range, not one of the choices): it says what to fill in (in the language of the request)."""
    weight = _("Kies een gewicht van 0,1 tot en met %(max)d, bijvoorbeeld 1 of 2,5.") % {
        "max": MAX_WEIGHT
    }
    return {
        "together": _(
            "Kies hoe samenwerkwensen meetellen: samen waar het kan, altijd samen of niet meenemen."
        ),
        "rotation": _(
            "Kies hoe rotatie meetelt: niet meenemen, liever niet of nooit opnieuw bij "
            "hetzelfde bedrijf."
        ),
        "max_per_class": _("Kies hoogstens 1 tot %(max)d studenten uit één klas, of laat het leeg.")
        % {"max": MAX_PER_CLASS},
        "min_level": _("Kies niveau 1, 2, 3 of 4, of 'geen regel'."),
        "min_level_count": _("Kies minstens 1 en hoogstens %(max)d studenten van dat niveau.")
        % {"max": MAX_LEVEL_COUNT},
        "mixed_schools": _(
            "Kies minstens 2 en hoogstens %(max)d scholen per team, of laat het leeg."
        )
        % {"max": MAX_SCHOOLS},
        "time_limit": _("Kies een rekentijd van 1 tot %(max)d seconden.")
        % {"max": TEAM_TIME_LIMIT_MAX},
        **{kind: _("Kies 'harde regel' of 'zachte regel'.") for _n, kind, _w in RULE_FIELDS},
        **dict.fromkeys(WEIGHT_FIELDS, weight),
    }


class RoundTeamSettingsForm(KoppelForm):
    """The round's team settings; the ranges are checked again by round_team_settings_set. The
    school mix is only offered in a consortium round; once the round no longer accepts changes
    (`fixed`) every field is shown but read-only."""

    together = forms.ChoiceField(
        label=gettext_lazy("Samenwerkwensen van studenten"),
        help_text=gettext_lazy(
            "Studenten kunnen tot drie klasgenoten noemen. Alleen wie elkaar over en weer "
            "noemen vormen een groep; een groep komt samen in een uitdaging die iedereen koos "
            "en waar plaats is voor de hele groep. Let op: bij 'altijd samen' blijft een groep "
            "die nergens samen past helemaal niet ingedeeld."
        ),
        choices=TOGETHER_CHOICES,
        widget=forms.RadioSelect,
    )
    together_weight = _weight(gettext_lazy("Gewicht van een groep die samen blijft"))
    rotation = forms.ChoiceField(
        label=gettext_lazy("Rotatie over bedrijven"),
        help_text=gettext_lazy(
            "Kijkt naar de eerder gepubliceerde indelingen van elke student: zo rouleren "
            "studenten vanzelf langs de bedrijven van de regio."
        ),
        choices=ROTATION_CHOICES,
        widget=forms.RadioSelect,
    )
    rotation_weight = _weight(gettext_lazy("Gewicht van rotatie"))
    max_per_class, max_per_class_kind, max_per_class_weight = _rule(
        _count(
            gettext_lazy("Hoogstens zoveel studenten uit één klas per team"),
            gettext_lazy("Leeg = geen regel. Bijvoorbeeld 2: teams mengen klassen."),
            1,
            MAX_PER_CLASS,
            required=False,
        ),
        gettext_lazy("Soort regel voor klassen"),
        gettext_lazy("Gewicht regel voor klassen"),
    )
    min_level = forms.TypedChoiceField(
        label=gettext_lazy("Elk team heeft studenten van niveau"),
        help_text=gettext_lazy("Geen regel, of het niveau (1 tot en met 4) dat in elk team zit."),
        choices=LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    min_level_count = _count(
        gettext_lazy("Minstens zoveel studenten van dat niveau"),
        gettext_lazy("Alleen als u hierboven een niveau kiest."),
        1,
        MAX_LEVEL_COUNT,
        required=False,
    )
    min_level_kind, min_level_weight = _kind_and_weight(
        gettext_lazy("Soort regel voor niveau"), gettext_lazy("Gewicht regel voor niveau")
    )
    mixed_schools, mixed_schools_kind, mixed_schools_weight = _rule(
        _count(
            gettext_lazy("Studenten van minstens zoveel scholen per team"),
            gettext_lazy(
                "Alleen in een consortiumronde. Leeg = geen regel; 2 = elk team mengt minstens "
                "twee scholen, als de studenten die de uitdaging kozen dat toelaten."
            ),
            2,
            MAX_SCHOOLS,
            required=False,
        ),
        gettext_lazy("Soort regel voor scholen"),
        gettext_lazy("Gewicht regel voor scholen"),
    )
    time_limit = _count(
        gettext_lazy("Rekentijd in seconden"),
        gettext_lazy(
            "Met teamregels zoekt de matcher de beste indeling exact; na deze tijd stopt hij en "
            "meldt hij hoe ver de indeling hooguit van de beste af zit. 1 tot 600."
        ),
        1,
        TEAM_TIME_LIMIT_MAX,
        required=True,
    )

    def __init__(self, *args: Any, consortium: bool, fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not consortium:
            for name in RULE_FIELDS[2]:
                del self.fields[name]
        messages_ = _field_messages()
        for name, field in self.fields.items():
            field.disabled = fixed
            for code in ("required", "invalid", "invalid_choice", "min_value", "max_value"):
                field.error_messages[code] = messages_[name]

    def rule_groups(self) -> list[list[forms.BoundField]]:
        """The bound fields of each rule that this form offers, for one fieldset per rule."""
        return [[self[name] for name in names] for names in RULE_FIELDS if names[0] in self.fields]

    def clean(self) -> dict[str, Any]:
        """A weight or count left empty where it does not count takes its default; a soft rule
        that is on needs its weight, the niveau rule its count."""
        data = super().clean() or {}
        for number, kind, weight in RULE_FIELDS:
            if number not in self.fields or weight in self.errors or data.get(weight) is not None:
                continue
            if data.get(number) is not None and data.get(kind) == "soft":
                self.add_error(
                    weight,
                    _("Een zachte regel heeft een gewicht nodig: kies 0,1 tot en met %(max)d.")
                    % {"max": MAX_WEIGHT},
                )
            else:
                data[weight] = RULE_WEIGHT_DEFAULT
        if "min_level_count" not in self.errors and data.get("min_level_count") is None:
            if data.get("min_level") is not None:
                self.add_error("min_level_count", _field_messages()["min_level_count"])
            else:
                data["min_level_count"] = MIN_LEVEL_COUNT_DEFAULT
        return data

    def choices(self) -> services.TeamChoices:
        data = self.cleaned_data
        rules: dict[str, Any] = {}
        for number, kind, weight in RULE_FIELDS:
            if number in self.fields:
                rules[number] = data[number]
                rules[number + "_hard"] = data[kind] == "hard"
                rules[weight] = data[weight]
        return services.TeamChoices(
            together=data["together"],
            together_weight=data["together_weight"],
            rotation=data["rotation"],
            rotation_weight=data["rotation_weight"],
            time_limit=data["time_limit"],
            min_level_count=data["min_level_count"],
            **rules,
        )


def _initial(settings: "RoundTeamSettings") -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(settings, name)
        for name in ("together", "together_weight", "rotation", "rotation_weight", "time_limit")
    }
    initial["min_level_count"] = settings.min_level_count
    for number, kind, weight in RULE_FIELDS:
        initial[number] = getattr(settings, number)
        initial[kind] = "hard" if getattr(settings, number + "_hard") else "soft"
        initial[weight] = getattr(settings, weight)
    return initial


@role_required(*COORDINATING_ROLES)
@domain_errors
def round_team_settings(request: HttpRequest, round_id: int) -> HttpResponse:
    """GET: the round's team settings; POST: store them (until the round is published)."""
    user = signed_in_user(request)
    allocation_round = access.get_round_for_manager(user, round_id)
    form = RoundTeamSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(team_settings_of(allocation_round)),
        consortium=allocation_round.consortium_id is not None,
        fixed=not allocation_round.accepts_team_settings,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.round_team_settings_set(
                allocation_round=allocation_round,
                actor=user,
                choices=form.choices(),
                now=timezone.now(),
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(
                request, _("De teaminstellingen zijn opgeslagen. Ze tellen bij de volgende run.")
            )
            return redirect("frontend:round-detail", allocation_round.pk)
    return render(
        request,
        "frontend/rounds/round_team_settings.html",
        {"round": allocation_round, "form": form},
    )
