PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install bench load mutation mutation-smoke

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The hint load_demo prints and the links in every mail follow the port, unless the site's
# address is given.
run: export PORTAL_SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py rundev --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark of the main pages against the framework's floor, on PostgreSQL and Redis
# (DATABASE_URL, REDIS_URL); builds the scale programme first when the database has none.
FACTOR ?= 0.1
bench: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python bench/run.py --factor $(FACTOR) $(BENCH_ARGS)

# The busiest-day load test in full: 200 NGO users for 10 minutes, on PostgreSQL and Redis
# (DATABASE_URL and REDIS_URL, as for the tests against real services).
load: export PORTAL_LOAD_USERS ?= 200
load: export PORTAL_LOAD_SECONDS ?= 600
load: install
	$(BIN)/python -m pytest tests/load -s -q

# Mutation testing of the rule modules on PostgreSQL and Redis (DATABASE_URL, REDIS_URL), one
# mutant per core; MODULES names some of them (paths), by default every one in
# tests/mutation/run.py. The survivors go to var/mutation/.
mutation: install
	$(BIN)/python tests/mutation/run.py $(MODULES)

# What CI runs: one small module, failing when its score drops below tests/mutation/smoke.json.
mutation-smoke: install
	$(BIN)/python tests/mutation/run.py --smoke
