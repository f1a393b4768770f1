"""Round set-up and the round dashboard: coordinators create rounds; coordinators and teachers
read the list, the detail page with metrics and assignments, and the run progress partial."""

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import COORDINATING_ROLES, SCHOOL_STAFF_ROLES
from backend.allocations import services, texts
from backend.allocations.models import Phase, RunMode
from backend.allocations.selectors import access
from backend.allocations.selectors.figures import (
    CHALLENGE_FILLS,
    ChallengeFilters,
    fill_rates,
    round_challenge_count,
    round_challenge_title,
    round_challenge_titles,
    round_challenges_page,
    round_figures,
)
from backend.allocations.selectors.review import (
    assignment_of_student,
    choice_count,
    open_objection_count,
    run_of_round,
    runs_for_round,
)
from backend.allocations.selectors.roster import (
    OUTSIDE_CHOICES,
    STUDENT_STATUSES,
    TARGETS_SHOWN,
    StudentCursor,
    StudentFilters,
    rooms_to_move_to,
    round_students_page,
)
from backend.allocations.selectors.teams import (
    TeamSummary,
    run_team_summary,
    team_settings_changed_after,
)
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors, round_page_back

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from backend.accounts.models import User
    from backend.allocations.models import AllocationRound, AllocationRun
    from backend.allocations.selectors.figures import ChallengeOccupancy, RoundFigures
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


class _ChallengeChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Each challenge with its company; a consortium partner's challenge says that it belongs in
    a consortium round only, so a coordinator is not surprised by another school's title."""

    own_school_ids: set[int] = set()

    def label_from_instance(self, obj: "Offer") -> str:
        label = f"{obj.title} ({obj.owner.name})"
        if not {school.pk for school in obj.schools.all()} & self.own_school_ids:
            label += " · " + _("alleen in een consortiumronde")
        return label


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
    challenges = _ChallengeChoiceField(
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
        challenges = self.fields["challenges"]
        assert isinstance(challenges, _ChallengeChoiceField)
        challenges.own_school_ids = {school.pk for school in access.schools_for_new_round(user)}

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


def _chart_fill_rates(fill: "list[ChallengeOccupancy]") -> list[tuple[str, int]]:
    return [(item.title, item.percent) for item in fill if item.percent is not None]


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


STUDENTS_PER_PAGE = 50
# Kept for imports elsewhere: the page shows this many students at a time.
ASSIGNMENTS_SHOWN = STUDENTS_PER_PAGE
# The list of the round's challenges shows this many at a time.
CHALLENGES_PER_PAGE = 25

STATUS_LABELS = (
    ("assigned", gettext_lazy("ingedeeld")),
    ("unassigned", gettext_lazy("niet ingedeeld")),
    ("overridden", gettext_lazy("handmatig aangepast")),
    ("objection", gettext_lazy("met bezwaar")),
)
FILL_LABELS = (
    ("room", gettext_lazy("met een vrije plaats")),
    ("full", gettext_lazy("vol")),
    ("unchosen", gettext_lazy("door niemand gekozen")),
)


def _number(value: str | None, *, low: int, high: int) -> int | None:
    """A whole number low..high from the query string, else None (ignored, never a 500)."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return None
    number = int(text)
    return number if low <= number <= high else None


def student_filters(request: HttpRequest, allocation_round: "AllocationRound") -> StudentFilters:
    """The filters in the query string; a value that is not one of the choices is left out."""
    status = request.GET.get("status", "")
    return StudentFilters(
        search=" ".join(request.GET.get("q", "").split())[:100],
        challenge=parse_id(request.GET.get("challenge")),
        status=status if status in STUDENT_STATUSES else "",
        rank=_number(
            request.GET.get("rank"), low=OUTSIDE_CHOICES, high=allocation_round.max_choices
        ),
    )


def challenge_filters(request: HttpRequest) -> ChallengeFilters:
    fill = request.GET.get("fill", "")
    return ChallengeFilters(
        search=" ".join(request.GET.get("cq", "").split())[:100],
        host=parse_id(request.GET.get("host")),
        fill=fill if fill in CHALLENGE_FILLS else "",
    )


def _student_cursor(request: HttpRequest) -> StudentCursor | None:
    """The place in the students' list: after a student, or before one (a page back)."""
    if "before" in request.GET:
        return StudentCursor.decode(request.GET.get("before"), backwards=True)
    return StudentCursor.decode(request.GET.get("after"))


@dataclass(frozen=True)
class _PageState:
    """Everything the round page keeps in its query string: the students' filters and place,
    and the challenge list's filters and page. Every link on the page is this state with a
    change, so paging one list never loses the other's place or filters."""

    filters: StudentFilters
    cursor: StudentCursor | None
    challenges: ChallengeFilters
    challenge_page: int

    def query(self) -> dict[str, str]:
        f, c = self.filters, self.challenges
        query = {
            "q": f.search,
            "challenge": str(f.challenge or ""),
            "status": f.status,
            "rank": "" if f.rank is None else str(f.rank),
        }
        if self.cursor is not None:
            query["before" if self.cursor.backwards else "after"] = self.cursor.encode()
        query.update(
            cq=c.search,
            host=str(c.host or ""),
            fill=c.fill,
            cpage=str(self.challenge_page) if self.challenge_page > 1 else "",
        )
        return {key: value for key, value in query.items() if value}

    def url(self, path: str, **changes: Any) -> str:
        query = urlencode(replace(self, **changes).query())
        return f"{path}?{query}" if query else path

    def hidden(self, keys: tuple[str, ...]) -> list[tuple[str, str]]:
        """The fields of `keys` as hidden inputs, for the other list's form."""
        return [(key, value) for key, value in self.query().items() if key in keys]


STUDENT_KEYS = ("q", "challenge", "status", "rank")
CHALLENGE_KEYS = ("cq", "host", "fill")


def _page_state(request: HttpRequest, allocation_round: "AllocationRound") -> _PageState:
    return _PageState(
        filters=student_filters(request, allocation_round),
        cursor=_student_cursor(request),
        challenges=challenge_filters(request),
        challenge_page=_number(request.GET.get("cpage"), low=1, high=10**6) or 1,
    )


# Up to this many challenges the students' filter is a <select>; a larger round is filtered
# from the list of its challenges ("studenten" per challenge), so the menu never grows.
CHALLENGE_SELECT_MAX = 60


def _challenge_filter(
    allocation_round: "AllocationRound", state: _PageState, challenges: int
) -> dict[str, Any]:
    """The students' challenge filter: a menu for a round of `challenges` up to
    CHALLENGE_SELECT_MAX, else the chosen challenge's title with a link to drop it (one query,
    at most CHALLENGE_SELECT_MAX rows, or none)."""
    chosen = state.filters.challenge
    small = challenges <= CHALLENGE_SELECT_MAX
    options = round_challenge_titles(allocation_round, limit=CHALLENGE_SELECT_MAX) if small else []
    title = next((t for pk, t in options if pk == chosen), "")
    if chosen and not small:
        title = round_challenge_title(allocation_round, chosen)
    return {
        "filters_challenge": str(chosen or ""),
        "challenge_select": small,
        "challenge_options": [(str(pk), t) for pk, t in options],
        "challenge_title": title,
    }


def _student_page(
    request: HttpRequest,
    allocation_round: "AllocationRound",
    state: _PageState,
    figures: "RoundFigures",
    challenges: int,
) -> dict[str, Any]:
    """One page of the round's students (filters and the place in the list in the query string,
    so links and reloads keep them); the CSV export has them all."""
    if allocation_round.is_preparing:
        return {"students": None}
    page = round_students_page(
        allocation_round,
        state.filters,
        cursor=state.cursor,
        per_page=STUDENTS_PER_PAGE,
        total=figures.participants,
    )
    path = request.path
    return {
        "students": page,
        "filters": state.filters,
        **_challenge_filter(allocation_round, state, challenges),
        "without_challenge_url": state.url(
            path, filters=replace(state.filters, challenge=None), cursor=None
        ),
        "here": state.url(path),
        "first_url": state.url(path, cursor=None) if page.has_previous else "",
        "previous_url": state.url(path, cursor=page.previous_cursor) if page.has_previous else "",
        "next_url": state.url(path, cursor=page.next_cursor) if page.has_next else "",
        "clear_url": state.url(path, filters=StudentFilters(), cursor=None),
        "student_hidden": state.hidden((*CHALLENGE_KEYS, "cpage")),
        "statuses": STATUS_LABELS,
        "ranks": range(1, allocation_round.max_choices + 1),
        "OUTSIDE_CHOICES": OUTSIDE_CHOICES,
    }


def _challenge_line(item: "ChallengeOccupancy", *, has_result: bool, with_choices: bool) -> str:
    """A challenge's line, "title — company (places)" and, before there is a result, how many
    students chose it: worded here rather than in the template."""
    places = (
        ngettext(
            "%(taken)s van %(places)s plaats bezet",
            "%(taken)s van %(places)s plaatsen bezet",
            item.capacity,
        )
        if has_result
        else ngettext("%(places)s plaats", "%(places)s plaatsen", item.capacity)
    ) % {"taken": item.taken, "places": item.capacity}
    text = f"{item.title} — {item.host} ({places})"
    if with_choices:
        text += " · " + ngettext(
            "%(n)s student koos deze", "%(n)s studenten kozen deze", item.chosen
        ) % {"n": item.chosen}
    return text


def _challenge_list(
    request: HttpRequest,
    allocation_round: "AllocationRound",
    state: _PageState,
    *,
    has_result: bool,
) -> dict[str, Any]:
    """One page of the round's challenges, filtered in the database, each with its places and
    how many chose it while there is no result yet, the most chosen first (after, by title: the
    places taken tell the story); the counts are stored per challenge, nothing is counted."""
    with_choices = not allocation_round.is_preparing and not has_result
    page = round_challenges_page(
        allocation_round,
        state.challenges,
        number=state.challenge_page,
        per_page=CHALLENGES_PER_PAGE,
        with_choices=with_choices,
        # While students choose, what the coordinator watches: the most chosen first.
        most_chosen_first=with_choices,
    )
    path = request.path
    here = replace(state, challenge_page=page.number)
    rows = [
        {
            "id": str(item.offer_id),
            "title": item.title,
            "host": item.host,
            "text": _challenge_line(item, has_result=has_result, with_choices=with_choices),
            "students_url": state.url(
                path, filters=StudentFilters(challenge=item.offer_id), cursor=None
            ),
            "host_url": state.url(
                path,
                challenges=ChallengeFilters(host=item.host_id),
                challenge_page=1,
            ),
        }
        for item in page.rows
    ]
    return {
        # How many challenges the round has (the page's own count when nothing is filtered).
        "round_challenges": page.total
        if not state.challenges.active
        else round_challenge_count(allocation_round),
        "challenge_page": page,
        "challenge_rows": rows,
        "cfilters": state.challenges,
        "most_chosen_first": with_choices,
        "fills": [(v, label) for v, label in FILL_LABELS if with_choices or v != "unchosen"],
        "challenge_hidden": here.hidden((*STUDENT_KEYS, "after", "before")),
        "challenges_clear_url": state.url(path, challenges=ChallengeFilters(), challenge_page=1),
        "without_host_url": state.url(
            path, challenges=replace(state.challenges, host=None), challenge_page=1
        ),
        "challenges_previous_url": state.url(path, challenge_page=page.number - 1)
        if page.has_previous
        else "",
        "challenges_next_url": state.url(path, challenge_page=page.number + 1)
        if page.has_next
        else "",
    }


def _applied_run(
    allocation_round: "AllocationRound", runs: list["AllocationRun"]
) -> "AllocationRun | None":
    """The applied run without its (large) problem and result: from the runs listed, else read
    on its own (never `allocation_round.applied_run`, which loads every column)."""
    if allocation_round.applied_run_id is None:
        return None
    listed = next((run for run in runs if run.pk == allocation_round.applied_run_id), None)
    return listed or run_of_round(allocation_round, allocation_round.applied_run_id)


def _result_context(
    allocation_round: "AllocationRound", runs: list["AllocationRun"]
) -> dict[str, Any]:
    """The current figures (counted from this round's assignments, so an override shows at
    once) with their charts, and the applied run's own proposal and fairness table beside them:
    aggregates over the round, never a list of all its students or challenges."""
    figures = round_figures(allocation_round)
    applied = _applied_run(allocation_round, runs)
    metrics = (applied.metrics if applied else None) or {}
    schools = access.school_names(access.round_school_ids(allocation_round)) if metrics else {}
    has_result = bool(metrics) or figures.assigned > 0
    return {
        "figures": figures,
        "has_result": has_result,
        "rank_chart": _chart_rank_profile(figures),
        "fill_chart": _chart_fill_rates(fill_rates(allocation_round)) if has_result else [],
        "proposal": _proposal(applied, metrics),
        "fairness": _fairness(metrics, schools),
        "teams": _team_context(run_team_summary(applied)),
        # Publishing now would publish a proposal made with team settings changed since.
        "team_settings_changed": allocation_round.accepts_team_settings
        and team_settings_changed_after(applied),
    }


def gap_percentage(gap: float) -> str:
    """The exact search's remaining gap (a fraction) as a percentage with one decimal in the
    page's language ("2,5"). Rounded up, never down: it is a bound ("hooguit"), and a gap that
    is not proven zero never reads "0,0"."""
    tenths = max(math.ceil(round(gap * 1000, 6)), 1)
    return number_format(tenths / 10, decimal_pos=1)


def _team_context(summary: TeamSummary | None) -> dict[str, Any] | None:
    """The applied run's team outcome, worded: groups kept together and why the others were
    not, the rules that bound per challenge, the remaining gap of the exact search."""
    if summary is None:
        return None
    gap = summary.gap
    return {
        "reported": summary.reported,
        "groups": summary.groups,
        "kept": summary.kept,
        "classes": summary.classes,
        "classes_kept": summary.classes_kept,
        "not_kept": [
            (texts.group_reason_label(reason), n)
            for reason, n in sorted(summary.not_kept.items(), key=lambda item: -item[1])
        ],
        "bound": [
            (
                rule.title,
                texts.bound_rule_sentence(
                    rule.kind,
                    value=rule.value,
                    count=rule.count,
                    hard=rule.hard,
                    students=rule.students,
                ),
            )
            for rule in summary.bound_rules
        ],
        # A percentage with one decimal, only when the search stopped before proving it optimal.
        "gap": None if summary.proven_optimal or gap is None else gap_percentage(gap),
        "proven": gap is not None and summary.proven_optimal,
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
    result = _result_context(allocation_round, runs)
    state = _page_state(request, allocation_round)
    challenges = _challenge_list(request, allocation_round, state, has_result=result["has_result"])
    context = {
        "round": allocation_round,
        "can_manage": access.can_manage(user, allocation_round),
        "runs": runs,
        **result,
        **challenges,
        **_student_page(
            request, allocation_round, state, result["figures"], challenges["round_challenges"]
        ),
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


@role_required(*COORDINATING_ROLES)
@domain_errors
def round_assignment(request: HttpRequest, round_id: int, student_id: int) -> HttpResponse:
    """One student's placement and the form to move them (the round page links here per row,
    so the round page does not repeat every challenge of the round in every row). The form
    posts to round-assignment-action and comes back to the place on the round page in `next`."""
    user = signed_in_user(request)
    allocation_round = access.get_round_for_manager(user, round_id)
    student = access.student_of_round(allocation_round, student_id)
    if student is None:
        raise Http404
    assignment = assignment_of_student(allocation_round, student_id)
    search = " ".join(request.GET.get("doel", "").split())[:100]
    rooms, more = (
        rooms_to_move_to(
            allocation_round,
            search=search,
            exclude=assignment.offer_id if assignment else None,
        )
        if allocation_round.in_review
        else ([], False)
    )
    return render(
        request,
        "frontend/rounds/round_assignment.html",
        {
            "round": allocation_round,
            "student": student,
            "assignment": assignment,
            # At most TARGETS_SHOWN challenges, searched by title or company: the menu never
            # grows with the round.
            "rooms": rooms,
            "more_rooms": more,
            "search": search,
            "shown": TARGETS_SHOWN,
            "back": round_page_back(request, allocation_round, request.GET.get("next")),
        },
    )
