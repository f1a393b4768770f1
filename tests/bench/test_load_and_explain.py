"""The load scenario (bench/load) against the real round page, and the helpers of bench/explain.

The locustfile itself needs locust (the optional "load" extra); what it reads from the pages and
posts back lives in bench/load/pages.py and is checked here, so a change of the choice form breaks
a test instead of silently turning every save of `make bench-load` into a failure.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import Choice
from bench.explain import execution_ms, slowest
from bench.load.pages import choices_form, detail_ids, page_count, parse_round_page
from bench.load.run import SAVE_CHOICES, report, session_for
from tests.allocation_rounds import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def chosen(cast):
    allocation_round = make_round(cast)
    services.choice_list_submit(
        allocation_round=allocation_round,
        student=cast.sanne,
        offer_ids=[allocation_round.webshop.pk],
        now=timezone.now(),
    )
    return allocation_round


def _signed_in(user, settings):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_for(user)
    return client


def test_the_prepared_session_signs_the_student_in_and_the_scenario_saves_a_new_ranking(
    cast, chosen, settings
):
    client = _signed_in(cast.sanne, settings)
    url = reverse("frontend:round-student", args=[chosen.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = parse_round_page(response.content.decode())
    assert page.token
    assert page.ranked == [chosen.webshop.pk]
    assert page.others == [chosen.app.pk]
    assert page.teammates == []

    # The ↑/↓ button: the page again, nothing saved.
    moved = client.post(url, choices_form(page, page.ranked, move=f"up:{chosen.webshop.pk}"))
    assert moved.status_code == 200

    # "Keuzes opslaan" with the app first: saved, back to the round page.
    saved = client.post(url, choices_form(page, [chosen.app.pk, chosen.webshop.pk]))
    assert saved.status_code == 302
    assert saved["Location"] == url
    assert list(
        Choice.objects.filter(choice_list__student=cast.sanne)
        .order_by("position")
        .values_list("offer_id", flat=True)
    ) == [chosen.app.pk, chosen.webshop.pk]


def test_a_session_is_refused_once_the_password_changes(cast, chosen, settings):
    client = _signed_in(cast.sanne, settings)
    cast.sanne.set_password("een-ander-wachtwoord-2026")
    cast.sanne.save()
    response = client.get(reverse("frontend:round-student", args=[chosen.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("frontend:login"))


def test_the_challenge_list_gives_its_pages_and_detail_links(cast, chosen, settings):
    client = _signed_in(cast.sanne, settings)
    html = client.get(reverse("frontend:student-challenges")).content.decode()
    prefix = reverse("frontend:student-challenge-detail", args=[1]).removesuffix("1/")
    assert set(detail_ids(html, prefix)) == {chosen.webshop.pk, chosen.app.pk}
    assert page_count(html) is None  # two challenges: one page, no pager
    assert page_count("<span>Pagina 3 van 500</span>") == 500


def test_coordinators_watch_the_round_page(cast, chosen, settings):
    client = _signed_in(cast.bos, settings)
    assert client.get(reverse("frontend:round-detail", args=[chosen.pk])).status_code == 200
    assert client.get(reverse("frontend:round-list")).status_code == 200


STATS_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def _stats(tmp_path, save_p95, failures=0):
    rows = [
        f"GET,student round page,100,{failures},300,310,50,900,4000,3,0,"
        "300,350,400,420,500,600,700,800,900,900,900",
        f"POST,{SAVE_CHOICES},20,0,200,220,80,{save_p95},0,1,0,"
        f"200,210,220,230,240,{save_p95},{save_p95},{save_p95},{save_p95},{save_p95},{save_p95}",
        f",Aggregated,120,{failures},280,300,50,900,3300,4,0,"
        "280,330,380,400,480,590,690,790,900,900,900",
    ]
    path = tmp_path / "locust_stats.csv"
    path.write_text("\n".join([STATS_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_report_passes_only_under_a_second_and_without_failures(tmp_path, capsys):
    missing = tmp_path / "no_failures.csv"
    assert report(_stats(tmp_path, 900), missing) is True
    assert "OK: saving choices p95 900 ms (limit 1000 ms)" in capsys.readouterr().out
    assert report(_stats(tmp_path, 1000), missing) is False
    assert "CHECK FAILED: saving choices p95 1000 ms" in capsys.readouterr().out
    assert report(_stats(tmp_path, 500, failures=2), missing) is False
    assert "2 failed requests of 120" in capsys.readouterr().out


def test_explain_takes_the_slowest_selects_once_each():
    queries = [
        {"sql": "SELECT 1", "time": "0.001"},
        {"sql": "SELECT 2", "time": "0.020"},
        {"sql": "SELECT 2", "time": "0.019"},  # the same SQL again: explained once
        {"sql": "UPDATE x SET y = 1", "time": "0.050"},  # not a read: never run again
        {"sql": "SELECT 3", "time": "0.006"},
        {"sql": "SELECT 4", "time": "0.002"},
        {"sql": "WITH a AS (SELECT 1) SELECT * FROM a", "time": "0.003"},
    ]
    assert slowest(queries, top=1, min_ms=5) == [(20.0, "SELECT 2"), (6.0, "SELECT 3")]
    assert [sql for _ms, sql in slowest(queries, top=3, min_ms=5)] == [
        "SELECT 2",
        "SELECT 3",
        "WITH a AS (SELECT 1) SELECT * FROM a",
    ]


def test_the_server_times_are_read_from_gunicorns_access_log(tmp_path):
    from bench.load.run import server_times

    urls = {
        "round_student": "/rounds/7/student/",
        "round_detail": "/rounds/7/",
        "challenges": "/rounds/mine/challenges/",
        "detail_prefix": "/rounds/mine/challenges/",
        "round_list": "/rounds/",
    }
    log = tmp_path / "access.log"
    log.write_text(
        "\n".join(
            [
                "GET /rounds/7/student/ 200 120000",
                "POST /rounds/7/student/ 302 80000",
                "POST /rounds/7/student/ 200 150000",
                "GET /rounds/mine/challenges/ 200 60000",
                "GET /rounds/mine/challenges/12/ 200 30000",
                "GET /rounds/7/ 200 250000",
                "GET /rounds/ 200 40000",
                "GET /static/app.css 200 1000",
                "a line gunicorn did not write",
            ]
        ),
        encoding="utf-8",
    )
    assert server_times(log, urls) == {
        "student round page": [120.0],
        SAVE_CHOICES: [80.0],
        "student move choice (↑/↓)": [150.0],
        "student challenges (page)": [60.0],
        "student challenge detail": [30.0],
        "coordinator round page": [250.0],
        "coordinator round list": [40.0],
        "other": [1.0],
    }


def test_explain_ranks_by_the_databases_own_time_when_it_has_the_plans():
    queries = [
        {"sql": "SELECT 1", "time": "0.030"},  # waited for the CPU: captured slow, runs fast
        {"sql": "SELECT 2", "time": "0.004"},
    ]
    plans = {
        "SELECT 1": "Seq Scan\nExecution Time: 0.041 ms",
        "SELECT 2": "Execution Time: 12.5 ms",
    }
    assert slowest(queries, top=1, min_ms=5, timer=lambda sql: execution_ms(plans[sql])) == [
        (12.5, "SELECT 2")
    ]
    assert execution_ms("(no plan: column x does not exist)") == 0.0
