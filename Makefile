# civic311: `make run` serves the demo city, `make test` runs every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
STACK := deploy/local/stack.sh
VENV := .venv/bin
# Each recipe line runs in its own shell: load the stack's URLs into every one that needs them.
WITH_ENV := eval "$$(bash $(STACK) env)" &&

.PHONY: help provision run test lint typecheck pytest test-fast bench stop migrate demo check-deploy

help:
	@echo "make run     install what is missing, start the local stack, serve http://127.0.0.1:$(PORT)"
	@echo "make test    same provisioning, then ruff, mypy, migrations check and the whole test suite"
	@echo "make bench   run the benchmarks in bench/ (each prints one JSON object last)"
	@echo "make stop    stop the local PostgreSQL and Redis"

provision:
	@bash $(STACK) all

migrate: provision
	@$(WITH_ENV) $(VENV)/python manage.py migrate --no-input -v 0

demo: migrate
	@$(WITH_ENV) $(VENV)/python manage.py load_demo_city --requests 300

run: demo
	@echo "civic311 on http://127.0.0.1:$(PORT)  (admin: /admin/, API: /api/v1/, docs: /api/docs/)"
	@$(WITH_ENV) PORT=$(PORT) exec $(VENV)/honcho start -f deploy/local/Procfile

lint: provision
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
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

bench: migrate
	@set -e; for b in bench/*/run.py; do echo "== $$b"; $(WITH_ENV) $(VENV)/python $$b; done

stop:
	@bash $(STACK) down
