"""Behaviour of solve(): capacities, locks, minimums, coverage, metrics, progress."""

from __future__ import annotations

from matching import Challenge, Host, Lock, Options, Problem, Student, check, solve


def _student(sid: str, prefs: tuple[str, ...], **kw: object) -> Student:
    return Student(
        sid, kw.pop("level", 4), "25604", kw.pop("school", "vista"), preferences=prefs, **kw
    )  # type: ignore[arg-type]


def test_it_never_exceeds_host_capacity() -> None:
    students = tuple(_student(f"s{i}", ("c1", "c2")) for i in range(6))
    problem = Problem(
        students,
        (Challenge("c1", "jansen", max=3), Challenge("c2", "jansen", max=3)),
        (Host("jansen", capacity=4),),
    )
    for mode in ("optimal", "stable"):
        result = solve(
            Problem(problem.students, problem.challenges, problem.hosts, options=Options(mode))
        )
        assert len(result.assignments) == 4
        assert check(problem, result).ok
        assert {u.reason for u in result.unassigned} == {"all_choices_full"}


def test_it_reports_progress_stages_in_order() -> None:
    seen: list[tuple[str, int]] = []
    problem = Problem((_student("sanne", ("c1",)),), (Challenge("c1", "h", max=1),), (Host("h"),))
    solve(problem, progress=lambda stage, percent: seen.append((stage, percent)))
    assert [stage for stage, _ in seen] == [
        "validating",
        "building",
        "solving",
        "explaining",
        "done",
    ]
    assert [p for _, p in seen] == sorted(p for _, p in seen)
    assert seen[-1] == ("done", 100)


def test_coverage_weight_trades_rank_for_learning_goals() -> None:
    sanne = _student("sanne", ("c1", "c2"), open_goals=("B1-K1-W1",))
    challenges = (Challenge("c1", "h", max=1), Challenge("c2", "h", max=1, goals=("B1-K1-W1",)))
    plain = solve(Problem((sanne,), challenges, (Host("h"),)))
    assert plain.assignments[0].challenge == "c1"
    assert plain.metrics.goal_coverage == 0.0
    weighted = solve(
        Problem((sanne,), challenges, (Host("h"),), options=Options(coverage_weight=2.0))
    )
    assert (weighted.assignments[0].challenge, weighted.assignments[0].rank) == ("c2", 2)
    assert weighted.metrics.goal_coverage == 1.0
    passed = weighted.explanations["sanne"].passed_over
    assert [(p.challenge, p.reason) for p in passed] == [("c1", "tradeoff")]


def test_a_lock_keeps_an_under_filled_challenge_open() -> None:
    students = (_student("sanne", ("c1",)), _student("ahmed", ("c2",)))
    problem = Problem(
        students,
        (Challenge("c1", "h", max=4, min=3), Challenge("c2", "h", max=2)),
        (Host("h"),),
        locked=(Lock("sanne", "c1"),),
    )
    result = solve(problem)
    assert result.closed == ()
    assert {(a.student, a.challenge, a.locked) for a in result.assignments} == {
        ("sanne", "c1", True),
        ("ahmed", "c2", False),
    }
    assert check(problem, result).ok


def test_closing_cascades_until_every_team_is_big_enough() -> None:
    # c1 needs 2; only sanne wants it first. After it closes, ahmed's c2 keeps its team of 2.
    students = (
        _student("sanne", ("c1", "c2")),
        _student("ahmed", ("c2",)),
        _student("lotte", ("c3", "c2")),
    )
    problem = Problem(
        students,
        (
            Challenge("c1", "h", max=3, min=2),
            Challenge("c2", "h", max=3, min=2),
            Challenge("c3", "h", 1),
        ),
        (Host("h"),),
    )
    for mode in ("optimal", "stable"):
        result = solve(Problem(students, problem.challenges, problem.hosts, options=Options(mode)))
        assert check(problem, result).ok
        assert result.closed == ("c1",)
        assert {a.student: a.challenge for a in result.assignments} == {
            "sanne": "c2",
            "ahmed": "c2",
            "lotte": "c3",
        }
        assert result.bound_gap == 1


def test_metrics_split_by_school_and_level() -> None:
    students = (
        _student("sanne", ("c1", "c2"), level=2, school="vista", open_goals=("W1", "W2")),
        _student("ahmed", ("c1",), level=4, school="gilde"),
        _student("lotte", ("c1",), level=4, school="vista"),
    )
    problem = Problem(
        students,
        (Challenge("c1", "h", max=1, levels=(4,)), Challenge("c2", "h", max=2, goals=("W1",))),
        (Host("h", capacity=3),),
        options=Options(seed=0),
    )
    result = solve(problem)
    m = result.metrics
    assert (m.students, m.assigned, m.unassigned) == (3, 2, 1)
    assert m.rank_profile == {1: 1, 2: 1}
    assert (m.total_rank, m.worst_rank) == (3, 2)
    assert m.penalised_rank_cost == 3 + 2  # the unassigned student listed one choice
    assert m.goal_coverage == 0.5
    assert m.fill_rate_challenges == {"c1": 1.0, "c2": 0.5}
    assert m.fill_rate_hosts == {"h": 2 / 3}
    assert set(m.by_group["school"]) == {"gilde", "vista"}
    assert m.by_group["level"]["2"]["share_first_choice"] == 0.0
    assert m.by_group["level"]["4"]["assigned"] == 1
    as_dict = m.as_dict()
    assert as_dict["rank_profile"] == {"1": 1, "2": 1}


def test_it_assigns_as_many_students_as_possible_before_ranks() -> None:
    # Greedy by rank would give sanne c1 and leave ahmed out.
    students = (_student("sanne", ("c1", "c2")), _student("ahmed", ("c1",)))
    problem = Problem(students, (Challenge("c1", "h", 1), Challenge("c2", "h", 1)), (Host("h"),))
    result = solve(problem)
    assert {a.student: a.rank for a in result.assignments} == {"sanne": 2, "ahmed": 1}


def test_an_empty_problem_is_fine() -> None:
    result = solve(Problem((), ()))
    assert result.assignments == ()
    assert result.unassigned == ()
    assert result.metrics.share_first_choice == 0.0


def test_it_keeps_every_rule_on_a_realistic_instance() -> None:
    from bench.engine_gen import generate
    from matching import problem_from_dict

    problem = problem_from_dict(generate(2000, seed=3))
    for mode in ("optimal", "stable"):
        options = Options(mode=mode, seed=3)
        candidate = Problem(
            problem.students, problem.challenges, problem.hosts, problem.locked, options
        )
        result = solve(candidate)
        report = check(candidate, result)
        assert report.violations == ()
        if mode == "stable":
            assert report.blocking_pairs == 0
        assert result.metrics.assigned > 0.7 * result.metrics.students
