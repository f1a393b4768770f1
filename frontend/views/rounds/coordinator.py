"""Round set-up and the round dashboard: coordinators create rounds; coordinators and teachers
read the list, the detail page with metrics and assignments, and the run progress partial."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import COORDINATING_ROLES, SCHOOL_STAFF_ROLES
from backend.allocations import services
from backend.allocations.models import Phase, RunMode
from backend.allocations.selectors import access
from backend.allocations.selectors.figures import round_figures
from backend.allocations.selectors.review import (
    assignments_for_round,
    choice_count,
    open_objection_count,
    round_entries,
    run_of_round,
    runs_for_round,
)
from backend.core.errors import ApplicationError
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from backend.accounts.models import User
    from backend.allocations.models import AllocationRound, AllocationRun
    from backend.allocations.selectors.figures import RoundFigures
    from backend.curriculum.models import Kwalificatie
    from backend.offers.models import Offer
    from backend.organisations.models import Consortium, Organisation

    class HtmxHttpRequest(HttpRequest):
        htmx: HtmxDetails


@role_required(*SCHOOL_STAFF_ROLES)
def round_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rounds = access.rounds_readable_by_staff(user).select_related("school", "consortium")
    return render(
        request,
        "frontend/rounds/round_list.html",
        {"rounds": rounds, "can_create": access.may_open_rounds(user)},
    )


class RoundForm(KoppelForm):
    """The settings of a new round; the rules are checked by allocation_round_create. The
    choices come from the allocations access selectors (only the coordinator's own schools,
    consortia, programmes and challenges)."""

    name = forms.CharField(label=gettext_lazy("Naam"), max_length=200)
    period = forms.CharField(label=gettext_lazy("Periode"), max_length=50, required=False)
    school: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=None, required=False
    )
    consortium: "forms.ModelChoiceField[Consortium]" = forms.ModelChoiceField(
        label=gettext_lazy("Of: consortium"), queryset=None, required=False
    )
    challenges: "forms.ModelMultipleChoiceField[Offer]" = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Uitdagingen in deze ronde"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    kwalificaties: "forms.ModelMultipleChoiceField[Kwalificatie]" = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Opleidingen (leeg = alle)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    cohorts = forms.CharField(
        label=gettext_lazy("Cohorten (leeg = alle)"),
        help_text=gettext_lazy("Jaartallen met komma's, bijvoorbeeld 2024, 2025"),
        required=False,
    )
    min_choices = forms.IntegerField(
        label=gettext_lazy("Minimaal aantal keuzes"), initial=3, min_value=1, max_value=10
    )
    max_choices = forms.IntegerField(
        label=gettext_lazy("Maximaal aantal keuzes"), initial=5, min_value=1, max_value=10
    )
    choices_close_at = forms.DateTimeField(
        label=gettext_lazy("Keuzes sluiten op"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    objections_close_at = forms.DateTimeField(
        label=gettext_lazy("Bezwaar mogelijk tot"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean_cohorts(self) -> list[int]:
        raw = [part.strip() for part in self.cleaned_data["cohorts"].split(",") if part.strip()]
        if not all(part.isascii() and part.isdigit() and 2000 <= int(part) <= 2100 for part in raw):
            raise forms.ValidationError(_("Geef jaartallen, bijvoorbeeld 2024, 2025."))
        return [int(part) for part in raw]

    def __init__(self, *args: Any, user: "User", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("school").queryset = access.schools_for_new_round(user)
        self._choices("consortium").queryset = access.consortia_for_new_round(user)
        self._choices("kwalificaties").queryset = access.kwalificaties_for_new_round(user)
        self._choices("challenges").queryset = access.challenges_for_new_round(user)

    def _choices(self, name: str) -> "forms.ModelChoiceField[Any]":
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field


def _create_round(user: "User", data: dict[str, Any]) -> "AllocationRound":
    return services.allocation_round_create(
        actor=user,
        name=data["name"],
        period=data["period"],
        school=data["school"],
        consortium=data["consortium"],
        challenges=list(data["challenges"]),
        kwalificaties=list(data["kwalificaties"]),
        cohorts=data["cohorts"],
        min_choices=data["min_choices"],
        max_choices=data["max_choices"],
        choices_close_at=data["choices_close_at"],
        objections_close_at=data["objections_close_at"],
        now=timezone.now(),
    )


@role_required(*COORDINATING_ROLES)
def round_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = RoundForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            allocation_round = _create_round(user, form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _("De ronde is aangemaakt."))
            return redirect("frontend:round-detail", allocation_round.pk)
    return render(request, "frontend/rounds/round_form.html", {"form": form})


def _run_context(run: "AllocationRun | None") -> dict[str, Any]:
    return {"run": run, "active": bool(run and run.is_active)}


def _chart_rank_profile(figures: "RoundFigures") -> list[tuple[str, int]]:
    """Students per rank they got, then those placed outside their choices and the waiting."""
    rows = [(_("%(rank)se keus") % {"rank": rank}, n) for rank, n in figures.rank_profile.items()]
    if figures.outside_choices:
        rows.append((_("buiten de keuzes"), figures.outside_choices))
    rows.append((_("niet ingedeeld"), figures.unassigned))
    return rows


def _chart_fill_rates(figures: "RoundFigures") -> list[tuple[str, int]]:
    rows = [(item.title, item.percent) for item in figures.occupancy if item.percent is not None]
    return sorted(rows, key=lambda row: -row[1])[:25]


def _fairness(metrics: dict[str, Any], schools: dict[int, str]) -> list[dict[str, Any]]:
    rows = []
    for kind, groups in (metrics.get("by_group") or {}).items():
        for name, figures in sorted(groups.items()):
            label = (
                schools.get(int(name[1:]), name)
                if kind == "school" and name[1:].isdigit()
                else name
            )
            kind_label = {"school": _("school"), "level": _("niveau")}.get(kind, kind)
            rows.append({"kind": kind_label, "name": label, **figures})
    return rows


def _proposal(run: "AllocationRun | None", metrics: dict[str, Any]) -> dict[str, Any] | None:
    """The applied run's own figures (its proposal, before any manual change)."""
    if run is None or not metrics:
        return None
    return {
        "run_id": run.pk,
        "assigned": metrics.get("assigned", 0),
        "unassigned": metrics.get("unassigned", 0),
        "first_choice": (metrics.get("rank_profile") or {}).get("1", 0),
    }


ASSIGNMENTS_SHOWN = 200


def _assignment_page(request: HttpRequest, allocation_round: "AllocationRound") -> dict[str, Any]:
    """The first 200 assignments, optionally filtered by name, class or challenge (a round can
    hold 10,000 students; the CSV export has them all)."""
    if allocation_round.is_preparing:
        return {"assignments": [], "assignment_total": 0, "q": ""}
    q = request.GET.get("q", "").strip()
    queryset = assignments_for_round(allocation_round, search=q)
    return {
        "assignments": queryset[:ASSIGNMENTS_SHOWN],
        "assignment_total": queryset.count(),
        "q": q,
    }


def _result_context(allocation_round: "AllocationRound") -> dict[str, Any]:
    """The current figures (counted from this round's assignments, so an override shows at
    once) with their charts, and the applied run's own proposal and fairness table beside them."""
    figures = round_figures(allocation_round)
    applied = allocation_round.applied_run
    metrics = (applied.metrics if applied else None) or {}
    schools = access.school_names(access.round_school_ids(allocation_round)) if metrics else {}
    return {
        "figures": figures,
        "has_result": bool(metrics) or figures.assigned > 0,
        "rank_chart": _chart_rank_profile(figures),
        "fill_chart": _chart_fill_rates(figures),
        "proposal": _proposal(applied, metrics),
        "fairness": _fairness(metrics, schools),
    }


EXPORTS = (
    ("challenge", gettext_lazy("CSV per uitdaging")),
    ("host", gettext_lazy("CSV per bedrijf")),
    ("class", gettext_lazy("CSV per klas")),
)


@role_required(*SCHOOL_STAFF_ROLES)
@domain_errors
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round = access.get_round_for_staff(user, round_id)
    runs = list(runs_for_round(allocation_round)[:10])
    entries = round_entries(allocation_round)
    context = {
        "round": allocation_round,
        "can_manage": access.can_manage(user, allocation_round),
        "runs": runs,
        "entries": entries,
        **_result_context(allocation_round),
        **_assignment_page(request, allocation_round),
        "choice_count": choice_count(allocation_round),
        "open_objections": open_objection_count(allocation_round),
        "modes": RunMode.choices,
        "Phase": Phase,
        "exports": EXPORTS,
        **_run_context(runs[0] if runs else None),
    }
    return render(request, "frontend/rounds/round_detail.html", context)


@role_required(*SCHOOL_STAFF_ROLES)
@domain_errors
def run_progress(request: "HtmxHttpRequest", round_id: int, run_id: int) -> HttpResponse:
    """The small progress partial htmx polls every second while a run is active."""
    allocation_round = access.get_round_for_staff(signed_in_user(request), round_id)
    run = run_of_round(allocation_round, run_id)
    if run is None:
        raise Http404
    response = render(
        request,
        "frontend/rounds/_run_progress.html",
        {"round": allocation_round, **_run_context(run)},
    )
    if run.succeeded and request.htmx:
        # Reload the page once so the dashboard shows the new result.
        response["HX-Refresh"] = "true"
    return response
