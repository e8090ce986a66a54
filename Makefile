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

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed messages
	@for script in bench/*.py; do [ -f "$$script" ] || continue; echo "== $$script"; $(PY) "$$script" || exit 1; done

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# --- Security testing (tests/security holds the hostile-input suite; `make test` runs it) ----------
# Schemathesis over /api/schema/ as anonymous, reader and editor against a scratch gunicorn (DEBUG off).
# `make fuzz`: 10 minutes per persona; `make fuzz-ci`: the bounded run of .ci/run (1 minute per persona).
FUZZ_MAX_TIME ?= 600
.PHONY: fuzz fuzz-ci audit-security
fuzz: $(VENV)/.installed messages
	FUZZ_MAX_TIME=$(FUZZ_MAX_TIME) FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-200} $(PY) scripts/fuzz_api.py

fuzz-ci: $(VENV)/.installed messages
	FUZZ_MAX_TIME=60 $(PY) scripts/fuzz_api.py

# `manage.py check --deploy` with production settings, then pip-audit over the installed pinned packages.
audit-security: $(VENV)/.installed
	$(PY) scripts/audit_security.py
