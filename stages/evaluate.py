"""Stage: score one project's trained model on its test data; write metrics/ and plots/."""
import argparse
import json
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

    config = params.load("autoencoder", mnist.Autoencoder)
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


def evaluate_denoiser(args):
    import numpy as np

    from stages import metrics, mnist, plots

    config = params.load("denoiser", mnist.Denoiser)
    noise = params.load("noise", mnist.Noise)
    x_test, y_test = mnist.load_split(PROCESSED_DIR / "mnist", "test")
    x_noisy, _ = mnist.load_split(PROCESSED_DIR / "mnist_noisy", "test")
    denoiser = load_model(MODELS_DIR / "denoiser.keras")
    baseline_path = MODELS_DIR / "autoencoder" / f"latent_{config.latent_size}.keras"
    if not baseline_path.is_file():
        raise StageError(
            f"{baseline_path}: missing; denoiser.latent_size {config.latent_size} must be one of autoencoder.latent_sizes"
        )
    baseline = load_model(baseline_path)

    denoised = denoiser.predict(x_noisy, batch_size=1024, verbose=0)
    reconstructed = baseline.predict(x_noisy, batch_size=1024, verbose=0)
    scores = {
        **metrics.data_source("mnist"),
        "noise_std": noise.std,
        **metrics.image_metrics(x_test, denoised, "test"),
        **metrics.image_metrics(x_test, reconstructed, "baseline"),
        **metrics.image_metrics(x_test, x_noisy, "noisy"),
    }
    scores["psnr_gain_over_baseline_db"] = scores["test_psnr"] - scores["baseline_psnr"]
    scores["psnr_gain_over_noisy_db"] = scores["test_psnr"] - scores["noisy_psnr"]
    scores["loss_gain_over_baseline"] = scores["baseline_loss"] - scores["test_loss"]
    write_json(METRICS_DIR / "denoiser.json", scores)
    print(json.dumps(scores, indent=2))

    shown = mnist.showcase_indices(y_test)
    plots.image_rows(
        {
            "noisy": x_noisy[shown],
            "denoised": denoised[shown],
            "original": x_test[shown],
            f"plain AE {config.latent_size}": reconstructed[shown],
        },
        PLOTS_DIR / "denoiser" / "denoising.png",
    )

    # Both models were trained at one noise level; this shows where their resilience ends.
    curve = []
    for index, std in enumerate(config.robustness_stds):
        noisy = mnist.add_noise(x_test, std, noise.clip, np.random.default_rng([noise.seed, index]))
        curve.append(
            {
                "noise_std": std,
                "denoiser_psnr": metrics.psnr(x_test, denoiser.predict(noisy, batch_size=1024, verbose=0)),
                "autoencoder_psnr": metrics.psnr(x_test, baseline.predict(noisy, batch_size=1024, verbose=0)),
            }
        )
    plots.write_table(PLOTS_DIR / "denoiser" / "robustness.csv", curve)


EVALUATORS = {"autoencoder": evaluate_autoencoder, "denoiser": evaluate_denoiser}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", choices=sorted(EVALUATORS))
    args = parser.parse_args()
    EVALUATORS[args.project](args)


if __name__ == "__main__":
    run(main)
