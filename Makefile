# Two commands: `make repro` runs the whole pipeline, `make test` runs the tests; both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
INSTALLED := $(VENV)/.installed
# The shared offline mirror is used when it exists and DATA_MIRROR is not already set.
DATA_MIRROR ?= $(if $(wildcard ../shared/datasets/SHA256SUMS),$(abspath ../shared/datasets))
export DATA_MIRROR
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: setup repro test

setup: $(INSTALLED)

$(INSTALLED): requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	$(VENV)/bin/pip check
	touch $@

repro: setup
	dvc repro

test: setup
	pytest
