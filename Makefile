# Observer School. `make run` serves the app; `make test` runs the whole suite.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app school
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Cyrillic fonts for the certificate PDF (CERTIFICATE_FONT_DIR); Debian's package, installed when missing.
FONT   := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
export SCHOOL_ENV ?= development

.PHONY: run setup test test-pg test-browser lint check serve bench bench-load clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

$(FONT):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null

/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

setup: $(VENV)/.installed $(FONT)
	$(FLASK) setup

run: setup
	$(FLASK) run --host 127.0.0.1 --port 5000

serve: setup
	SCHOOL_ENV=production $(VENV)/bin/gunicorn -c gunicorn.conf.py "school:create_app()"

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check school tests bench config.py
	$(VENV)/bin/bandit -q -r school config.py

check: $(VENV)/.installed
	$(FLASK) content check

test: $(VENV)/.dev-installed node_modules/axe-core/axe.min.js /usr/bin/chromium $(FONT) lint check
	$(VENV)/bin/pytest -q

test-pg: $(VENV)/.dev-installed node_modules/axe-core/axe.min.js /usr/bin/chromium $(FONT)
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q

/usr/bin/wrk:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null

/usr/sbin/nginx:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null

# Benchmarks (bench/README.md); never run by CI.
bench: $(VENV)/.dev-installed /usr/bin/wrk
	bench/run.sh

bench-load: $(VENV)/.dev-installed /usr/sbin/nginx
	bench/load.sh

clean:
	rm -rf $(VENV) node_modules tests/artifacts
