# make run   sets everything up and starts the web app and the reminder scheduler
# make test  sets everything up and runs lint and the whole test suite
# make demo  fills the database with two demo cohorts (then `make run` and log in)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# What `make run` needs, and the test and lint tools on top for `make test`: a first `make run`
# does not wait for the browser-test driver, linters and test libraries.
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev
PIP := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -c constraints.txt
# pip's output down to one line per package fetched and a count at the end (errors pass through).
PIP_PROGRESS := awk '/^Collecting/ { split($$2, name, /[<>=!~;[]/); print "  " name[1]; fflush(); next } \
  /^Successfully installed/ { print "  installed " NF - 2 " packages"; next } \
  /^(ERROR|error)/ { failed = 1 } failed { print; fflush() }'
SQLITE_DB := instance/cohort.sqlite3
MIGRATIONS := $(wildcard migrations/versions/*.py)
CATALOGS := $(patsubst %.po,%.mo,$(wildcard cohort/translations/*/LC_MESSAGES/messages.po))
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in emails and in `make demo`'s output point at the port actually served.
COHORT_BASE_URL ?= http://$(HOST):$(PORT)
export COHORT_BASE_URL

.PHONY: run test demo lint format install install-dev migrate translations clean

# Ctrl-C or SIGTERM stops both processes and ends quietly (a stop is not a failure).
run: install migrate
	@echo "Cohort: http://$(HOST):$(PORT)  (Ctrl-C stops the web app and the scheduler)"
	@$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT; \
	trap 'echo "Cohort stopped."; exit 0' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The suite runs in one worker per core; `make test PYTEST_ARGS="-n 0 tests/test_feed.py"` runs
# part of it in one process.
PYTEST_ARGS ?= -n auto

test: install-dev lint
	$(BIN)/pytest $(PYTEST_ARGS)

demo: install migrate
	$(FLASK) demo $(DEMO_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(INSTALLED) $(CATALOGS)

install-dev: install $(INSTALLED_DEV)

# The embedded database is upgraded when it is missing or a migration is newer than it (a
# warm `make run` starts without a second Python process); any other database
# (COHORT_DATABASE_URL) is upgraded on every run.
ifdef COHORT_DATABASE_URL
migrate: install
	$(FLASK) db upgrade
else
migrate: $(SQLITE_DB)
$(SQLITE_DB): $(MIGRATIONS) | install
	$(FLASK) db upgrade
	@touch $@
endif

translations: install
	$(FLASK) translate update

# The virtualenv is rebuilt only when the dependencies change.
$(INSTALLED): pyproject.toml constraints.txt
	@test -d $(VENV) || { echo "Cohort: first run, creating $(VENV) (a one-time step)"; $(PYTHON) -m venv $(VENV); }
	@echo "Cohort: installing what the app needs into $(VENV) (a one-time step, about a minute)"
	@set -o pipefail; $(PIP) -e . 2>&1 | $(PIP_PROGRESS)
	@touch $@

$(INSTALLED_DEV): $(INSTALLED)
	@echo "Cohort: installing the test and lint tools into $(VENV) (a one-time step)"
	@set -o pipefail; $(PIP) -e '.[dev]' 2>&1 | $(PIP_PROGRESS)
	@touch $@

%.mo: %.po $(INSTALLED)
	@$(BIN)/pybabel -q compile -i $< -o $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# make bench  SQL statements, server time and throughput of the main pages on the benchmark's
# small and big PostgreSQL databases (see bench/README.md); BENCH_ARGS="--pages home,feed" etc.
BENCH_SMALL_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_small
BENCH_BIG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_big
.PHONY: bench
bench: install
	$(BIN)/python -m bench.run --small-url $(BENCH_SMALL_URL) --big-url $(BENCH_BIG_URL) $(BENCH_ARGS)
