"""Stage: PCA at every latent size, the autoencoder's reference, and the linear probe of PCA's codes and of raw pixels.

PCA with as many components as the autoencoder has code units is the best linear code of that size in
squared error; it is fitted on the training digits, its reconstructions clipped to [0, 1] and scored
with the autoencoder's metrics on the test digits.
"""
import argparse
import time
from typing import Annotated

import numpy as np
from pydantic import ConfigDict, Field

from stages import metrics, params
from stages.autoencoder import BASELINE_METRICS, BASELINE_PICTURES
from stages.cli import StageError, run
from stages.mnist import DIGITS, probe
from stages.mnist.digits import showcase_indices
from stages.outputs import load_split, save_arrays, write_json



class Baseline(params.Section):
    """The keys of params.yaml `autoencoder` this stage reads; the others (model, train) are the trainers'."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)
    latent_sizes: Annotated[list[params.PositiveInt], Field(min_length=1), params.Distinct]
    probe: probe.Probe


def principal_components(x_train, components):
    """(mean, components (k, pixels)) of the training digits, largest variance first."""
    from sklearn.decomposition import PCA

    if components > min(x_train.shape):
        raise StageError(
            f"params.yaml: autoencoder.latent_sizes: PCA of {x_train.shape[0]} training digits of "
            f"{x_train.shape[1]} pixels has at most {min(x_train.shape)} components (got {components})"
        )
    pca = PCA(n_components=components, svd_solver="covariance_eigh").fit(x_train)
    return pca.mean_, pca.components_


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("autoencoder", Baseline)
    latent_sizes, probe_config = sorted(config.latent_sizes), config.probe
    x_train, y_train = load_split(DIGITS, "train")
    x_validation, y_validation = load_split(DIGITS, "validation")
    x_test, y_test = load_split(DIGITS, "test")
    started = time.perf_counter()
    # The first k principal components are PCA with k components: one fit serves every size.
    mean, components = principal_components(x_train, latent_sizes[-1])
    subset = probe.training_subset(y_train, probe_config)
    probe_digits, probe_labels = (x_train[subset], x_validation, x_test), (y_train[subset], y_validation, y_test)
    shown = showcase_indices(y_test)
    source = metrics.data_source("mnist")
    print(f"{len(x_train)} training digits, {len(x_test)} test digits; the probe learns from {len(subset)} and "
          f"chooses its C on {len(x_validation)} validation digits")
    pictures = {}
    for size in latent_sizes:
        basis = components[:size]
        codes = [(digits - mean) @ basis.T for digits in probe_digits]
        reconstructed = np.clip(codes[-1] @ basis + mean, 0.0, 1.0)
        scores = {**source, **metrics.image_metrics(x_test, reconstructed), **probe.scores(codes, probe_labels, probe_config)}
        write_json(BASELINE_METRICS / f"pca_{size}.json", scores)
        pictures[f"latent_{size}"] = reconstructed[shown].astype(np.float32)
        print(f"PCA {size}: {scores}", flush=True)
    pixels = {**source, **probe.scores(probe_digits, probe_labels, probe_config)}
    write_json(BASELINE_METRICS / "pixels.json", pixels)
    print(f"raw pixels: {pixels} ({time.perf_counter() - started:.1f} s in all)")
    save_arrays(BASELINE_PICTURES, **pictures)


if __name__ == "__main__":
    run(main)
