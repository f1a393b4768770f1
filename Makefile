# Koppel — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The reference Open Badges validator runs in its own virtualenv: openbadges 1.1.2 pins 2017
# dependencies that do not import on Python 3.11, so it goes in with --no-deps on top of the
# working, pinned set in requirements/openbadges-validator.txt (docs/badges.md).
BADGES_VENV ?= .venv-badges
BADGES_STAMP := $(BADGES_VENV)/.installed
OPENBADGES_VERSION := 1.1.2
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test fuzz install migrate messages lint format check bench bench-web bench-load serve clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

$(BADGES_STAMP): requirements/openbadges-validator.txt
	test -x $(BADGES_VENV)/bin/python || $(PYTHON) -m venv $(BADGES_VENV)
	$(BADGES_VENV)/bin/python -m pip install --quiet -r requirements/openbadges-validator.txt
	$(BADGES_VENV)/bin/python -m pip install --quiet --no-deps openbadges==$(OPENBADGES_VERSION)
	$(BADGES_VENV)/bin/python -c "import openbadges, responses"
	touch $(BADGES_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

## make demo: install, migrate (SQLite), load the demo scenarios, print the logins, serve :8000
demo: migrate
	$(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

serve: migrate
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## make sso-provider: a local OpenID Connect provider on 127.0.0.1:8001 playing SURFconext for the
## demo schools (tests/sso_provider/; users in demo_users.json, password koppel-demo-2026). Prints
## the variables to start Koppel against it (`make demo` in a second terminal); docs/sso.md.
.PHONY: sso-provider
sso-provider: install
	$(PY) -m tests.sso_provider.serve --host 127.0.0.1 --port 8001 --client-secret koppel-demo-sso \
		--users tests/sso_provider/demo_users.json --print-koppel-env

## make test: the whole suite (SQLite + in-process Celery, or DATABASE_URL / CELERY_BROKER_URL),
## including the Open Badges validator test (its virtualenv .venv-badges is built first)
test: install $(BADGES_STAMP)
	$(PY) -m pytest

## make fuzz: schemathesis over every API operation, with more examples than `make test` gives it
## (tests/fuzz/test_api_fuzz.py; derandomized, so the same run every time).
FUZZ_MAX_EXAMPLES ?= 25
fuzz: install
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(PY) -m pytest -m fuzz tests/fuzz

## Everything CI checks besides the tests (pre-commit runs the same commands:
## .pre-commit-config.yaml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

## make check: what CI checks that takes seconds, not minutes: `lint`, the engine's tests without
## Django, the architecture rules (tests/test_architecture.py) and a complete English catalogue
## (tests/backend/core/test_translations.py). Run it before you push.
check: lint
	$(PY) -m pytest -q tests/matching -p no:django
	$(PY) -m pytest -q tests/test_architecture.py tests/backend/core/test_translations.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Translations: Dutch is the source language; English lives in backend/locale/en.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=".venv-*" --ignore=tests \
		--ignore=bench --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv --ignore=".venv-*"

## make bench: the engine at 500 … 50,000 students (the flow path against a bare min-cost-flow
## solve, paired medians), 10,000-student team rounds (time, gap, groups kept), a 10,000-student
## round end to end, and the coordinator's round page at 100, 1,000 and 5,000 students.
bench: install
	$(PY) -m bench.engine
	$(PY) -m bench.rounds
	$(PY) -m bench.round_page

## make bench-web: every heavy page and list endpoint (student round and result, coordinator round
## page, coverage, review queue, offers/students APIs, student challenges, teammate search,
## agreements, governance) on PostgreSQL at the demo, 10,000 and 100,000 students (bench/web.py,
## data from bench/region.py): server time, queries, size and the ratio largest / demo.
## Not part of `make bench`: it builds three databases (the 100k one alone takes minutes).
## Needs PostgreSQL: DATABASE_URL=postgres://… or postgres@127.0.0.1:5432.
BENCH_SIZES ?= demo,10000,100000
bench-web: install
	$(PY) -m bench.web --sizes $(BENCH_SIZES)
	$(PY) -m bench.region_run --students 100000

## make bench-load: the choice deadline under load (bench/load/, docs/performance.md). Builds its
## own database koppel_bench_load (100,000 students), serves it with gunicorn (3 workers, DEBUG
## off, collected static), runs locust headless (20 users, 75 s: students browse and save their
## choices, coordinators watch the round page) and checks that saving choices stays under 1 s
## (p95) with no errors. Installs locust (the "load" extra) on first use. Needs PostgreSQL.
## More options: make bench-load LOAD_ARGS="--existing koppel_bench_load --run-time 90s".
LOAD_ARGS ?=
bench-load: install
	$(PY) -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('locust') is None)" \
		|| $(PY) -m pip install --quiet -e ".[load]"
	$(PY) -m bench.load.run $(LOAD_ARGS)

clean:
	rm -rf $(VENV) $(BADGES_VENV) .venv-bench-matching db.sqlite3 staticfiles bench/results
