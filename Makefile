# The front door. `make run` and `make test` set themselves up on a bare machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock | cksum | cut -d' ' -f1)

.PHONY: setup run test lint format worker beat bench messages clean

$(INSTALLED): requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(INSTALLED)

run: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bin/run

# Test processes side by side (pytest-xdist); each has its own database, broker and cache.
TEST_PROCESSES ?= 2

test: setup
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: setup
	$(BIN)/celery -A cms worker --loglevel INFO --queues default,bulk,alerts

beat: setup
	$(BIN)/celery -A cms beat --loglevel INFO

bench: setup
	$(BIN)/python bench/run_all.py

# One catalogue per language of settings.LANGUAGES but English, the source
# (docs/languages.md).
messages: setup
	folders="$$($(BIN)/python bin/po_fill.py --folders)" && for l in $$folders; do $(BIN)/python manage.py makemessages -l $$l --ignore=.venv --ignore=var --ignore=static -v0 || exit 1; done
	$(BIN)/python bin/po_fill.py

clean:
	rm -rf $(VENV) var static .pytest_cache .ruff_cache
