# egov: two commands set everything up (see README.md).
#   make run    install, migrate, load the demo province, start web server + workers
#               (+ the local SMTP catcher, fakes/smtp.py: e-mails land in var/mail/)
#   make test   install development tools and run every check
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MO := egov/locale/en/LC_MESSAGES/django.mo

.PHONY: run test bench install install-dev check lint format openapi demo messages clean

# The demo syncs its dossiers to the fake national portal (fakes/dvcqg.py; docs/national.md).
run: export EGOV_NATIONAL_PROVIDER ?= dvcqg
run: export EGOV_NATIONAL_INBOUND_TOKEN ?= egov-demo-inbound
run: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_demo_catalog
	$(BIN)/python manage.py load_demo_dossiers
	$(BIN)/python manage.py gateway_demo
	$(BIN)/python manage.py signing_dev_pki --install --if-missing
	$(BIN)/python manage.py serve

test: install-dev messages
	@command -v chromium >/dev/null || scripts/bootstrap-debian chromium
	@command -v redis-server >/dev/null || scripts/bootstrap-debian redis-server
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# The fault tests of the national portal sync: real relays against the fake portal, on
# PostgreSQL (docs/national.md). Each prints "lost 0, duplicated 0, out of order 0".
.PHONY: faults
faults: install-dev
	@if [[ "$$DATABASE_URL" != postgres* ]]; then \
	  echo "make faults: skipped, it needs PostgreSQL (DATABASE_URL=postgres://...)"; exit 0; fi; \
	EGOV_FAULTS=1 $(BIN)/pytest -m faults -s -q egov/national/faults

bench: install-dev
	@command -v wrk >/dev/null || scripts/bootstrap-debian wrk
	$(BIN)/python bench/run.py

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

$(BIN)/python:
	scripts/bootstrap-debian
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

messages: $(MO)
$(MO): egov/locale/en/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || scripts/bootstrap-debian
	msgfmt --check -o $@ $<

# Regenerate the committed OpenAPI file (a test fails when it drifts).
openapi: install-dev
	$(BIN)/python manage.py spectacular --file docs/api/openapi.yaml --validate

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
