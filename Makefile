# The two promises: `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages: CJK fonts and HarfBuzz subsetting for WeasyPrint, gettext for
# compiling the translations, poppler-utils for looking at rendered PDFs, chromium
# for the browser tests (driven by Playwright, which never downloads a browser).
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 gettext poppler-utils chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help system install messages migrate seed run worker test lint format bench clean

help:
	@echo "make run    install, migrate, seed the demo district and start the site"
	@echo "make test   install and run the whole test suite"
	@echo "make bench  run the benchmarks and print a table"
	@echo "make lint   ruff check"

system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "Installing Debian packages: $$missing"; \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    else \
	        echo "Missing Debian packages. Run this, then try again:"; \
	        echo "    sudo apt-get install -y $$missing"; \
	        exit 1; \
	    fi; \
	fi

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

install: system $(STAMP) messages

messages: $(STAMP)
	@$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: install
	$(PY) manage.py migrate --noinput -v1

seed: migrate
	$(PY) manage.py seed_demo

# The site and the worker (timers and tasks) together; Ctrl-C stops both.
run: seed
	@$(PY) manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  Site:  http://$(HOST):$(PORT)/"
	@$(PY) manage.py demo_logins
	@echo ""
	@trap 'kill 0' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) manage.py run_worker & \
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py run_worker

test: install
	DATABASE_CONN_MAX_AGE=0 $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc = 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/run.py
	$(PY) bench/documents.py
	$(PY) bench/access.py
	$(PY) bench/dashboard.py

clean:
	rm -rf $(VENV) var/static var/test.sqlite3*
