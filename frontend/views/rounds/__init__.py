"""Allocation round pages: coordinators run rounds, teachers read them, students choose and see
their result, companies see their teams. Every read goes through the allocations selectors and
every write through the allocations services, exactly like the API (backend/allocations/apis).

- `coordinator`: round list, creating a round, the round dashboard and the run progress partial
- `actions`: the coordinator's POST actions (phases, runs, assignments, objections)
- `review`: comparing runs, leftovers with room, CSV exports, the objections list
- `student`: choosing challenges and seeing the result
- `company`: the company's teams
- `teams`: the coordinator's team settings of a round (wishes, rotation, composition rules)
- `common`: helpers shared by these modules
"""

from frontend.views.rounds.actions import (
    PHASE_ACTIONS,
    assignment_action,
    objection_decide,
    round_action,
    run_action,
    run_start,
)
from frontend.views.rounds.company import round_teams
from frontend.views.rounds.coordinator import (
    ASSIGNMENTS_SHOWN,
    RoundForm,
    round_assignment,
    round_create,
    round_detail,
    round_list,
    run_progress,
)
from frontend.views.rounds.review import (
    round_compare,
    round_export,
    round_objections,
    round_unassigned,
)
from frontend.views.rounds.student import round_student, student_assignment, student_rounds
from frontend.views.rounds.student_challenges import (
    student_challenge_detail,
    student_challenges,
    student_teammate_search,
)
from frontend.views.rounds.teams import round_team_settings

__all__ = [
    "ASSIGNMENTS_SHOWN",
    "PHASE_ACTIONS",
    "RoundForm",
    "assignment_action",
    "objection_decide",
    "round_action",
    "round_assignment",
    "round_compare",
    "round_create",
    "round_detail",
    "round_export",
    "round_list",
    "round_objections",
    "round_student",
    "round_team_settings",
    "round_teams",
    "round_unassigned",
    "run_action",
    "run_progress",
    "run_start",
    "student_assignment",
    "student_challenge_detail",
    "student_challenges",
    "student_rounds",
    "student_teammate_search",
]
