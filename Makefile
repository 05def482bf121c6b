# Practice Learning: `make run` serves the demo, `make test` runs every test.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STATIC := learning_app/static
GOVUK := node_modules/govuk-frontend/dist/govuk

.PHONY: run install assets chromium test test-postgres lint clean

run: install assets
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# GOV.UK Frontend ships no Python package with its compiled assets: copy them from npm.
assets: node_modules/.installed
	cp $(GOVUK)/govuk-frontend.min.css $(GOVUK)/govuk-frontend.min.js $(STATIC)/
	cp -R $(GOVUK)/assets/. $(STATIC)/

# Debian's Chromium drives the browser tests (Playwright cannot download its own here).
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is not installed and apt-get is not available: browser tests will be skipped"; fi

test: install assets chromium
	$(BIN)/ruff check learning_app tests bench
	$(BIN)/python -m pytest

# The same suite against PostgreSQL (database `test` on 127.0.0.1 unless TEST_DATABASE_URL is set).
test-postgres: install assets chromium
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check learning_app tests bench
	$(BIN)/ruff format --check learning_app tests bench

clean:
	rm -rf $(VENV) node_modules $(STATIC)/govuk-frontend.min.* $(STATIC)/fonts $(STATIC)/images $(STATIC)/manifest.json
