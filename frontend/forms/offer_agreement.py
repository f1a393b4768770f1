"""The draft of an agreement about an offer: its terms and who does what by when. The page shows
it prefilled (offer_agreement_draft), previews the clauses, then sends it."""

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.agreements.services import CommitmentPlan, OfferAgreementDraft
from backend.core.errors import ApplicationError
from frontend.forms import KoppelForm, apply_application_error

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.organisations.models import Organisation

EXTRA_COMMITMENT_ROWS = 2
COMMITMENT_FIELD = re.compile(r"commitments\[(\d+)\]\.(\w+)")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferAgreementForm(KoppelForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("Einde"), widget=DATE)
    mentoring_hours = forms.IntegerField(
        label=_("Begeleidingsuren van het bedrijf"),
        min_value=1,
        max_value=1000,
        help_text=_("In totaal, voor alle studenten samen. Het aanbod noemt geen uren."),
    )
    place = forms.CharField(
        label=_("Adres of plek"),
        max_length=200,
        required=False,
        help_text=_("Leeg: de soort plek uit het aanbod (bij het bedrijf, op school, op afstand)."),
    )
    provides = forms.CharField(
        label=_("Wat het bedrijf biedt"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In de afspraak staat: “[bedrijf] biedt: …”."),
    )
    deliverables = forms.CharField(
        label=_("Wat de studenten opleveren"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        parties: Sequence[tuple["Organisation", Sequence["User"]]],
        rows: int,
        **kwargs: Any,
    ) -> None:
        """`parties`: the school and the company, each with who may own its commitments;
        `rows`: how many commitment rows to show."""
        super().__init__(*args, **kwargs)
        self.parties = parties
        self.rows = rows
        choices: list[Any] = [("", "—")]
        for organisation, people in parties:
            choices.append(
                (organisation.name, [(f"{organisation.pk}:{p.pk}", str(p)) for p in people])
            )
        for index in range(rows):
            self.fields[f"c{index}_title"] = forms.CharField(
                label=_("Wat"), max_length=200, required=False
            )
            self.fields[f"c{index}_owner"] = forms.ChoiceField(
                label=_("Wie (namens)"), choices=choices, required=False
            )
            self.fields[f"c{index}_due_on"] = forms.DateField(
                label=_("Uiterlijk"), required=False, widget=DATE
            )

    def commitment_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"c{i}_title"], self[f"c{i}_owner"], self[f"c{i}_due_on"])
            for i in range(self.rows)
        ]

    def term_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in OfferAgreementDraft.__dataclass_fields__ if name in self.fields
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(self.rows):
            title = (data.get(f"c{index}_title") or "").strip()
            owner, due_on = data.get(f"c{index}_owner"), data.get(f"c{index}_due_on")
            if title and not owner:
                self.add_error(f"c{index}_owner", _("Kies wie dit doet."))
            if title and not due_on:
                self.add_error(f"c{index}_due_on", _("Vul een datum in."))
            if not title and (owner or due_on):
                self.add_error(f"c{index}_title", _("Vul in wat er gebeurt."))
        return data

    def draft(self) -> OfferAgreementDraft:
        """The valid form as a draft for the agreements service."""
        data = self.cleaned_data
        people = {
            f"{organisation.pk}:{person.pk}": (organisation, person)
            for organisation, persons in self.parties
            for person in persons
        }
        plans = []
        self.plan_rows: list[int] = []
        for index in range(self.rows):
            title = (data.get(f"c{index}_title") or "").strip()
            if not title:
                continue
            self.plan_rows.append(index)
            organisation, person = people[data[f"c{index}_owner"]]
            plans.append(
                CommitmentPlan(
                    title=title,
                    owner=person,
                    organisation=organisation,
                    due_on=cast(dt.date, data[f"c{index}_due_on"]),
                )
            )
        return OfferAgreementDraft(
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            mentoring_hours=data["mentoring_hours"],
            place=data["place"],
            provides=data["provides"],
            deliverables=data["deliverables"],
            commitments=tuple(plans),
        )

    def apply_service_error(self, error: ApplicationError) -> None:
        """Put the service's errors on the fields: "commitments[1].owner" is the row of the
        second filled-in commitment."""
        fields = (error.extra or {}).get("fields") or {}
        mapped: dict[str, Any] = {}
        for name, errors in fields.items():
            match = COMMITMENT_FIELD.fullmatch(name)
            if match and int(match[1]) < len(getattr(self, "plan_rows", [])):
                part = "owner" if match[2] == "organisation" else match[2]
                name = f"c{self.plan_rows[int(match[1])]}_{part}"
            mapped[name] = errors
        apply_application_error(self, ApplicationError(error.message, extra={"fields": mapped}))


def draft_initial(draft: OfferAgreementDraft) -> dict[str, Any]:
    """The form's initial values for a prefilled draft."""
    initial: dict[str, Any] = {
        "title": draft.title,
        "starts_on": draft.starts_on,
        "ends_on": draft.ends_on,
        "mentoring_hours": draft.mentoring_hours,
        "place": draft.place,
        "provides": draft.provides,
        "deliverables": draft.deliverables,
    }
    for index, plan in enumerate(draft.commitments):
        initial[f"c{index}_title"] = plan.title
        initial[f"c{index}_owner"] = f"{plan.organisation.pk}:{plan.owner.pk}"
        initial[f"c{index}_due_on"] = plan.due_on
    return initial
