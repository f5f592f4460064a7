"""Stage: score one project's trained model on its test data; write metrics/ and plots/."""
import argparse
from pathlib import Path

from stages import params
from stages.cli import StageError, run
from stages.outputs import write_json

PROCESSED_DIR = Path("data/processed")
MODELS_DIR = Path("data/models")
METRICS_DIR = Path("metrics")
PLOTS_DIR = Path("plots")


def load_model(path):
    import keras

    if not Path(path).is_file():
        raise StageError(f"{path}: missing model (run dvc repro to train it)")
    return keras.models.load_model(path)


def evaluate_autoencoder(args):
    from stages import metrics, mnist, plots

    config = params.load("autoencoder", params.Autoencoder)
    x_test, y_test = mnist.load_split(PROCESSED_DIR / "mnist", "test")
    shown = mnist.showcase_indices(y_test)
    scores = {**metrics.data_source("mnist"), "test_samples": len(x_test)}
    table, pictures = [], {"original": x_test[shown]}
    for latent_size in sorted(config.latent_sizes):
        model = load_model(MODELS_DIR / "autoencoder" / f"latent_{latent_size}.keras")
        reconstructed = model.predict(x_test, batch_size=1024, verbose=0)
        scores[f"latent_{latent_size}"] = metrics.image_metrics(x_test, reconstructed)
        table.append({"latent_size": latent_size, **scores[f"latent_{latent_size}"]})
        pictures[f"latent {latent_size}"] = reconstructed[shown]
        print(f"latent {latent_size}: {scores[f'latent_{latent_size}']}")
    write_json(METRICS_DIR / "autoencoder.json", scores)
    plots.write_table(PLOTS_DIR / "autoencoder" / "latent_comparison.csv", table)
    plots.image_rows(pictures, PLOTS_DIR / "autoencoder" / "reconstructions.png")


EVALUATORS = {"autoencoder": evaluate_autoencoder}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", choices=sorted(EVALUATORS))
    args = parser.parse_args()
    EVALUATORS[args.project](args)


if __name__ == "__main__":
    run(main)
