# Homecoming: `make demo` serves the demo (and runs its task worker), `make test` runs every check. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint system-deps lock messages bench clean

# The demo, the checks and the benchmarks run in development mode (the development secret
# key, plain HTTP); without DEBUG Homecoming refuses to start without a SECRET_KEY of its own.
demo lint messages bench: export DEBUG = 1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installed from the locked versions in constraints.txt; `make lock` refreshes them.
$(VENV)/.installed-runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(BIN)/homecoming migrate --noinput
	$(BIN)/homecoming collectstatic --noinput --verbosity 0
	$(BIN)/homecoming load-demo
	@echo "Serving Homecoming on http://$(HOST):$(PORT)/ with its task worker (Ctrl-C stops both)"
	$(BIN)/homecoming db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/homecoming runserver $(HOST):$(PORT) --noreload

system-deps:
	bash scripts/system-deps.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --quiet .
	$(BIN)/homecoming makemigrations --check --dry-run

# Every test runs on SQLite; every test that reaches the database runs again on PostgreSQL,
# except the browser journeys (docs/operations.md, "Tests on both databases"). The others
# (marked database_free as they are collected, see homecoming/testing.py) cannot reach it, so
# a second run would repeat the first one exactly.
test: $(VENV)/.installed-test system-deps lint
	@echo "== tests on SQLite =="
	$(BIN)/pytest
	@echo "== tests that reach the database, on a throwaway PostgreSQL cluster =="
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest -m "not database_free" --ignore=tests/browser

# Benchmarks (not part of `make test`): each prints a Markdown section with its figures next
# to their references; together they are docs/performance.md.
$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-runtime

# BENCH_NOTE="..." adds a line under the header (e.g. what else ran on the machine).
bench: $(VENV)/.installed-bench system-deps
	@{ echo "# Performance"; echo; \
	   echo "Written by \`make bench\` on $$(date -u +%Y-%m-%d), $$(nproc) cores, Python $$($(BIN)/python -c 'import platform; print(platform.python_version())'), load average at start $$(cut -d' ' -f1-3 /proc/loadavg)."; echo; \
	   if [ -n "$$BENCH_NOTE" ]; then echo "$$BENCH_NOTE"; echo; fi; \
	   for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; echo; done; } > docs/performance.md.new
	mv docs/performance.md.new docs/performance.md
	@cat docs/performance.md

lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

# Refresh the translation catalogues (Azerbaijani, Russian) after changing texts (needs GNU
# gettext); the compiled .mo files are committed, so running Homecoming does not need gettext.
# tests/test_catalogues.py fails on a message left untranslated or fuzzy, or not compiled.
LOCALES := az ru
messages: $(VENV)/.installed-test
	cd homecoming && ../$(BIN)/homecoming makemessages $(LOCALES:%=--locale %) --ignore 'demo/*' \
		--ignore '*/tests/*' --no-obsolete --no-location \
		&& ../$(BIN)/homecoming compilemessages $(LOCALES:%=--locale %)

clean:
	rm -rf $(VENV) var test-artifacts
