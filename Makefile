# `make site` and `make test` each create or reuse .venv, install, then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test golden serve clean chromium screenshots bench-quick

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/digest build --strict

test: $(STAMP) chromium
	$(BIN)/python -m pytest

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "The browser tests need Chromium at /usr/bin/chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

# Show what changed in the golden files and rewrite them (ACCEPT=1 overwrites uncommitted changes).
golden: $(STAMP)
	$(BIN)/python -m tests.golden $(if $(ACCEPT),--accept)

screenshots: site chromium
	$(BIN)/python scripts/screenshots.py

# A 1,000-paper smoke run of the scale benchmark (CI runs it so it cannot rot).
bench-quick: $(STAMP) chromium
	$(BIN)/python benchmarks/run.py --quick

serve: $(STAMP)
	$(BIN)/digest serve

clean:
	rm -rf site docs/digest
