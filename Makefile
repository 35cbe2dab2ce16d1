# The two commands in README.md: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Debian packages: Chinese fonts and HarfBuzz subsetting for WeasyPrint, Pango, Chromium for browser tests,
# gettext for translations, poppler for PDF-to-PNG checks.
DEB_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 chromium gettext poppler-utils

.PHONY: help install system-packages run test lint bench backup restore clean

help:
	@echo "make run      install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test     install and run the whole test suite against PostgreSQL and Redis"
	@echo "make install  the virtualenv (.venv) and system packages only"
	@echo "make lint     ruff and the migrations check"
	@echo "make bench    the performance benchmarks (bench/), printing their figures"
	@echo "make backup / make restore BACKUP=dir   database and generated files"

system-packages:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/python scripts/requirements.py dev | $(BIN)/pip install -q -r /dev/stdin
	touch $@

install: system-packages $(BIN)/.installed
	@cd . && $(BIN)/python scripts/compilemessages.py

run: install
	@PORT=$(PORT) bash scripts/run.sh

test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	@# The migrations check compares models with migration files; it needs no database (a missing one only
	@# skips Django's applied-history check, which is about a database's state, not about the code).
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_lint_needs_no_database SECRET_KEY=lint-only-key \
		DJANGO_DEBUG=0 ALLOWED_HOSTS=localhost $(BIN)/python -W ignore::RuntimeWarning manage.py makemigrations --check --dry-run

bench: install
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} \
		REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/14} $(BIN)/python bench/run.py $(BENCH_ARGS)

backup: install
	@bash scripts/backup.sh

restore: install
	@bash scripts/restore.sh "$(BACKUP)"

clean:
	rm -rf $(VENV) .run staticfiles
