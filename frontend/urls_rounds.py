from django.urls import path

from frontend.views import rounds

urlpatterns = [
    path("rounds/", rounds.round_list, name="round-list"),
    path("rounds/new/", rounds.round_create, name="round-create"),
    path("rounds/teams/", rounds.round_teams, name="round-teams"),
    path("rounds/mine/", rounds.student_rounds, name="student-choices"),
    path("rounds/mine/result/", rounds.student_assignment, name="student-assignment"),
    path("rounds/mine/challenges/", rounds.student_challenges, name="student-challenges"),
    path(
        "rounds/mine/challenges/<int:pk>/",
        rounds.student_challenge_detail,
        name="student-challenge-detail",
    ),
    path(
        "rounds/<int:round_id>/student/teammates/",
        rounds.student_teammate_search,
        name="student-teammate-search",
    ),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round-detail"),
    path("rounds/<int:round_id>/action/<slug:action>/", rounds.round_action, name="round-action"),
    path(
        "rounds/<int:round_id>/team-settings/",
        rounds.round_team_settings,
        name="round-team-settings",
    ),
    path("rounds/<int:round_id>/runs/start/", rounds.run_start, name="round-run-start"),
    path(
        "rounds/<int:round_id>/runs/<int:run_id>/progress/",
        rounds.run_progress,
        name="round-run-progress",
    ),
    path(
        "rounds/<int:round_id>/runs/<int:run_id>/<slug:action>/",
        rounds.run_action,
        name="round-run-action",
    ),
    path(
        "rounds/<int:round_id>/assignments/<int:student_id>/",
        rounds.round_assignment,
        name="round-assignment",
    ),
    path(
        "rounds/<int:round_id>/assignments/<int:student_id>/<slug:action>/",
        rounds.assignment_action,
        name="round-assignment-action",
    ),
    path("rounds/<int:round_id>/compare/", rounds.round_compare, name="round-compare"),
    path("rounds/<int:round_id>/unassigned/", rounds.round_unassigned, name="round-unassigned"),
    path("rounds/<int:round_id>/export/<slug:by>.csv", rounds.round_export, name="round-export"),
    path("rounds/<int:round_id>/objections/", rounds.round_objections, name="round-objections"),
    path(
        "rounds/<int:round_id>/objections/<int:objection_id>/",
        rounds.objection_decide,
        name="round-objection-decide",
    ),
    path("rounds/<int:round_id>/student/", rounds.round_student, name="round-student"),
]
