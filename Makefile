# Two commands a newcomer needs: `make serve` and `make test`. Everything else is a step of those.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= build
NODE_STAMP := node_modules/.package-lock-stamp

.PHONY: install build validate serve test lint typecheck bench lock clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP) $(NODE_STAMP)

build: install
	$(BIN)/cybertreaty build --out $(OUT)

validate: build
	$(BIN)/cybertreaty validate --out $(OUT)

serve: build
	$(BIN)/cybertreaty serve --store $(OUT)/store

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

# The query editor's front-end files (YASGUI from npm), pinned by package-lock.json and served by
# our own server from node_modules/; `npm ci` runs again whenever the lockfile changes.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# Debian's headless Chromium for the browser test of the query editor (root on dev machines and CI).
.PHONY: chromium
chromium:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

test: chromium

bench: install
	$(BIN)/python bench/build_validate.py

# Refresh the pinned versions after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/cybertreaty-lock && $(PYTHON) -m venv /tmp/cybertreaty-lock
	/tmp/cybertreaty-lock/bin/python -m pip install -q --upgrade pip
	/tmp/cybertreaty-lock/bin/python -m pip install -q -e '.[test]'
	/tmp/cybertreaty-lock/bin/python -m pip freeze --exclude-editable | grep -v '^cybertreaty' > constraints.txt

clean:
	rm -rf $(VENV) $(OUT)

# Known vulnerabilities with a fix available in the installed Python packages (pip-audit) and the
# front-end packages (npm audit --omit=dev) fail; an unreachable advisory service is a notice only.
.PHONY: audit
audit: install
	$(BIN)/python -m tests.security.audit
