# The two commands a newcomer needs: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= python3
# Where `make run` listens: `make run PORT=8200`, or HOST=0.0.0.0 for other machines.
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test migrate messages lint bench adminbench loadtest lighthouse ci clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

install: $(BIN)/python
	$(BIN)/pip install --quiet --group run

install-test: $(BIN)/python
	$(BIN)/pip install --quiet --group test

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The Spanish catalogue (README, "Translations"): new and changed strings into
# locale/es/LC_MESSAGES/django.po, then the .mo the site reads. Needs GNU gettext (apt-get install
# gettext); the .mo is committed, so `make run` and `make test` do not.
messages: install
	$(BIN)/python manage.py makemessages -l es --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages -l es $(MESSAGES_IGNORE)

MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=docs --ignore=staticfiles \
	--ignore=media --ignore=cache --ignore=sessions --ignore=templates/admin

test: install-test
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(BIN)/python
	$(BIN)/pip install --quiet --group bench
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/diary_bench.py

lighthouse: $(BIN)/python
	$(BIN)/pip install --quiet --group bench
	$(BIN)/python bench/lighthouse.py

# The staff home and worklist with 10,000 requests; DATABASE_URL=postgres://... for PostgreSQL.
adminbench: install
	$(BIN)/python bench/admin_bench.py

loadtest: $(BIN)/python
	$(BIN)/pip install --quiet --group bench
	$(BIN)/python bench/loadtest.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
