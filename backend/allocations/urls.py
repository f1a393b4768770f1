from django.urls import path

from backend.allocations.apis import review, rounds, runs, student

urlpatterns = [
    path("rounds/", rounds.RoundListCreateApi.as_view(), name="round-list"),
    path("rounds/<int:round_id>/", rounds.RoundDetailApi.as_view(), name="round-detail"),
    path(
        "rounds/<int:round_id>/challenges/",
        rounds.RoundChallengesSetApi.as_view(),
        name="round-challenges",
    ),
    path("rounds/<int:round_id>/open/", rounds.RoundOpenApi.as_view(), name="round-open"),
    path(
        "rounds/<int:round_id>/close-choices/",
        rounds.RoundCloseChoicesApi.as_view(),
        name="round-close-choices",
    ),
    path("rounds/<int:round_id>/publish/", rounds.RoundPublishApi.as_view(), name="round-publish"),
    path("rounds/<int:round_id>/close/", rounds.RoundCloseApi.as_view(), name="round-close"),
    path("rounds/<int:round_id>/events/", rounds.RoundEventListApi.as_view(), name="round-events"),
    path("rounds/<int:round_id>/runs/", runs.RunListStartApi.as_view(), name="round-runs"),
    path("rounds/<int:round_id>/compare/", runs.RunCompareApi.as_view(), name="round-compare"),
    path("runs/<int:run_id>/", runs.RunDetailApi.as_view(), name="run-detail"),
    path("runs/<int:run_id>/retry/", runs.RunRetryApi.as_view(), name="run-retry"),
    path("runs/<int:run_id>/apply/", runs.RunApplyApi.as_view(), name="run-apply"),
    path(
        "runs/<int:run_id>/problem.json", runs.RunProblemDownloadApi.as_view(), name="run-problem"
    ),
    path("runs/<int:run_id>/result.json", runs.RunResultDownloadApi.as_view(), name="run-result"),
    path(
        "rounds/<int:round_id>/assignments/",
        review.AssignmentListApi.as_view(),
        name="round-assignments",
    ),
    path(
        "rounds/<int:round_id>/assignments/<int:student_id>/lock/",
        review.AssignmentLockApi.as_view(),
        name="assignment-lock",
    ),
    path(
        "rounds/<int:round_id>/assignments/<int:student_id>/unlock/",
        review.AssignmentUnlockApi.as_view(),
        name="assignment-unlock",
    ),
    path(
        "rounds/<int:round_id>/assignments/<int:student_id>/override/",
        review.AssignmentOverrideApi.as_view(),
        name="assignment-override",
    ),
    path(
        "rounds/<int:round_id>/unassigned/",
        review.UnassignedListApi.as_view(),
        name="round-unassigned",
    ),
    path(
        "rounds/<int:round_id>/export.csv",
        review.AssignmentExportApi.as_view(),
        name="round-export",
    ),
    path(
        "rounds/<int:round_id>/objections/",
        review.ObjectionListApi.as_view(),
        name="round-objections",
    ),
    path(
        "objections/<int:objection_id>/accept/",
        review.ObjectionAcceptApi.as_view(),
        name="objection-accept",
    ),
    path(
        "objections/<int:objection_id>/decline/",
        review.ObjectionDeclineApi.as_view(),
        name="objection-decline",
    ),
    path(
        "rounds/<int:round_id>/open-challenges/",
        student.OpenChallengeListApi.as_view(),
        name="round-open-challenges",
    ),
    path(
        "rounds/<int:round_id>/my-choices/", student.MyChoicesApi.as_view(), name="round-my-choices"
    ),
    path("rounds/<int:round_id>/my-result/", student.MyResultApi.as_view(), name="round-my-result"),
    path(
        "rounds/<int:round_id>/my-objection/",
        student.MyObjectionApi.as_view(),
        name="round-my-objection",
    ),
    path("teams/", student.TeamListApi.as_view(), name="team-list"),
]
