# make run   sets everything up and starts the web app and the reminder scheduler
# make test  sets everything up and runs lint and the whole test suite
# make demo  fills the database with two demo cohorts (then `make run` and log in)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
INSTALLED := $(VENV)/.installed
CATALOGS := $(patsubst %.po,%.mo,$(wildcard cohort/translations/*/LC_MESSAGES/messages.po))
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in emails and in `make demo`'s output point at the port actually served.
COHORT_BASE_URL ?= http://$(HOST):$(PORT)
export COHORT_BASE_URL

.PHONY: run test demo lint format install migrate translations clean

# Ctrl-C or SIGTERM stops both processes and ends quietly (a stop is not a failure).
run: install migrate
	@echo "Cohort: http://$(HOST):$(PORT)  (Ctrl-C stops the web app and the scheduler)"
	@$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT; \
	trap 'echo "Cohort stopped."; exit 0' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install lint
	$(BIN)/pytest $(PYTEST_ARGS)

demo: install migrate
	$(FLASK) demo $(DEMO_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(INSTALLED) $(CATALOGS)

migrate: install
	$(FLASK) db upgrade

translations: install
	$(FLASK) translate update

# The virtualenv is rebuilt only when the dependencies change.
$(INSTALLED): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel -q compile -i $< -o $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# make bench  SQL statements, server time and throughput of the main pages on the benchmark's
# small and big PostgreSQL databases (see bench/README.md); BENCH_ARGS="--pages home,feed" etc.
BENCH_SMALL_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_small
BENCH_BIG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/cohort_bench_big
.PHONY: bench
bench: install
	$(BIN)/python -m bench.run --small-url $(BENCH_SMALL_URL) --big-url $(BENCH_BIG_URL) $(BENCH_ARGS)
