# civic311: `make run` serves the demo city, `make test` runs every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
STACK := deploy/local/stack.sh
VENV := .venv/bin
# Each recipe line runs in its own shell: load the stack's URLs into every one that needs them.
WITH_ENV := eval "$$(bash $(STACK) env)" &&

.PHONY: help uswds-residents provision run run-production test lint typecheck pytest test-fast bench mutation stop migrate demo check-deploy test-cluster

help:
	@echo "make run     install what is missing, start the local stack, serve http://127.0.0.1:$(PORT)"
	@echo "make test    same provisioning, then ruff, mypy, migrations check and the whole test suite"
	@echo "make bench   run the benchmarks in bench/ (each prints one JSON object last)"
	@echo "make stop    stop the local PostgreSQL and Redis"
	@echo "make run-production   the same stack with production settings behind nginx (https)"
	@echo "make check-deploy     check --deploy, production pages, then the https stack answers"
	@echo "make test-cluster     several nodes, each on its own loopback address, under faults (minutes)"
	@echo "make mutation         mutation testing of the guarded modules, and its survival table"

provision:
	@bash $(STACK) all

migrate: provision
	@$(WITH_ENV) $(VENV)/python manage.py migrate --no-input -v 0

demo: migrate
	@$(WITH_ENV) $(VENV)/python manage.py load_demo_city --requests 300

# supervisord restarts the web app, the worker or beat when one dies; Ctrl-C stops all three.
run: demo
	@echo "civic311 on http://127.0.0.1:$(PORT)  (admin: /admin/, API: /api/v1/, docs: /api/docs/)"
	@mkdir -p .local/run
	@$(WITH_ENV) PORT=$(PORT) CIVIC311_RUN_DIR=$(CURDIR)/.local/run \
		exec $(VENV)/supervisord -c deploy/local/supervisord.conf

# Production settings behind nginx (TLS), gunicorn, worker and beat, all supervised.
run-production: provision
	@bash deploy/production/run.sh foreground

lint: provision
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	PYTHONPATH=backend:. $(VENV)/lint-imports --no-cache
	@$(MAKE) --no-print-directory lint-deploy

typecheck: provision
	@$(WITH_ENV) $(VENV)/mypy backend routing frontend tests manage.py $(wildcard bench/*.py bench/*/*.py)

pytest: provision
	@$(WITH_ENV) $(VENV)/pytest $(PYTEST_ARGS)

test-fast: provision
	@$(WITH_ENV) $(VENV)/pytest -m "not slow" $(PYTEST_ARGS)

test: lint typecheck
	@$(WITH_ENV) $(VENV)/python manage.py makemigrations --check --dry-run
	@$(WITH_ENV) $(VENV)/pytest $(PYTEST_ARGS)

# Kubernetes manifests and the compose file against their schemas, offline.
.PHONY: lint-deploy
lint-deploy: provision
	$(VENV)/python deploy/k8s/validate.py

check-deploy: provision
	@$(WITH_ENV) CIVIC311_ENV=production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		DJANGO_ALLOWED_HOSTS=311.example.org $(VENV)/python manage.py check --deploy --fail-level WARNING
	@$(WITH_ENV) $(VENV)/pytest -q tests/test_production.py
	@bash deploy/production/run.sh start; rc=0; bash deploy/production/run.sh check || rc=$$?; \
		bash deploy/production/run.sh stop; exit $$rc

# The residents' USWDS stylesheet (frontend/uswds-build/residents.scss), committed built so
# `make run` needs no Sass: rebuild it after changing the package list or the USWDS version.
uswds-residents:
	cd frontend/uswds-build && npm ci --no-audit --no-fund && npm run build

bench: migrate
	@set -e; for b in bench/*/run.py; do echo "== $$b"; $(WITH_ENV) $(VENV)/python $$b; done

# Not part of `make test`: minutes long. The production process layout on 127.0.31.0/24 (HAProxy,
# three web nodes, two workers, beat, PostgreSQL primary and replica behind PgBouncer, Redis
# with three Sentinels) under faults and a bounded Open311 load; prints each scenario's figures.
test-cluster: provision
	@$(WITH_ENV) $(VENV)/pytest -m cluster tests/cluster -q $(PYTEST_ARGS)

# Not part of `make test`: long. MODULES="statuses calendar" limits it to some modules. Prints
# the survival table; fails when a module keeps more than 10% non-equivalent survivors.
mutation: provision
	@$(WITH_ENV) $(VENV)/python deploy/local/mutation.py $(MODULES)

stop:
	@bash $(STACK) down
