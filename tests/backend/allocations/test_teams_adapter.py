"""The engine adapter's side of teams: the /2 problem it builds from a snapshot (wishes, class,
history, rules, options), a plain round's problem left exactly as before, and what it keeps of
the engine's team outcome (counts on the run, together_with and the group per student)."""

import dataclasses
import json

import matching
from backend.allocations import engine_adapter as ea
from backend.allocations.engine_adapter import (
    ChallengeRecord,
    RuleRecord,
    Snapshot,
    StudentRecord,
    TeamSettings,
)


def _snapshot(*, teams=None, students=None, rules=()):
    return Snapshot(
        students=students
        or (
            StudentRecord(user_id=3, level=2, programme="25604", school_id=7, preferences=(11,)),
            StudentRecord(user_id=1, level=2, programme="25604", school_id=7, preferences=(11,)),
        ),
        challenges=(
            ChallengeRecord(offer_id=11, host_id=40, max=3, rules=rules),
            ChallengeRecord(offer_id=12, host_id=41, max=2, rules=rules),
        ),
        teams=teams or TeamSettings(),
    )


def _problem(snapshot):
    return ea.problem_of(snapshot, mode="optimal", seed=4, coverage_weight=0.5)


def test_a_round_without_team_inputs_builds_the_same_problem_as_before():
    problem = _problem(_snapshot(teams=TeamSettings(together="hard", rotation="hard")))
    assert problem.options == matching.Options(mode="optimal", seed=4, coverage_weight=0.5)
    assert all(s.together == () and s.klass is None and s.history == () for s in problem.students)
    assert all(c.rules == () for c in problem.challenges)
    document = matching.problem_to_dict(problem)
    assert document["format"] == "koppel-allocation/1"
    assert "together" not in document["students"][0]


def test_wishes_class_and_history_become_engine_ids():
    students = (
        StudentRecord(
            user_id=1,
            level=2,
            programme="25604",
            school_id=7,
            preferences=(11, 12),
            teammates=(3, 2, 3),
            class_id=ea.class_key(7, "2A"),
            history=(41, 40, 41),
        ),
        StudentRecord(user_id=2, level=2, programme="25604", school_id=7, teammates=(1,)),
        StudentRecord(user_id=3, level=3, programme="25604", school_id=8, teammates=(1,)),
    )
    problem = _problem(_snapshot(students=students, teams=TeamSettings(together="soft")))
    first = problem.students[0]
    assert first.id == "s1"
    assert first.together == ("s2", "s3")
    assert first.klass == "o7/2A"
    assert first.history == ("h40", "h41")
    assert problem.students[1].together == ("s1",)
    assert problem.students[1].klass is None


def test_a_class_is_scoped_by_its_school():
    assert ea.class_key(7, "2A") != ea.class_key(8, "2A")


def test_rules_go_onto_every_challenge_and_a_hard_rule_has_no_weight():
    rules = (
        RuleRecord("max_per_class", 2, hard=True, weight=5.0),
        RuleRecord("min_level", 3, count=2, hard=False, weight=1.5),
    )
    problem = _problem(_snapshot(rules=rules))
    for challenge in problem.challenges:
        assert challenge.rules == (
            matching.Rule(kind="max_per_class", value=2, count=1, hard=True, weight=0.0),
            matching.Rule(kind="min_level", value=3, count=2, hard=False, weight=1.5),
        )


def test_the_round_team_options_travel_when_a_team_feature_is_used():
    teams = TeamSettings(
        together="hard",
        together_weight=3.0,
        rotation="soft",
        rotation_weight=4.5,
        time_limit=12.0,
        rules=(RuleRecord("max_per_class", 1),),
    )
    problem = _problem(_snapshot(teams=teams, rules=teams.rules))
    assert problem.options == matching.Options(
        mode="optimal",
        seed=4,
        coverage_weight=0.5,
        together="hard",
        together_weight=3.0,
        rotation="soft",
        rotation_weight=4.5,
        time_limit=12.0,
    )


def _solved_plain():
    problem = _problem(_snapshot())
    return problem, matching.solve(problem)


def _with_teams(result, **fields):
    return dataclasses.replace(result, **fields)


def test_a_plain_run_stores_no_team_outcome_and_plain_explanations():
    problem, result = _solved_plain()
    assert ea.team_outcome(problem, result) is None
    rows = list(ea.placement_rows(result))
    for row in rows:
        document = json.loads(row[5])
        assert set(document) == {"offer_id", "rank", "locked", "passed_over", "summary"}


def test_the_team_outcome_is_counted_without_student_ids():
    problem, result = _solved_plain()
    result = _with_teams(
        result,
        gap=0.013,
        groups=(
            matching.GroupOutcome(("s1", "s3"), "together", "c11", kept=True),
            matching.GroupOutcome(("s4", "s5"), "together", None, kept=False, reason="full"),
            matching.GroupOutcome(("s6", "s7"), "together", None, kept=False, reason="full"),
            matching.GroupOutcome(("s8", "s9"), "together", None, kept=False, reason="rule"),
            matching.GroupOutcome(("s10",), "class", "c12", kept=True),
        ),
        bound_rules=(
            matching.RuleBinding("c11", "min", True, ("s1", "s3")),
            matching.RuleBinding("c11", "min", True, ("s3", "s4")),
            matching.RuleBinding("c12", "rotation", False, ("s5",)),
        ),
    )
    outcome = ea.team_outcome(problem, result)
    assert outcome == {
        "reported": True,
        "gap": 0.013,
        "groups": 4,
        "kept": 1,
        "not_kept": {"full": 2, "rule": 1},
        "classes": 1,
        "classes_kept": 1,
        "bound_rules": [
            {"offer_id": 11, "kind": "min", "hard": True, "value": 0, "count": 0, "students": 3},
            {
                "offer_id": 12,
                "kind": "rotation",
                "hard": False,
                "value": 0,
                "count": 0,
                "students": 1,
            },
        ],
    }
    assert "s1" not in json.dumps(outcome)


def test_a_bound_rule_carries_its_numbers_from_the_problem():
    rules = (RuleRecord("min_level", 3, count=2),)
    problem = _problem(_snapshot(rules=rules))
    result = _with_teams(
        _solved_plain()[1],
        bound_rules=(matching.RuleBinding("c12", "min_level", True, ("s1",)),),
    )
    (row,) = ea.team_outcome(problem, result)["bound_rules"]
    assert row == {
        "offer_id": 12,
        "kind": "min_level",
        "hard": True,
        "value": 3,
        "count": 2,
        "students": 1,
    }


def test_a_team_problem_without_a_reported_outcome_says_so():
    problem = _problem(_snapshot(rules=(RuleRecord("max_per_class", 1),)))
    _problem_plain, result = _solved_plain()
    outcome = ea.team_outcome(problem, _with_teams(result, groups=(), bound_rules=(), gap=None))
    assert outcome is not None
    assert outcome["reported"] is False
    assert outcome["groups"] == 0


def test_each_placement_names_who_it_was_placed_with_and_its_group():
    _problem_plain, result = _solved_plain()
    explanations = {
        key: dataclasses.replace(e, together_with=("s3",) if key == "s1" else ("s1",))
        for key, e in result.explanations.items()
    }
    explanations["s1"] = dataclasses.replace(explanations["s1"], rules=("max_per_class",))
    result = _with_teams(
        result,
        explanations=explanations,
        groups=(matching.GroupOutcome(("s1", "s3"), "together", "c11", kept=True),),
    )
    rows = {row[0]: json.loads(row[5]) for row in ea.placement_rows(result)}
    assert rows[1]["together_with"] == [3]
    assert rows[1]["rules"] == ["max_per_class"]
    assert rows[1]["group"] == {"kept": True, "reason": None}
    assert rows[3]["together_with"] == [1]
    assert "rules" not in rows[3]


def test_the_stored_explanation_reads_back_the_team_keys():
    stored = {
        "explanations": {
            "s1": {
                "student": "s1",
                "challenge": None,
                "rank": None,
                "locked": False,
                "passed_over": [],
                "summary": "",
                "together_with": [],
                "rules": ["rotation"],
            }
        },
        "groups": [
            {
                "members": ["s1", "s2"],
                "kind": "together",
                "challenge": None,
                "kept": False,
                "reason": "no_common_choice",
            }
        ],
    }
    document = ea.explanation_of(stored, 1)
    assert document["rules"] == ["rotation"]
    assert document["group"] == {"kept": False, "reason": "no_common_choice"}
    assert "together_with" not in document
    assert ea.explanation_of(stored, 2) is None  # not a student of this result
