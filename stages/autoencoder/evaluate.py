"""Stage: score every latent size on the test digits against PCA of the same size (baseline_autoencoder's
metrics), probe its codes for the digit label, and write the comparison table and the pictures."""
import argparse
from typing import Annotated

import numpy as np
from pydantic import Field

from stages import metrics, params, plots
from stages.autoencoder import BASELINE_METRICS, BASELINE_PICTURES, METRICS_DIR, PLOTS_DIR
from stages.cli import run
from stages.mnist import DIGITS, autoencoder_model, autoencoder_stage, probe
from stages.mnist.digits import showcase_indices
from stages.mnist.schema import AutoencoderModel
from stages.outputs import load_arrays, load_model, load_split, write_json

# Test codes drawn in each panel of codes.png.
CODES_SHOWN = 3000


class Autoencoder(params.Section):
    """params.yaml `autoencoder`."""

    latent_sizes: Annotated[list[params.PositiveInt], Field(min_length=1), params.Distinct]
    model: AutoencoderModel
    train: params.Training
    probe: probe.Probe


def pca_scores(latent_sizes):
    """{latent size: PCA's scores at that size} from baseline_autoencoder's metrics, and its pixel probe."""
    pca = {size: metrics.read_scores(BASELINE_METRICS / f"pca_{size}.json", "baseline_autoencoder") for size in latent_sizes}
    return pca, metrics.read_scores(BASELINE_METRICS / "pixels.json", "baseline_autoencoder")["probe_accuracy"]


def encoder(model):
    import keras

    return keras.Model(model.inputs, model.get_layer("encoder").output)


def two_dimensional(codes):
    """The codes' first two principal components."""
    centred = codes - codes.mean(axis=0)
    _, _, directions = np.linalg.svd(centred, full_matrices=False)
    return centred @ directions[:2].T


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("autoencoder", Autoencoder)
    latent_sizes = sorted(config.latent_sizes)
    pca, pixels_accuracy = pca_scores(latent_sizes)
    pca_pictures = load_arrays(BASELINE_PICTURES)
    x_train, y_train = load_split(DIGITS, "train")
    x_validation, y_validation = load_split(DIGITS, "validation")
    x_test, y_test = load_split(DIGITS, "test")
    subset = probe.training_subset(y_train, config.probe)
    probe_digits, probe_labels = (x_train[subset], x_validation, x_test), (y_train[subset], y_validation, y_test)
    shown = showcase_indices(y_test)
    source = metrics.data_source("mnist")
    table, pictures, code_panels = [], {"original": x_test[shown]}, {}
    for latent_size in latent_sizes:
        model = load_model(autoencoder_model(latent_size), autoencoder_stage(latent_size))
        reconstructed = model.predict(x_test, batch_size=1024, verbose=0)
        encode = encoder(model)
        # One call for the three splits: a call per split would trace the predict function once per shape.
        codes = np.split(encode.predict(np.concatenate(probe_digits), batch_size=1024, verbose=0),
                         np.cumsum([len(digits) for digits in probe_digits])[:-1])
        result = {**source, **metrics.image_metrics(x_test, reconstructed), **probe.scores(codes, probe_labels, config.probe)}
        write_json(METRICS_DIR / f"latent_{latent_size}.json", result)
        reference = pca[latent_size]
        table.append({
            "latent_size": latent_size,
            **{f"autoencoder_{name}": result[f"test_{name}"] for name in ("loss", "psnr", "ssim")},
            **{f"pca_{name}": reference[f"test_{name}"] for name in ("loss", "psnr", "ssim")},
            "autoencoder_probe_accuracy": result["probe_accuracy"],
            "pca_probe_accuracy": reference["probe_accuracy"],
            "pixels_probe_accuracy": pixels_accuracy,
        })
        pictures[f"AE {latent_size}"] = reconstructed[shown]
        pictures[f"PCA {latent_size}"] = pca_pictures[f"latent_{latent_size}"]
        code_panels[f"latent {latent_size}"] = two_dimensional(codes[-1][:CODES_SHOWN])
        print(f"latent {latent_size}: {result}", flush=True)
    plots.write_table(PLOTS_DIR / "latent_comparison.csv", table)
    plots.image_rows(pictures, PLOTS_DIR / "reconstructions.png")
    plots.scatter_panels(
        code_panels, y_test[:CODES_SHOWN], PLOTS_DIR / "codes.png",
        f"{CODES_SHOWN} test digits' codes, first two principal components, coloured by digit",
    )


if __name__ == "__main__":
    run(main)
