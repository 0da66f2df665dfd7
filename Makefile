# KAMRI — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install run test test-fast e2e bench bench-reliability lint format chromium messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Debian's Chromium drives the browser tests (Playwright cannot download its own here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

run: install
	@$(BIN)/python manage.py run_shop

test: install chromium
	@$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The inner loop: unit and integration tests, no browser, no storms (make test stays the full truth).
test-fast: install
	@$(BIN)/python -m pytest -n 2 --ignore=tests/e2e --ignore=tests/reliability $(PYTEST_ARGS)

e2e: install chromium
	@$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

# bench/harness.py is the shared library of the benches, not a bench itself.
bench: install
	@for script in bench/*.py; do [ "$$script" = bench/harness.py ] && continue; echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Full-size reliability run (10,000 webhooks with a killed worker, 50 orders under CJ faults, 10,000 fuzzed
# bodies, scale-out); follows DATABASE_URL / REDIS_URL like the tests. Writes bench/results/reliability.json.
bench-reliability: install
	@BENCH_R1_EVENTS=10000 BENCH_FUZZ_CASES=10000 BENCH_ORDERS=50 $(BIN)/python bench/reliability.py

# ruff, the import contracts of pyproject.toml (docs/architecture.md's arrows), and no model change without its migration.
lint: install
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/lint-imports --no-cache --no-logo
	@$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null || \
		{ echo "A model changed without its migration: run manage.py makemigrations"; exit 1; }

format: install
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

# English catalogue: extract the French strings, fill them from locale/en/glossary.json, compile the .mo.
# Fails (after compiling) when a msgid has no English text in the glossary yet.
messages: install
	@$(BIN)/python manage.py makemessages -l en --no-obsolete --ignore '.venv/*' --ignore 'cjsandbox/*' \
		--ignore 'tests/*' --ignore 'bench/*'
	@$(BIN)/python scripts/po_fill.py locale/en/glossary.json --update --strict; status=$$?; \
		$(BIN)/python manage.py compilemessages -l en --ignore '.venv/*' && exit $$status
