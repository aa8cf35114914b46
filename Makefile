# Homecoming: `make demo` serves the demo (and runs its task worker), `make test` runs every check. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint system-deps lock messages bench screenshots clean

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

# README's screenshots (docs/screenshots/) are taken by the browser journeys that show those
# screens, so that they cannot go stale: each pair is "README image:journey's screenshot in
# test-artifacts/"; the journeys' screenshots are removed first, so that only a fresh one is copied.
SCREENSHOTS := \
	settlements-map:settlements-map \
	settlement-page-az:settlement-page-az \
	home:worklist-officer-en-1280 \
	household-list:household-list-filtered-en \
	register-likely-match:register-likely-match-en-1280 \
	changes-to-approve:record-origin-queue-en-1280 \
	import-errors:import-errors-en \
	hazard-map:map-hazards-kalbajar-en-1280
SCREENSHOT_JOURNEYS := \
	"tests/browser/test_places_journey.py::test_the_kalbajar_officer_browses_settlements_in_two_languages" \
	"tests/browser/test_worklist_journey.py::test_the_officer_follows_each_task_of_the_worklist_to_where_it_is_done[en]" \
	"tests/browser/test_household_list_journey.py::test_page_through_a_filtered_sorted_list_and_open_a_household[en]" \
	"tests/browser/test_registration_journey.py::test_a_family_registered_again_is_shown_and_opened_instead[en]" \
	"tests/browser/test_household_record_journey.py::test_an_origin_change_is_approved_with_before_and_after_and_nothing_else_touched[en]" \
	"tests/browser/test_import_journey.py::test_an_officer_corrects_a_households_file_and_imports_it_with_a_progress_bar[en]" \
	"tests/browser/test_maps_journey.py::test_the_hazard_map_draws_the_countries_under_the_hazard_areas[en]"

screenshots: $(VENV)/.installed-test system-deps
	@for pair in $(SCREENSHOTS); do rm -f "test-artifacts/$${pair#*:}.png"; done
	$(BIN)/pytest -q $(SCREENSHOT_JOURNEYS)
	@for pair in $(SCREENSHOTS); do \
	   cp "test-artifacts/$${pair#*:}.png" "docs/screenshots/$${pair%%:*}.png" || exit 1; \
	   echo "docs/screenshots/$${pair%%:*}.png <- test-artifacts/$${pair#*:}.png"; done

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
