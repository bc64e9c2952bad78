# Tongxin: `make run` installs everything and serves the demo; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# Every target here is development: DEBUG defaults to off in config/settings.py, so turn it on
# (the development secret key, plain HTTP). Production never runs make (docs/operations.md).
export DEBUG ?= 1

.PHONY: run setup test lint format messages bench clean

$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

setup: $(BIN)/.installed
	$(MAKE) --no-print-directory messages
	$(BIN)/python manage.py migrate --no-input -v0

# Compiled catalogs are committed; recompile when gettext is present.
messages: $(BIN)/.installed
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages -v0 --ignore=.venv; fi

# The demo always runs in development mode, whatever DEBUG the shell has.
run: export DEBUG = 1
run: setup
	$(BIN)/python manage.py seed_demo --scale small --if-empty
	$(BIN)/python manage.py demo_accounts
	@echo "Tongxin is at http://$(HOST)/ with a background worker (Ctrl-C stops both)"
	PY=$(BIN)/python bin/run-demo $(HOST)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(BIN)/.installed lint
	$(MAKE) --no-print-directory messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
