# Écoute — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
FLASK  := $(BIN)/flask --app wsgi

.PHONY: install install-dev bytecode system-deps migrate seed run test lint typecheck bench clean

# Some machines set PYTHONDONTWRITEBYTECODE=1 for every shell. Python then compiles
# every module from source at each command (measured: `flask --help` 2.5 s instead of
# 0.8 s, `report demo` about 20 s more CPU): the commands run here write their bytecode
# as Python normally does, and `bytecode` compiles what they do not import.
unexport PYTHONDONTWRITEBYTECODE
COMPILE := $(BIN)/python -m compileall -q -j 0 $(VENV)/lib survey_app questionnaires analysis reports migrations wsgi.py

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
	$(COMPILE) >/dev/null
	@touch $@

# Bytecode of everything, ahead of the first command that needs it (seconds when up to date).
bytecode: install
	$(COMPILE) >/dev/null

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
	@# The report libraries' bytecode is compiled in the background, not before the server listens.
	@($(COMPILE) >/dev/null 2>&1 &)
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
