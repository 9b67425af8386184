# FoxReviews: `make run` installs everything and runs the platform; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test test-fast lint format install lock test-external test-rabbitmq clean-var test-tools browser test-browser

run: install ## install, then bring the whole platform up (Ctrl-C stops it)
	$(BIN)/foxreviews up

test: install test-tools browser ## lint, format check, then the whole test suite (nginx, wrk and Chromium installed when missing)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest

test-fast: install ## the tests that start no process or server and kill none (the loop while coding)
	$(BIN)/pytest -q -m "not slow"

test-external: install ## the suite against this machine's PostgreSQL 15 and Redis
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/foxreviews} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	FOXREVIEWS_WS_IDLE_SECONDS=$${FOXREVIEWS_WS_IDLE_SECONDS:-12} $(MAKE) test

test-rabbitmq: install ## the tests that go through a real broker, with RabbitMQ as the broker
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672//} \
	$(BIN)/pytest -q foxreviews/core/tests/test_celery.py foxreviews/imports/tests/test_insee_tasks.py

install: $(STAMP)

# Debian's nginx for tests/deploy (nginx -t, nginx in front of the web process), wrk for bench/;
# installed as root with apt-get when missing (RUNLEVEL=1: the package starts no server);
# elsewhere the nginx tests are skipped, saying why
test-tools:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] || ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends nginx wrk >/dev/null; \
	  else echo "nginx or wrk missing (apt-get install nginx wrk as root): the nginx tests will be skipped"; fi; \
	fi

$(STAMP): pyproject.toml requirements/constraints.txt requirements/constraints-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "FoxReviews needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements/constraints-dev.txt -e '.[dev]'
	@touch $(STAMP)

lock: ## re-resolve the pinned versions from pyproject.toml's ranges (runtime, then dev tools)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip && .lock-venv/bin/python -m pip install --quiet .
	(echo "# Exact versions of the runtime dependencies (\`make lock\` re-resolves them)."; \
	 .lock-venv/bin/python -m pip freeze | grep -v '^foxreviews') > requirements/constraints.txt
	.lock-venv/bin/python -m pip install --quiet '.[dev]'
	(echo "# Exact versions of the test and lint tools, on top of the runtime ones."; echo "-c constraints.txt"; \
	 .lock-venv/bin/python -m pip freeze | grep -v '^foxreviews' | grep -vxFf requirements/constraints.txt) \
	 > requirements/constraints-dev.txt
	rm -rf .lock-venv

lint:
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean-var: ## stop the embedded servers and delete all local state (database included!)
	-$(BIN)/foxreviews down
	rm -rf var

browser: ## headless Chromium and its driver (Debian packages) for the dashboard's browser test
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then \
	  echo "chromium and chromedriver: installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get install -y chromium chromium-driver || (apt-get update && apt-get install -y chromium chromium-driver) \
	    || echo "chromium could not be installed: the browser test will be skipped"; \
	else \
	  echo "run as root: apt-get install -y chromium chromium-driver (without them the browser test is skipped)"; \
	fi

test-browser: install browser ## the live dashboard in headless Chromium (a screenshot under pytest's temp dir)
	$(BIN)/pytest -q -s foxreviews/dashboard/tests/test_browser.py
