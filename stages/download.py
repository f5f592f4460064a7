"""Stage: fetch one raw dataset into data/raw from the mirror, its URL or its offline fallback."""
import argparse
import importlib
import os

from stages import params
from stages.cli import StageError, run
from stages.sources import fetch

RAW_DIR = "data/raw"
# Each dataset's module provides dataset(source) -> sources.Dataset; imported lazily so that a
# change to one project's module re-runs only its own download.
DATASET_MODULES = {"mnist": "stages.mnist", "text": "stages.text", "imdb": "stages.imdb"}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", choices=sorted(DATASET_MODULES))
    name = parser.parse_args().dataset
    source = params.load(f"download.{name}", params.Source)
    dataset = importlib.import_module(DATASET_MODULES[name]).dataset(source)
    if "fallback" in source.sources and dataset.fallback is None:
        raise StageError(f"params.yaml: download.{name}.sources: {name} has no offline fallback; remove 'fallback'")
    fetch(dataset, source, RAW_DIR, mirror=os.environ.get("DATA_MIRROR") or None)


if __name__ == "__main__":
    run(main)
