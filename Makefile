# Two commands: `make repro` runs the whole pipeline, `make test` runs the tests; both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
# GPU=1 installs TensorFlow's CUDA build, tensorflow[and-cuda], at the version requirements.txt pins for
# tensorflow-cpu. The two builds share one import name, so switching removes the other first.
GPU_REQUIREMENTS := sed 's/^tensorflow-cpu==/tensorflow[and-cuda]==/' requirements.txt
REQUIREMENTS := $(if $(GPU),$(GPU_REQUIREMENTS),cat requirements.txt)
INSTALLED := $(VENV)/.installed$(if $(GPU),-gpu)
# The pipeline reads the shared offline mirror when it exists and DATA_MIRROR is not already set.
# The tests make their own data and never see it.
DATA_MIRROR ?= $(if $(wildcard ../shared/datasets/SHA256SUMS),$(abspath ../shared/datasets))
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: setup browser repro test report seeds sweep-noise sweep-autoencoder-lr check-gpu-pins publish cluster

# .dvc/plots.html: the template of DVC's plots pages (`dvc plots show`, `dvc plots diff`; .dvc/config.local
# names it), with Vega, Vega-Lite and Vega-Embed inlined from the installed vl-convert so the pages draw offline.
PLOTS_TEMPLATE := .dvc/plots.html

setup: $(INSTALLED) $(PLOTS_TEMPLATE)
$(INSTALLED): requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip uninstall --quiet --yes $(if $(GPU),tensorflow-cpu,tensorflow)
	$(REQUIREMENTS) | $(VENV)/bin/pip install --quiet -r /dev/stdin
	$(VENV)/bin/pip check
	rm -f $(VENV)/.installed $(VENV)/.installed-gpu
	touch $@

$(PLOTS_TEMPLATE): $(INSTALLED) stages/plots_page.py
	$(VENV)/bin/python -m stages.plots_page

# CI: the GPU=1 pins resolve together (a dry run; it reads the CUDA wheels' metadata from PyPI).
check-gpu-pins: setup
	$(GPU_REQUIREMENTS) | $(VENV)/bin/pip install --dry-run --ignore-installed -r /dev/stdin | grep '^Would install'

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
	dvc exp run --queue -S 'autoencoder.train.learning_rate=0.003,0.01,0.03'
	DATA_MIRROR=$(DATA_MIRROR) dvc exp run --run-all

# The headline results over several training seeds: one queued experiment per extra seed (named
# seed-<n>, the training seed of every project in SEED_PROJECTS set to n; HEAD's defaults are the first seed),
# run one after another, then the mean, std, min and max of every headline (stages/headlines.py) over the runs
# that changed its seed, in metrics/seeds.json. A seed already run is kept, not re-run (`dvc exp remove seed-<n>`
# to run it with other SEED_PROJECTS). `make seeds SEED_PROJECTS=sentiment` re-trains the IMDB model alone.
SEEDS ?= 1 2
SEED_PROJECTS ?= autoencoder denoiser text sentiment
seeds: setup
	for seed in $(SEEDS); do \
	  dvc exp list --name-only | grep -qx seed-$$seed || dvc exp run --queue -n seed-$$seed \
	    $(foreach project,$(SEED_PROJECTS),-S $(project).train.seed=$$seed); \
	done
	DATA_MIRROR=$(DATA_MIRROR) dvc exp run --run-all
	python -m stages.seeds

# Publishes a new version of MODEL, one of the `artifacts:` in dvc.yaml, from the current commit: its
# files go to the DVC remote, then GTO tags the commit MODEL@vX.Y.Z and pushes the tag to origin.
# Anyone can then download it with `dvc artifacts get <git url> MODEL`. Run it after `dvc repro` and a commit.
publish:
	dvc push
	gto register $(MODEL) --push

# A local cluster for trying train.strategy: multi_worker on one machine (docs/collaboration.md):
# WORKERS processes on localhost ports PORT and up, all in this checkout, since only worker 0 writes.
# Worker 0 runs `dvc repro STAGE`; the others run `python -m MODULE`, their logs in a temporary folder.
# Example: make cluster STAGE=train_text MODULE=stages.text.train (with train.strategy: multi_worker).
WORKERS ?= 2
PORT ?= 23456
cluster: setup
	@test -n "$(STAGE)" -a -n "$(MODULE)" || { echo "error: make cluster needs STAGE and MODULE, e.g. STAGE=train_text MODULE=stages.text.train" >&2; exit 2; }
	@logs=$$(mktemp -d); workers=$$(seq -s, -f '"localhost:%.0f"' $(PORT) $$(($(PORT) + $(WORKERS) - 1))); \
	config() { echo "{\"cluster\": {\"worker\": [$$workers]}, \"task\": {\"type\": \"worker\", \"index\": $$1}}"; }; \
	for i in $$(seq 1 $$(($(WORKERS) - 1))); do TF_CONFIG="$$(config $$i)" python -m $(MODULE) > $$logs/worker-$$i.log 2>&1 & done; \
	echo "workers 1 to $$(($(WORKERS) - 1)) log to $$logs"; \
	TF_CONFIG="$$(config 0)" DATA_MIRROR=$(DATA_MIRROR) dvc repro $(STAGE); status=$$?; wait; exit $$status
