# Écoute — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
FLASK  := $(BIN)/flask --app wsgi

.PHONY: install install-dev system-deps migrate seed run test lint typecheck bench clean

# Runtime only (what `make run` needs): requirements.txt. Binary wheels, no bytecode
# compiled up front (Python compiles what it imports), no pip
# self-upgrade: the target is a listening server within 90 s of `make run` on a fresh machine.
$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --prefer-binary --no-compile -r requirements.txt
	@touch $@

# Runtime + development and test tools (`make test`): requirements-dev.txt.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --prefer-binary -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Debian packages used by the browser tests and the PDF checks. Installed only
# when missing, and only when we can (root); otherwise those tests say why they skip.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null; \
	  else echo "note: chromium/poppler-utils missing and not root: browser/PDF tests will skip"; fi; \
	fi

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# No gunicorn access log: it would print survey tokens; the app logs each request, redacted.
run: seed
	@echo ""
	@echo "Écoute is starting on http://$(HOST):$(PORT)/  (staff sign-in: http://$(HOST):$(PORT)/auth/login)"
	@echo ""
	PORT=$(PORT) $(BIN)/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) wsgi:app

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive --severity-level medium survey_app questionnaires analysis reports

typecheck: install-dev
	$(BIN)/mypy analysis questionnaires

# The suite is CPU-bound: pytest-xdist runs it on every core (`auto`; CI has two).
# Each worker migrates its own databases (tests/conftest.py). PYTEST_WORKERS=0: one process.
# --dist loadfile keeps a file's tests on one worker, so module fixtures are built once.
PYTEST_WORKERS ?= auto
test: install-dev system-deps lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

bench: install-dev
	@mkdir -p bench-results
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
