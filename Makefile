# Inkwell: `make run` serves the site on SQLite with nothing else installed; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Two xdist workers fit this project's 2-core machines; override with `make test PYTEST_WORKERS=0`.
PYTEST_WORKERS ?= 2

.PHONY: run test lint format messages migrate check bench clean

$(VENV)/.installed: requirements/base.txt requirements/production.txt requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=node_modules > /dev/null

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

run: $(VENV)/.installed messages migrate
	$(PY) manage.py ensure_dev_superuser
	@if $(PY) manage.py help seed_demo > /dev/null 2>&1; then $(PY) manage.py seed_demo; fi
	@echo "Inkwell is serving on http://127.0.0.1:$(PORT)/ (admin: /admin/, API docs: /api/docs/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed messages
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache  # the app layers and no cycles (.importlinter)

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed messages
	@for script in bench/*.py; do [ -f "$$script" ] || continue; echo "== $$script"; $(PY) "$$script" || exit 1; done

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
