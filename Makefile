# Two commands run everything on a fresh clone: `make run` serves the site, `make test` runs the tests.
# Dependencies come from uv.lock (exact versions with hashes); pyproject.toml keeps the compatible ranges.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV := .uv/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
# uv uses this machine's Python (never downloads one) and puts the environment in .venv
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint format migrate seed bench mutate lock-check clean

# uv itself, pinned with hashes, in a small venv of its own
$(UV): requirements-uv.txt
	test -x .uv/bin/python || $(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet --require-hashes -r requirements-uv.txt
	touch $(UV)

$(STAMP): pyproject.toml uv.lock $(UV)
	$(UV) sync --quiet --locked --extra dev
	touch $(STAMP)

var:
	mkdir -p var

migrate: $(STAMP) var
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# fails when uv.lock no longer matches pyproject.toml (upgrade: `.uv/bin/uv lock --upgrade`)
lock-check: $(UV)
	$(UV) lock --check

# ruff, the import layers (import-linter contracts in pyproject.toml) and the types (mypy)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks on SQLite and PostgreSQL (127.0.0.1:5432) + Redis (127.0.0.1:6379): bench/run.py
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Mutation testing of the trust-critical modules (tests/mutation/targets.py): one planted mistake at
# a time, each module's own tests must catch it. Tens of minutes; not part of `make test` or CI.
# MUTATE_ARGS="--module releases/zips.py --jobs 2" narrows or widens it.
mutate: $(STAMP)
	$(BIN)/python -m tests.mutation $(MUTATE_ARGS)

clean:
	rm -rf $(VENV) .uv var
