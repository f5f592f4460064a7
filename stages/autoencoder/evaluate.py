"""Stage: score every latent size on the test digits; write the comparison table and the reconstructions."""
import argparse
from typing import Annotated

from pydantic import Field

from stages import metrics, params, plots
from stages.autoencoder import METRICS_FILE, PLOTS_DIR
from stages.cli import run
from stages.mnist import DIGITS, autoencoder_model, autoencoder_stage
from stages.mnist.digits import showcase_indices
from stages.mnist.schema import AutoencoderModel
from stages.outputs import load_model, load_split, write_json


class Autoencoder(params.Section):
    """params.yaml `autoencoder`."""

    latent_sizes: Annotated[list[params.PositiveInt], Field(min_length=1), params.Distinct]
    model: AutoencoderModel
    train: params.Training


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("autoencoder", Autoencoder)
    x_test, y_test = load_split(DIGITS, "test")
    shown = showcase_indices(y_test)
    scores = {**metrics.data_source("mnist"), "test_samples": len(x_test)}
    table, pictures = [], {"original": x_test[shown]}
    for latent_size in sorted(config.latent_sizes):
        model = load_model(autoencoder_model(latent_size), autoencoder_stage(latent_size))
        reconstructed = model.predict(x_test, batch_size=1024, verbose=0)
        scores[f"latent_{latent_size}"] = metrics.image_metrics(x_test, reconstructed)
        table.append({"latent_size": latent_size, **scores[f"latent_{latent_size}"]})
        pictures[f"latent {latent_size}"] = reconstructed[shown]
        print(f"latent {latent_size}: {scores[f'latent_{latent_size}']}")
    write_json(METRICS_FILE, scores)
    plots.write_table(PLOTS_DIR / "latent_comparison.csv", table)
    plots.image_rows(pictures, PLOTS_DIR / "reconstructions.png")


if __name__ == "__main__":
    run(main)
