# Inkwell: `make run` serves the site on SQLite with nothing but Python 3.11 (venv), make and git;
# `make test` installs the Debian packages the suite needs (scripts/system-packages.sh), then runs it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The port `make run` serves on; without SITE_URL, development links use it too (blog_site/settings.py).
PORT ?= 8000
export PORT
# Two xdist workers fit this project's 2-core machines; override with `make test PYTEST_WORKERS=0`.
PYTEST_WORKERS ?= 2
# MySQL's driver must be compiled: it is installed only when DATABASE_URL names MySQL/MariaDB.
MYSQL_DRIVER := $(if $(filter mysql%,$(DATABASE_URL)),$(VENV)/.installed-mysql)

.PHONY: run test lint format messages migrate bench clean system-packages mysql-driver screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# What the site needs to run (wheels only).
$(VENV)/.installed-run: requirements/base.txt requirements/production.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/production.txt
	@touch $@

# Plus the test, lint and benchmark tools.
$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-run
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

$(VENV)/.installed-mysql: requirements/mysql.txt | $(PY)
	@$(PY) -m pip install --quiet -r requirements/mysql.txt || { echo "Inkwell: building mysqlclient needs \
	build-essential pkg-config libmariadb-dev python3-dev (sudo apt-get install -y those, or run scripts/system-packages.sh as root)." >&2; exit 1; }
	@touch $@

mysql-driver: $(VENV)/.installed-mysql

system-packages:
	@scripts/system-packages.sh

messages: $(VENV)/.installed-run
	$(PY) scripts/compile_messages.py

migrate: $(VENV)/.installed-run $(MYSQL_DRIVER)
	$(PY) manage.py migrate --noinput

run: $(VENV)/.installed-run $(MYSQL_DRIVER) messages migrate
	$(PY) manage.py ensure_dev_superuser
	@if $(PY) manage.py help seed_demo > /dev/null 2>&1; then $(PY) manage.py seed_demo; fi
	@echo "Inkwell is serving on http://127.0.0.1:$(PORT)/ (admin: /admin/, API docs: /api/docs/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The Debian packages come first (prerequisites run in order): the suite needs them, and so does the MySQL driver's build.
test: system-packages $(VENV)/.installed-dev $(MYSQL_DRIVER) messages
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev $(MYSQL_DRIVER)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache  # the app layers and no cycles (.importlinter)

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-dev $(MYSQL_DRIVER) messages
	@for script in bench/*.py; do [ -f "$$script" ] || continue; echo "== $$script"; $(PY) "$$script" || exit 1; done

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# Reader pages in Debian's chromium (desktop and phone, both languages, light and dark) as PNGs in
# .artifacts/screenshots/ (git-ignored; CI keeps it). SCREENSHOTS_URL=http://127.0.0.1:8000 shoots a running site.
screenshots: $(VENV)/.installed-dev messages
	$(PY) scripts/screenshots.py

# --- Security testing (tests/security holds the hostile-input suite; `make test` runs it) ----------
# Schemathesis over /api/schema/ as anonymous, reader and editor against a scratch gunicorn (DEBUG off).
# `make fuzz`: 10 minutes per persona; `make fuzz-ci`: the bounded run of .ci/run (1 minute per persona).
FUZZ_MAX_TIME ?= 600
.PHONY: fuzz fuzz-ci audit-security e2e audit
fuzz: $(VENV)/.installed-dev messages
	FUZZ_MAX_TIME=$(FUZZ_MAX_TIME) FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-200} $(PY) scripts/fuzz_api.py

fuzz-ci: $(VENV)/.installed-dev messages
	FUZZ_MAX_TIME=60 $(PY) scripts/fuzz_api.py

# `manage.py check --deploy` with production settings, then pip-audit over the installed pinned packages.
audit-security: $(VENV)/.installed-dev
	$(PY) scripts/audit_security.py

# Browser journeys (tests/e2e): Playwright for Python driving Debian's chromium against a live server;
# screenshots in tests/e2e/artifacts/.
e2e: system-packages $(VENV)/.installed-dev messages
	scripts/audit_tools.sh
	E2E=1 $(PY) -m pytest tests/e2e -n 0 $(PYTEST_ARGS)

# Lighthouse, axe-core and the Nu HTML Checker on the reader pages, both languages (bench/audit_pages.sh).
audit: system-packages $(VENV)/.installed-dev messages
	bench/audit_pages.sh
