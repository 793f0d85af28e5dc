# wagecase: `make run` serves the demo at http://127.0.0.1:8000, `make test` runs the suite.
# Install steps are stamped against pyproject.toml / package-lock.json, so a re-run is quick.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per CPU, at most 4; each file stays in one process, so a file's
# module fixtures (the demo data, say) are built once. PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= auto
BENCH_SCALE ?= small
BENCH_OUT ?= bench/results/latest.json

PY_STAMP := $(VENV)/.wagecase-installed
NODE_STAMP := node_modules/.wagecase-installed
NODE_INPUTS := package.json $(wildcard package-lock.json)
# The PDF documents (inspections.documents) need a system font with Simplified Chinese.
FONT_STAMP := $(VENV)/.wagecase-cjk-font
CJK_FONT_PACKAGE := fonts-noto-cjk
FONT_FOUND := $(BIN)/python -c "import os; from inspections.documents import resolve_font_faces as find; find(os.environ.get('PDF_FONT_PATH'))" 2>/dev/null

.DEFAULT_GOAL := help
.PHONY: help install install-python install-node install-fonts translations run test check audit bench load worker beat clean

help:
	@echo "make run     install, migrate, seed demo data, serve http://$(HOST):$(PORT)"
	@echo "make test    install, run the test suite (SQLite, tasks run eagerly)"
	@echo "make check   Django system checks and a check for missing migrations"
	@echo "make audit   known vulnerabilities of the installed packages (pip-audit; a warning when offline)"
	@echo "make bench   time the API and jobs against hand-written SQL on PostgreSQL (BENCH_SCALE=tiny|small|province)"
	@echo "make load    locust against gunicorn: 50 users for 60 s on a realistic mix (LOAD_USERS, LOAD_TIME)"
	@echo "make worker  Celery worker   (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)"
	@echo "make beat    Celery beat     (schedules are stored in the database)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test]'
	touch $@

# With the lockfile (committed): `npm ci`, exactly what it pins; without one, `npm install` makes it.
$(NODE_STAMP): $(NODE_INPUTS)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

# A CJK font for the PDF documents: found (PDF_FONT_PATH or the known system paths), else Debian's
# fonts-noto-cjk is installed when we are root with apt-get (`apt-get update` only if the install
# fails without it); otherwise say what to install. Stamped once a font is found.
$(FONT_STAMP): | $(PY_STAMP)
	@if $(FONT_FOUND); then \
	    touch $@; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "+ apt-get install -y --no-install-recommends $(CJK_FONT_PACKAGE)  (a Chinese font for the PDF documents)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    { apt-get install -y -qq --no-install-recommends $(CJK_FONT_PACKAGE) >/dev/null 2>&1 \
	      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $(CJK_FONT_PACKAGE) >/dev/null; }; } \
	    && $(FONT_FOUND) && touch $@ \
	    || echo "WARNING: still no usable Chinese font after installing $(CJK_FONT_PACKAGE) (check PDF_FONT_PATH); the PDF documents cannot be rendered." >&2; \
	else \
	    echo "WARNING: no Chinese (CJK) font found, so the PDF documents (rectification orders, penalty" >&2; \
	    echo "  decisions) cannot be rendered. Install one: sudo apt-get install $(CJK_FONT_PACKAGE)" >&2; \
	    echo "  (or fonts-wqy-microhei), or set PDF_FONT_PATH to a .ttf/.otf/.ttc font with Simplified Chinese." >&2; \
	fi

install-python: $(PY_STAMP)
install-node: $(NODE_STAMP)
install-fonts: $(FONT_STAMP)
install: install-python install-node install-fonts translations

translations: $(PY_STAMP)
	$(MANAGE) compile_translations

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# A throwaway PostgreSQL unless DATABASE_URL is set; see bench/README.md.
bench: install-python translations
	BENCH_SCALE=$(BENCH_SCALE) BENCH_OUT=$(BENCH_OUT) $(BIN)/python -m bench.run

# Load test: locust (the `bench` extra, installed here only) against gunicorn; see bench/README.md.
LOAD_STAMP := $(VENV)/.wagecase-bench-installed
$(LOAD_STAMP): pyproject.toml | $(PY_STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test,bench]'
	touch $@

load: install-python translations $(LOAD_STAMP)
	BENCH_SCALE=$(BENCH_SCALE) $(BIN)/python -m bench.load

# Known vulnerabilities (pip-audit, the `audit` extra, installed here only); see README "Security".
AUDIT_STAMP := $(VENV)/.wagecase-audit-installed
$(AUDIT_STAMP): pyproject.toml | $(PY_STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test,audit]'
	touch $@

audit: install-python $(AUDIT_STAMP)
	$(BIN)/python scripts/audit.py

worker: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0); without it tasks run in-process." >&2; exit 1; }
	$(BIN)/celery -A wagecase worker -l info

beat: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0); without it tasks run in-process." >&2; exit 1; }
	$(BIN)/celery -A wagecase beat -l info

clean:
	rm -f $(PY_STAMP) $(NODE_STAMP) $(FONT_STAMP)
	rm -rf var/static
