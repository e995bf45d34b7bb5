# The table of contents of a developer's day. Every target sets up what it needs first.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
MANAGE  := $(PY) manage.py
export DEBUG ?= 1
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: run test setup venv db messages demo lint format migrations-check check-deploy reset-db ci bench worker beat

run: setup demo ## set everything up and serve the portal with its worker and scheduler
	bin/run-dev $(HOST) $(PORT)

test: setup ## set everything up and run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

setup: venv messages db

venv: .venv/.installed
.venv/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

messages: venv ## compile the zh_Hans translations
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

db: venv ## apply migrations
	$(MANAGE) migrate --no-input -v 0

demo: db ## load the (made-up) demo district; safe to run again
	$(MANAGE) seed_demo

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: venv
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

migrations-check: venv
	$(MANAGE) makemigrations --check --dry-run

check-deploy: venv ## Django's deployment checklist under production settings
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-value-for-the-check ALLOWED_HOSTS=portal.example.cn \
		$(MANAGE) check --deploy --fail-level WARNING

reset-db: ## drop the local SQLite database and media (not PostgreSQL)
	rm -f var/portal.sqlite3 var/portal.sqlite3-wal var/portal.sqlite3-shm
	$(MAKE) db demo

worker: setup
	nice -n 10 .venv/bin/celery -A portal worker --loglevel=INFO --concurrency=2

beat: setup
	.venv/bin/celery -A portal beat --loglevel=INFO

bench: setup ## benchmarks at district and national scale (see bench/README.md)
	$(PY) -m bench.run_all

ci: ## what CI runs
	bash .ci/run
