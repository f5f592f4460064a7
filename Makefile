# Two commands: `make repro` runs the whole pipeline, `make test` runs the tests; both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
INSTALLED := $(VENV)/.installed
# The pipeline reads the shared offline mirror when it exists and DATA_MIRROR is not already set.
# The tests make their own data and never see it.
DATA_MIRROR ?= $(if $(wildcard ../shared/datasets/SHA256SUMS),$(abspath ../shared/datasets))
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: setup browser repro test report seeds sweep-noise sweep-autoencoder-lr

setup: $(INSTALLED)

$(INSTALLED): requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	$(VENV)/bin/pip check
	touch $@

# Debian's Chromium, for the report's headless-browser test (skipped where it cannot be installed).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	  || echo "chromium could not be installed: the report's browser test will be skipped"

repro: setup
	DATA_MIRROR=$(DATA_MIRROR) dvc repro

test: setup browser
	pytest

# An offline HTML/Markdown report: each project's result against its baseline, then its pictures,
# curves and metrics. REVS="<rev> <rev> ..." (git revisions or DVC experiment names) compares them instead.
report: setup
	python -m stages.report$(if $(REVS), --revs $(REVS))

# Common sweeps, queued as DVC experiments and run one after another; compare them with
# `dvc exp show --md`. Each leaves the workspace params.yaml as it was.
sweep-noise: setup
	dvc exp run --queue -S 'noise.std=0.1,0.3,0.5,0.7,0.9'
	DATA_MIRROR=$(DATA_MIRROR) dvc exp run --run-all

sweep-autoencoder-lr: setup
	dvc exp run --queue -S 'autoencoder.train.learning_rate=0.0003,0.001,0.003'
	DATA_MIRROR=$(DATA_MIRROR) dvc exp run --run-all

# The headline results over several training seeds: one queued experiment per extra seed (named
# seed-<n>, every trainer's seed set to n; HEAD's defaults are the first seed), run one after another,
# then their mean, std, min and max in metrics/seeds.json. A seed already run is kept, not re-run.
SEEDS ?= 1 2
HEADLINES := metrics/autoencoder.json:latent_16.test_loss metrics/autoencoder.json:latent_32.test_loss \
	metrics/autoencoder.json:latent_64.test_loss metrics/denoiser.json:test_psnr \
	metrics/denoiser.json:psnr_gain_over_baseline_db \
	metrics/text.json:val_loss metrics/text.json:val_loss_gain_over_baseline \
	metrics/sentiment.json:accuracy metrics/sentiment.json:f1
seeds: setup
	for seed in $(SEEDS); do \
	  dvc exp list --name-only | grep -qx seed-$$seed || dvc exp run --queue -n seed-$$seed \
	    $(foreach project,autoencoder denoiser text sentiment,-S $(project).train.seed=$$seed); \
	done
	DATA_MIRROR=$(DATA_MIRROR) dvc exp run --run-all
	python -m stages.seeds $(HEADLINES)
