"""Round set-up and the round dashboard: coordinators create rounds; coordinators and teachers
read the list, the detail page with metrics and assignments, and the run progress partial."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.selectors import consortium_ids_for_organisations, coordinator_school_ids
from backend.allocations import services
from backend.allocations.models import (
    ACTIVE_RUN_STATUSES,
    AllocationRun,
    Objection,
    ObjectionStatus,
    Phase,
    RoundChallenge,
    RunMode,
    RunStatus,
)
from backend.allocations.selectors import access
from backend.allocations.selectors.review import assignments_for_round, runs_for_round
from backend.core.errors import ApplicationError
from backend.curriculum.models import Kwalificatie
from backend.offers.models import Offer
from backend.organisations.models import Consortium, Organisation
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import COORDINATOR_ROLES, STAFF_ROLES, role_required
from frontend.views.rounds.common import domain_errors


@role_required(*STAFF_ROLES)
def round_list(request):
    rounds = access.rounds_readable_by_staff(request.user).select_related("school", "consortium")
    can_create = bool(coordinator_school_ids(request.user)) or request.user.is_staff
    return render(
        request, "frontend/rounds/round_list.html", {"rounds": rounds, "can_create": can_create}
    )


class RoundForm(KoppelForm):
    """The settings of a new round; the rules are checked by allocation_round_create."""

    name = forms.CharField(label=gettext_lazy("Naam"), max_length=200)
    period = forms.CharField(label=gettext_lazy("Periode"), max_length=50, required=False)
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=Organisation.objects.none(), required=False
    )
    consortium = forms.ModelChoiceField(
        label=gettext_lazy("Of: consortium"), queryset=Consortium.objects.none(), required=False
    )
    challenges = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Uitdagingen in deze ronde"),
        queryset=Offer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    kwalificaties = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Opleidingen (leeg = alle)"),
        queryset=Kwalificatie.objects.none(),
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = coordinator_school_ids(user)
        self.fields["school"].queryset = Organisation.objects.filter(pk__in=schools)
        self.fields["consortium"].queryset = Consortium.objects.filter(
            pk__in=consortium_ids_for_organisations(schools)
        )
        self.fields["kwalificaties"].queryset = Kwalificatie.objects.filter(
            enrolments__school_id__in=schools
        ).distinct()
        # Only challenges a round of the coordinator's schools or consortia may hold: never
        # another school's titles (the service checks the chosen school or consortium again).
        self.fields["challenges"].queryset = (
            access.challenges_for_rounds_of_coordinator(user)
            .select_related("owner")
            .order_by("title")
        )


@role_required(*COORDINATOR_ROLES)
def round_create(request):
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            round = services.allocation_round_create(
                actor=request.user,
                name=d["name"],
                period=d["period"],
                school=d["school"],
                consortium=d["consortium"],
                challenges=list(d["challenges"]),
                kwalificaties=list(d["kwalificaties"]),
                cohorts=d["cohorts"],
                min_choices=d["min_choices"],
                max_choices=d["max_choices"],
                choices_close_at=d["choices_close_at"],
                objections_close_at=d["objections_close_at"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _("De ronde is aangemaakt."))
            return redirect("frontend:round-detail", round.pk)
    return render(request, "frontend/rounds/round_form.html", {"form": form})


def _run_context(run: AllocationRun | None) -> dict:
    return {"run": run, "active": bool(run and run.status in ACTIVE_RUN_STATUSES)}


def _chart_rank_profile(metrics: dict) -> list[tuple[str, int]]:
    profile = metrics.get("rank_profile") or {}
    rows = [
        (_("%(rank)se keus") % {"rank": rank}, n)
        for rank, n in sorted(profile.items(), key=lambda kv: int(kv[0]))
    ]
    rows.append((_("niet ingedeeld"), metrics.get("unassigned", 0)))
    return rows


def _chart_fill_rates(metrics: dict, titles: dict[int, str]) -> list[tuple[str, int]]:
    rates = metrics.get("fill_rate_challenges") or {}
    rows = [
        (titles.get(int(key[1:]), key), round(100 * rate))
        for key, rate in rates.items()
        if rate is not None
    ]
    return sorted(rows, key=lambda row: -row[1])[:25]


def _fairness(metrics: dict, schools: dict[int, str]) -> list[dict]:
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


ASSIGNMENTS_SHOWN = 200


def _assignment_page(request, round) -> dict:
    """The first 200 assignments, optionally filtered by name, class or challenge (a round can
    hold 10,000 students; the CSV export has them all)."""
    if round.phase == Phase.PREPARING:
        return {"assignments": [], "assignment_total": 0, "q": ""}
    queryset = assignments_for_round(round)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(
            Q(student__first_name__icontains=q)
            | Q(student__last_name__icontains=q)
            | Q(student__enrolment__class_code__iexact=q)
            | Q(offer__title__icontains=q)
        )
    return {
        "assignments": queryset[:ASSIGNMENTS_SHOWN],
        "assignment_total": queryset.count(),
        "q": q,
    }


@role_required(*STAFF_ROLES)
@domain_errors
def round_detail(request, round_id: int):
    round = access.get_round_for_staff(request.user, round_id)
    can_manage = access.can_manage(request.user, round)
    runs = list(runs_for_round(round)[:10])
    latest = runs[0] if runs else None
    applied = round.applied_run
    metrics = (applied.metrics if applied else None) or {}
    entries = RoundChallenge.objects.filter(round=round).select_related("offer__owner")
    titles = {entry.offer_id: entry.offer.title for entry in entries}
    context = {
        "round": round,
        "can_manage": can_manage,
        "runs": runs,
        "entries": entries,
        "metrics": metrics,
        "rank_chart": _chart_rank_profile(metrics) if metrics else [],
        "fill_chart": _chart_fill_rates(metrics, titles) if metrics else [],
        "fairness": _fairness(metrics, access.school_names(access.round_school_ids(round)))
        if metrics
        else [],
        **_assignment_page(request, round),
        "choice_count": round.choice_lists.count(),
        "participant_count": access.round_enrolments(round).count(),
        "open_objections": Objection.objects.filter(
            round=round, status=ObjectionStatus.OPEN
        ).count(),
        "modes": RunMode.choices,
        "Phase": Phase,
        "exports": [
            ("challenge", _("CSV per uitdaging")),
            ("host", _("CSV per bedrijf")),
            ("class", _("CSV per klas")),
        ],
        **_run_context(latest),
    }
    return render(request, "frontend/rounds/round_detail.html", context)


@role_required(*STAFF_ROLES)
@domain_errors
def run_progress(request, round_id: int, run_id: int):
    """The small progress partial htmx polls every second while a run is active."""
    round = access.get_round_for_staff(request.user, round_id)
    run = get_object_or_404(
        AllocationRun.objects.defer("problem", "result"), pk=run_id, round=round
    )
    response = render(
        request, "frontend/rounds/_run_progress.html", {"round": round, **_run_context(run)}
    )
    if run.status == RunStatus.SUCCEEDED and request.htmx:
        # Reload the page once so the dashboard shows the new result.
        response["HX-Refresh"] = "true"
    return response
