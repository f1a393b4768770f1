"""Every write of the allocations area. Views, APIs and tasks call these, nothing else."""

from backend.allocations.services.choices import choice_list_submit
from backend.allocations.services.counts import rebuild_round_counts
from backend.allocations.services.objections import (
    objection_accept,
    objection_decline,
    objection_submit,
)
from backend.allocations.services.publish import allocation_round_publish
from backend.allocations.services.review import (
    assignment_lock,
    assignment_override,
    assignment_unlock,
)
from backend.allocations.services.rounds import (
    allocation_choice_reminders_send,
    allocation_round_close,
    allocation_round_close_choosing,
    allocation_round_create,
    allocation_round_open_choosing,
    allocation_round_set_challenges,
    allocation_rounds_advance,
)
from backend.allocations.services.runs import (
    allocation_run_apply,
    allocation_run_execute,
    allocation_run_retry,
    allocation_run_start,
    allocation_runs_reap,
)
from backend.allocations.services.teams import TeamChoices, round_team_settings_set

__all__ = [
    "TeamChoices",
    "allocation_choice_reminders_send",
    "allocation_round_close",
    "allocation_round_close_choosing",
    "allocation_round_create",
    "allocation_round_open_choosing",
    "allocation_round_publish",
    "allocation_round_set_challenges",
    "allocation_rounds_advance",
    "allocation_run_apply",
    "allocation_run_execute",
    "allocation_run_retry",
    "allocation_run_start",
    "allocation_runs_reap",
    "assignment_lock",
    "assignment_override",
    "assignment_unlock",
    "choice_list_submit",
    "objection_accept",
    "objection_decline",
    "objection_submit",
    "rebuild_round_counts",
    "round_team_settings_set",
]
