# The two set-up commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/workshops_test
TEST_DATABASE_URL ?= $(PG_TEST_URL)
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: assets run test test-fast test-sqlite test-postgres lint bench bench-short translations extract-messages update-catalogues clean

$(BIN)/.installed-run: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed-run requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The design system (GOV.UK Frontend from npm, without its brand): built into app/static/vendor/, never
# committed. Our Sass settings (fonts, colours) in assets/design.scss; its JavaScript copied as it is.
VENDOR := app/static/vendor
$(VENDOR)/.built: node_modules/.installed assets/design.scss
	mkdir -p $(VENDOR)
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
		--silence-deprecation=import assets/design.scss $(VENDOR)/design.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk-frontend.min.js
	touch $@
assets: $(VENDOR)/.built

# Compiled catalogues are built, never committed.
translations: $(BIN)/.installed-run
	$(BIN)/pybabel -q compile -d app/translations

# For developers: gather the strings of app/ and update the French and Dutch catalogues.
extract-messages: $(BIN)/.installed-run
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --add-comments=TRANSLATORS: --sort-by-file \
		--project=Workshops -o app/translations/messages.pot app
update-catalogues: extract-messages
	$(BIN)/pybabel -q update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching \
		--ignore-obsolete --width=100

# BASE_URL (the address in e-mails and feeds) follows HOST and PORT unless it is set.
run: export BASE_URL ?= http://$(HOST):$(PORT)
run: $(BIN)/.installed-run translations $(VENDOR)/.built
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

LINTED := app tests bench migrations config.py wsgi.py

# The linter first (it fails the run), then the whole suite on both engines.
test: $(BIN)/.installed-dev node_modules/.installed $(VENDOR)/.built translations
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check $(LINTED)

# The inner loop: every test but the browser and multi-process ones, on SQLite only.
test-fast: $(BIN)/.installed-dev translations
	TEST_DATABASE_URL=sqlite $(BIN)/pytest -q --ignore=tests/browser -m "not slow" $(PYTEST_ARGS)

test-sqlite:
	@echo "== tests on SQLite =="
	TEST_DATABASE_URL=sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== tests on PostgreSQL ($(TEST_DATABASE_URL)) =="
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

# The reads on SQLite and PostgreSQL, then the registration rush beside the minimal app (bench/README.md).
# Sizes: BENCH_ARGS (flags of bench/run.py) and the BENCH_RUSH_* variables; bench-short is a quick run.
BENCH_ARGS ?=
bench: $(BIN)/.installed-dev translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/purge.py

bench-short: $(BIN)/.installed-dev translations
	BENCH_RUSH_ROUNDS=$${BENCH_RUSH_ROUNDS:-2} BENCH_RUSH_SPREAD=$${BENCH_RUSH_SPREAD:-1000} \
		BENCH_RUSH_HOT=$${BENCH_RUSH_HOT:-200} BENCH_RUSH_PROFILE=$${BENCH_RUSH_PROFILE:-20} \
		$(BIN)/python bench/run.py --requests 300 --cached-requests 100 $(BENCH_ARGS)
	$(BIN)/python bench/purge.py --registrations 20000

clean:
	rm -rf $(VENV) node_modules .pytest_cache $(VENDOR)
