# `make site` and `make test` each create or reuse .venv, install, then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test golden serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/digest build --strict

test: $(STAMP)
	$(BIN)/python -m pytest

golden: $(STAMP)
	$(BIN)/python -m tests.golden

serve: $(STAMP)
	$(BIN)/digest serve

clean:
	rm -rf site docs/digest
