# `make demo` and `make test` work on a fresh machine with make and any
# Python >= 3.12 on it: plain on the PATH, or installed by pyenv.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow bench venv clean

# Find an interpreter that really runs and is new enough. A pyenv shim for a
# version that is not active is on the PATH but fails when run, so every
# candidate is run, not just looked up.
PYTHON_FOR_VENV := $(shell for c in python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.1[3-9]*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 \
	/usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	  if "$$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
	    command -v "$$c" 2>/dev/null || echo "$$c"; break; fi; done)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
	  echo "debtopt needs Python 3.12 or newer, and none was found."; \
	  echo "Install one, e.g. 'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.12', then run make again."; \
	  exit 1; fi
	@echo "Using $(PYTHON_FOR_VENV) ($$($(PYTHON_FOR_VENV) --version))"
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/debtopt compare examples/zhang-san.toml
	$(VENV)/bin/debtopt optimize examples/zhang-san.toml

test: $(STAMP)
	$(PY) -m pytest -q

# pytest exits 5 when no test is marked slow; that is not a failure.
test-slow: $(STAMP)
	$(PY) -m pytest -m slow -p no:cacheprovider; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

bench: $(STAMP)
	$(PY) benchmarks/ledger_speed.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
