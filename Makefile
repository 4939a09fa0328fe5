# Walouja: `make run` serves the app, `make test` runs the whole suite. Both do every set-up
# step on a fresh Debian machine and are quick the second time.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV    := .venv
PY      := $(VENV)/bin/python
WALOUJA := $(VENV)/bin/walouja
STAMP   := $(VENV)/.walouja-installed
ASSETS  := app/static/vendor/.installed
PYTHON3 ?= python3

.PHONY: run test setup system install assets db load lint bench clean

## run: install everything, start the database, load the data, serve http://localhost:8501
run: setup
	$(WALOUJA) serve

## test: the same set-up on the test database, then the whole suite against real PostGIS
test: export WALOUJA_DB_NAME ?= walouja_test
test: setup lint
	$(PY) -m pytest

setup: system install assets db load

# chromium serves the browser tests only: `make run` does not need it
system:
	@bash scripts/ensure-system.sh $(if $(filter test,$(MAKECMDGOALS)),browser,)

install: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

assets: $(ASSETS)
$(ASSETS): app/static/package.json scripts/vendor-assets.sh
	@PYTHON=$(PY) bash scripts/vendor-assets.sh

db: install
	@$(WALOUJA) db up

load: db
	$(WALOUJA) load

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy walouja geo analysis app tests bench

bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	-$(WALOUJA) db down
	rm -rf $(VENV) app/static/vendor .pytest_cache .mypy_cache .ruff_cache
