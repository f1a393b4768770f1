"""Allocation round pages: coordinators run rounds, teachers read them, students choose and see
their result, companies see their teams. Every read goes through the allocations selectors and
every write through the allocations services, exactly like the API (backend/allocations/apis)."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.accounts.models import User
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
from backend.allocations.selectors.review import (
    EXPORT_ORDER,
    assignments_csv,
    assignments_for_round,
    company_teams,
    objections_for_round,
    runs_compare,
    runs_for_round,
    unassigned_with_room,
)
from backend.allocations.selectors.student import (
    challenges_for_student,
    choice_list_for,
    choices_for,
    classmates_for,
    result_for_student,
)
from backend.core.errors import ApplicationError, NotFound
from backend.core.errors import PermissionDenied as DomainPermissionDenied
from backend.curriculum.models import Kwalificatie
from backend.offers.models import Offer, OfferKind, OfferStatus
from backend.organisations.models import Consortium, Organisation
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import (
    COMPANY_ROLES,
    COORDINATOR_ROLES,
    STAFF_ROLES,
    STUDENT_ROLES,
    role_required,
)


def _domain(view):
    """Turn the selectors' 403/404 errors into Django's, so each role gets a plain refusal."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainPermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapped


def _flash_error(request, error: ApplicationError) -> None:
    fields = (error.extra or {}).get("fields") or {}
    details = [str(m) for messages_ in fields.values() for m in messages_]
    messages.error(request, details[0] if details else error.message)


# ---- Coordinator / teacher pages ------------------------------------------------------------


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
        if not all(part.isdigit() and 2000 <= int(part) <= 2100 for part in raw):
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
        self.fields["challenges"].queryset = (
            Offer.objects.filter(kind=OfferKind.CHALLENGE, status=OfferStatus.PUBLISHED)
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
@_domain
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
@_domain
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


PHASE_ACTIONS = {
    "open": services.allocation_round_open_choosing,
    "close-choices": services.allocation_round_close_choosing,
    "publish": services.allocation_round_publish,
    "close": services.allocation_round_close,
}


@role_required(*COORDINATOR_ROLES)
@require_POST
@_domain
def round_action(request, round_id: int, action: str):
    round = access.get_round_for_manager(request.user, round_id)
    service = PHASE_ACTIONS.get(action)
    if service is None:
        raise Http404
    try:
        service(round=round, actor=request.user, now=timezone.now())
    except ApplicationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("Gelukt."))
    return redirect("frontend:round-detail", round.pk)


@role_required(*COORDINATOR_ROLES)
@require_POST
@_domain
def run_start(request, round_id: int):
    round = access.get_round_for_manager(request.user, round_id)
    try:
        mode = request.POST.get("mode", RunMode.OPTIMAL)
        seed = int(request.POST.get("seed") or 0)
        weight = float(request.POST.get("coverage_weight") or 0)
        services.allocation_run_start(
            round=round, actor=request.user, mode=mode, seed=seed, coverage_weight=weight
        )
    except ValueError:
        messages.error(request, _("Seed en gewicht moeten getallen zijn."))
    except ApplicationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("De indeling is gestart."))
    return redirect("frontend:round-detail", round.pk)


@role_required(*COORDINATOR_ROLES)
@require_POST
@_domain
def run_action(request, round_id: int, run_id: int, action: str):
    round = access.get_round_for_manager(request.user, round_id)
    run = get_object_or_404(AllocationRun, pk=run_id, round=round)
    run.round = round
    service = {"retry": services.allocation_run_retry, "apply": services.allocation_run_apply}.get(
        action
    )
    if service is None:
        raise Http404
    try:
        service(run=run, actor=request.user)
    except ApplicationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("Gelukt."))
    return redirect("frontend:round-detail", round.pk)


@role_required(*COORDINATOR_ROLES)
@require_POST
@_domain
def assignment_action(request, round_id: int, student_id: int, action: str):
    round = access.get_round_for_manager(request.user, round_id)
    student = get_object_or_404(User, pk=student_id)
    try:
        if action == "lock":
            services.assignment_lock(round=round, student=student, actor=request.user)
        elif action == "unlock":
            services.assignment_unlock(round=round, student=student, actor=request.user)
        elif action == "override":
            offer = Offer.objects.filter(pk=request.POST.get("offer") or 0).first()
            if offer is None:
                raise ApplicationError(_("Kies een uitdaging."))
            services.assignment_override(
                round=round, student=student, offer=offer, actor=request.user
            )
        else:
            raise Http404
    except ApplicationError as error:
        _flash_error(request, error)
    else:
        messages.success(
            request, _("De indeling van %(name)s is aangepast.") % {"name": student.first_name}
        )
    return redirect(request.POST.get("next") or reverse("frontend:round-detail", args=[round.pk]))


@role_required(*STAFF_ROLES)
@_domain
def round_compare(request, round_id: int):
    round = access.get_round_for_staff(request.user, round_id)
    succeeded = list(runs_for_round(round).filter(status=RunStatus.SUCCEEDED))
    by_id = {run.pk: run for run in succeeded}
    try:
        a = by_id.get(int(request.GET.get("a", 0))) or (
            succeeded[1] if len(succeeded) > 1 else None
        )
        b = by_id.get(int(request.GET.get("b", 0))) or (succeeded[0] if succeeded else None)
    except ValueError:
        a = b = None
    comparison = None
    if a and b:
        a = AllocationRun.objects.get(pk=a.pk)
        b = AllocationRun.objects.get(pk=b.pk)
        comparison = runs_compare(a, b)
    keys = [
        ("assigned", _("ingedeeld")),
        ("unassigned", _("niet ingedeeld")),
        ("share_first_choice", _("aandeel 1e keus")),
        ("share_top3", _("aandeel top-3")),
        ("worst_rank", _("slechtste keus")),
        ("total_rank", _("totale keusnummers")),
        ("goal_coverage", _("dekking leerdoelen")),
    ]
    rows = []
    if comparison:
        for key, label in keys:
            rows.append((label, comparison["a"].get(key), comparison["b"].get(key)))
    return render(
        request,
        "frontend/rounds/round_compare.html",
        {"round": round, "runs": succeeded, "a": a, "b": b, "comparison": comparison, "rows": rows},
    )


@role_required(*STAFF_ROLES)
@_domain
def round_unassigned(request, round_id: int):
    round = access.get_round_for_staff(request.user, round_id)
    return render(
        request,
        "frontend/rounds/round_unassigned.html",
        {
            "round": round,
            "leftovers": unassigned_with_room(round, today=timezone.localdate()),
            "can_manage": access.can_manage(request.user, round),
            "can_place": round.phase in (Phase.REVIEW,),
        },
    )


@role_required(*STAFF_ROLES)
@_domain
def round_export(request, round_id: int, by: str):
    round = access.get_round_for_staff(request.user, round_id)
    if by not in EXPORT_ORDER:
        raise Http404
    response = HttpResponse(assignments_csv(round, by=by), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="round-{round.pk}-per-{by}.csv"'
    return response


@role_required(*STAFF_ROLES)
@_domain
def round_objections(request, round_id: int):
    round = access.get_round_for_staff(request.user, round_id)
    offers = Offer.objects.filter(
        pk__in=RoundChallenge.objects.filter(round=round).values("offer_id")
    ).order_by("title")
    return render(
        request,
        "frontend/rounds/round_objections.html",
        {
            "round": round,
            "objections": objections_for_round(round),
            "offers": offers,
            "can_manage": access.can_manage(request.user, round),
        },
    )


@role_required(*COORDINATOR_ROLES)
@require_POST
@_domain
def objection_decide(request, round_id: int, objection_id: int):
    round = access.get_round_for_manager(request.user, round_id)
    objection = get_object_or_404(
        Objection.objects.select_related("student"), pk=objection_id, round=round
    )
    objection.round = round
    try:
        if request.POST.get("decision") == "accept":
            offer = Offer.objects.filter(pk=request.POST.get("offer") or 0).first()
            if offer is None:
                raise ApplicationError(_("Kies de uitdaging waar de student naartoe gaat."))
            services.objection_accept(
                objection=objection,
                actor=request.user,
                offer=offer,
                answer=request.POST.get("answer", ""),
            )
        else:
            services.objection_decline(
                objection=objection, actor=request.user, answer=request.POST.get("answer", "")
            )
    except ApplicationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("Het bezwaar is afgehandeld."))
    return redirect("frontend:round-objections", round.pk)


# ---- Student pages ---------------------------------------------------------------------------


def _choice_order(request) -> list[int]:
    """The ranked offer ids from the form: each challenge has a position field (blank = not
    chosen). The up/down buttons post `move=<up|down>:<offer id>` and reorder on the server, so
    the page works without JavaScript and with a keyboard."""
    ranked = []
    for key, value in request.POST.items():
        if key.startswith("position-") and value.strip():
            try:
                ranked.append((int(value), int(key.removeprefix("position-"))))
            except ValueError:
                continue
    order = [offer_id for _position, offer_id in sorted(ranked)]
    move = request.POST.get("move", "")
    if ":" in move:
        direction, _sep, raw = move.partition(":")
        if raw.isdigit() and int(raw) in order:
            i = order.index(int(raw))
            j = i - 1 if direction == "up" else i + 1
            if 0 <= j < len(order):
                order[i], order[j] = order[j], order[i]
    return order


@role_required(*STUDENT_ROLES, allow_staff=False)
def student_rounds(request):
    rounds = access.rounds_for_student(request.user)
    return render(request, "frontend/rounds/student_rounds.html", {"rounds": rounds})


@role_required(*STUDENT_ROLES, allow_staff=False)
def student_assignment(request):
    published = [
        r
        for r in access.rounds_for_student(request.user)
        if r.phase in (Phase.PUBLISHED, Phase.OBJECTIONS, Phase.CLOSED)
    ]
    if published:
        return redirect("frontend:round-student", published[0].pk)
    return render(
        request,
        "frontend/rounds/student_rounds.html",
        {"rounds": access.rounds_for_student(request.user), "no_result": True},
    )


@role_required(*STUDENT_ROLES, allow_staff=False)
@_domain
def round_student(request, round_id: int):
    round, enrolment = access.get_round_for_student(request.user, round_id)
    now = timezone.now()
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("form") == "objection":
        try:
            services.objection_submit(
                round=round, student=request.user, reason=request.POST.get("reason", ""), now=now
            )
        except ApplicationError as error:
            _flash_error(request, error)
        else:
            messages.success(
                request,
                _("Je bezwaar is ingediend. De coördinator laat je weten wat er mee gebeurt."),
            )
        return redirect("frontend:round-student", round.pk)
    chosen = [c.offer_id for c in choices_for(round, request.user)]
    choice_list = choice_list_for(round, request.user)
    teammates = [u.pk for u in choice_list.teammates.all()] if choice_list else []
    if request.method == "POST" and request.POST.get("form") == "choices":
        chosen = _choice_order(request)
        teammates = [int(pk) for pk in request.POST.getlist("teammates") if pk.isdigit()]
        if not request.POST.get("move"):
            try:
                services.choice_list_submit(
                    round=round,
                    student=request.user,
                    offer_ids=chosen,
                    teammate_ids=teammates,
                    now=now,
                )
            except ApplicationError as error:
                fields = (error.extra or {}).get("fields") or {}
                errors = [str(m) for ms in fields.values() for m in ms] or [error.message]
            else:
                messages.success(
                    request, _("Je keuzes zijn opgeslagen. Je kunt ze aanpassen tot de deadline.")
                )
                return redirect("frontend:round-student", round.pk)
    items = challenges_for_student(round, enrolment, today=timezone.localdate(now))
    query = request.GET.get("q", "").strip().lower()
    host = request.GET.get("host", "")
    fits_only = request.GET.get("fits") == "1"
    hosts = sorted({item.offer.owner.name for item in items})
    shown = [
        item
        for item in items
        if (
            not query
            or query in item.offer.title.lower()
            or query in item.offer.description.lower()
        )
        and (not host or item.offer.owner.name == host)
        and (not fits_only or item.fits)
    ]
    by_id = {item.offer.pk: item for item in items}
    ranked = [by_id[pk] for pk in chosen if pk in by_id]
    context = {
        "round": round,
        "choosing": round.phase == Phase.CHOOSING and now < round.choices_close_at,
        "items": shown,
        "ranked": ranked,
        "positions": {pk: i for i, pk in enumerate(chosen, 1)},
        "hosts": hosts,
        "query": request.GET.get("q", ""),
        "host": host,
        "fits_only": fits_only,
        "errors": errors,
        "classmates": classmates_for(round, enrolment),
        "teammates": teammates,
        "result": result_for_student(round, request.user, now=now),
        "choice_list": choice_list,
    }
    return render(request, "frontend/rounds/round_student.html", context)


# ---- Company page ----------------------------------------------------------------------------


@role_required(*COMPANY_ROLES)
def round_teams(request):
    return render(
        request, "frontend/rounds/round_teams.html", {"teams": company_teams(request.user)}
    )
