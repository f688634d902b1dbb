# repairflow — every command a developer needs. `make help` lists them.
# Only Python 3.11+ is required: the targets create and fill .venv themselves.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint format messages check-messages bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

run: $(VENV)/.installed ## Run the app with demo data: gunicorn on $(HOST):$(PORT), a Celery worker and beat (Procfile)
	$(BIN)/python manage.py prepare --demo
	@echo ""
	@echo "  repairflow is starting on http://$(HOST):$(PORT)/   (API docs: /api/docs/, admin: /admin/)"
	@echo "  Demo accounts (password = user name):"
	@echo "    office      credit office (also admin)     auditor     read-only, everything"
	@echo "    dept-scj    department SCJ                  dept-hb     department HB"
	@echo "    subject-a   enterprise                      subject-b   enterprise"
	@echo "    person-c    natural person"
	@echo "  Ctrl-C stops everything."
	@echo ""
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/honcho start -f Procfile

test: $(VENV)/.installed-test ## Run the whole test suite (DATABASE_URL / CELERY_BROKER_URL switch to PostgreSQL / Redis)
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test ## Lint, check formatting (ruff) and the layers contract (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-test ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(VENV)/.installed ## Update the translation catalogues and compile them (needs GNU gettext)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore '.venv/*'

check-messages: $(VENV)/.installed ## Fail when a string lacks its Chinese translation or the catalogue is stale
	$(MAKE) --no-print-directory messages
	git diff --exit-code -I POT-Creation-Date -- locale/
	@! msgfmt --statistics -o /dev/null locale/zh_Hans/LC_MESSAGES/django.po 2>&1 | grep -E 'untranslated|fuzzy'

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	@touch $@

bench: $(VENV)/.installed-bench ## Run the benchmarks (results in bench/results/, figures in docs/benchmarks.md)
	$(BIN)/python bench/records_import.py
	$(BIN)/python bench/deadline_sweep.py
	$(BIN)/python bench/expiry_sweep.py
	$(BIN)/python bench/objection_lifecycle.py
	$(BIN)/python bench/sync_throughput.py
	$(BIN)/python bench/list_pages.py

clean: ## Remove the virtualenv and everything under var/ (database, broker, media)
	rm -rf $(VENV) var
