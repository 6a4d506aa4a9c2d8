# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
HOST   ?= 127.0.0.1:8000
# Links in emails and the QR code on printed records point at the server `make run` starts,
# unless SITE_URL is set in the environment (e.g. the public address behind a proxy).
SITE_URL ?= http://$(HOST)

.PHONY: install run setup test e2e bench load check-system clean messages vendor lock

# Every dependency pinned with its hashes (requirements.lock); the project itself on top, no deps.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# WeasyPrint (PDFs) needs Pango from the system; say which package when it is missing.
check-system: install
	@$(PY) -c "import weasyprint" >/dev/null 2>&1 || echo "PERINGATAN: WeasyPrint tidak dapat memuat Pango; PDF tidak akan bisa dibuat. Pasang dengan: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"

# Database, demo people, the four seed SOPs, one national template and three weeks of demo
# cases; safe to run again.
setup: check-system
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py import_sop fixtures/sops/*.yaml fixtures/templates/*.yaml
	$(PY) manage.py load_demo_cases

# Serves the app and, beside it, the background worker (email, exports: ZIP of records, large XLSX) and
# the deadline sweep (reminders, overdue notices, daily digests; every minute).
run: setup
	@echo "Aplikasi berjalan di http://$(HOST)/ (berhenti: Ctrl+C)"
	@SITE_URL=$(SITE_URL) $(PY) manage.py db_worker --no-reload >worker.log 2>&1 & worker=$$!; \
	  SITE_URL=$(SITE_URL) $(PY) manage.py sweep_deadlines --loop 60 >sweep.log 2>&1 & sweeper=$$!; \
	  trap 'kill $$worker $$sweeper 2>/dev/null' EXIT INT TERM; \
	  SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST)

# The whole suite but the browser tests: SQLite by default, the database in DATABASE_URL when it is set.
test: install
	APP_ENV=test $(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

# Browser tests: Playwright drives the Debian chromium (apt-get install chromium); screenshots in test-output/e2e/.
e2e: install
	@test -x /usr/bin/chromium || { echo "make e2e membutuhkan Debian chromium: sudo apt-get install chromium"; exit 1; }
	APP_ENV=test $(PY) -m pytest -m e2e -p no:cacheprovider $(PYTEST_ARGS) tests/e2e

# After changing dependencies in pyproject.toml: re-pin them, with hashes, in requirements.lock.
# Extras stay in the pins (fonttools[woff]==...): with them stripped, pip's --require-hashes mode
# resolves WeasyPrint's "fonttools[woff]>=..." on its own, takes the newest release and refuses it
# as unpinned (it did on 2026-12-06, when fonttools 4.69.1 came out).
lock: install
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --extra dev --no-strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles

# After changing user-facing text: refresh the English catalog, translate, then compile.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=fixtures
	$(PY) manage.py compilemessages --ignore=.venv

# Refresh the vendored front-end assets from the npm registry (committed; `make run` needs no npm).
vendor:
	rm -rf node_modules && npm install --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico.min.css
	cp node_modules/axe-core/axe.min.js tests/e2e/vendor/axe.min.js

# Benchmarks: render times (median of 7 runs; target under 0.5 s per document), then every page
# and a transition at 1,000 and 100,000 cases (1,000,000 with BENCH_LARGE=1) on throwaway
# PostgreSQL databases (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres);
# figures in bench/results.json.
bench: install
	$(PY) bench/bench_pdf.py
	$(PY) bench/bench_pages.py

# Load test: gunicorn (2 workers x 4 threads, production mode on plain HTTP) and the task worker
# against the 100,000-case database of make bench; Locust runs 50 staff for 3 minutes while one
# worker is killed every 20 s; then a consistency check of every case.
load: install
	$(PY) bench/load.py
