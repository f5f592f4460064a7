"""Stage: the denoiser against the plain autoencoder of the same size on the noisy test digits, and across noise levels."""
import argparse
import json

import numpy as np

from stages import metrics, params, plots
from stages.cli import StageError, run
from stages.denoiser import METRICS_FILE, MODEL, MODEL_STAGE, NOISY_DIGITS, PLOTS_DIR
from stages.denoiser.noise import Noise, add_noise
from stages.denoiser.schema import Denoiser
from stages.mnist import DIGITS, autoencoder_model, autoencoder_stage
from stages.mnist.digits import showcase_indices
from stages.outputs import load_model, load_split, write_json


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("denoiser", Denoiser)
    noise = params.load("noise", Noise)
    x_test, y_test = load_split(DIGITS, "test")
    x_noisy, _ = load_split(NOISY_DIGITS, "test")
    denoiser = load_model(MODEL, MODEL_STAGE)
    baseline_path = autoencoder_model(config.latent_size)
    if not baseline_path.is_file():
        raise StageError(
            f"{baseline_path}: missing; denoiser.latent_size {config.latent_size} must be one of autoencoder.latent_sizes"
        )
    baseline = load_model(baseline_path, autoencoder_stage(config.latent_size))

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
    write_json(METRICS_FILE, scores)
    print(json.dumps(scores, indent=2))

    shown = showcase_indices(y_test)
    plots.image_rows(
        {
            "noisy": x_noisy[shown],
            "denoised": denoised[shown],
            "original": x_test[shown],
            f"plain AE {config.latent_size}": reconstructed[shown],
        },
        PLOTS_DIR / "denoising.png",
    )

    # Both models were trained at one noise level; this shows where their resilience ends.
    curve = []
    for index, std in enumerate(config.robustness_stds):
        noisy = add_noise(x_test, std, noise.clip, np.random.default_rng([noise.seed, index]))
        curve.append(
            {
                "noise_std": std,
                "denoiser_psnr": metrics.psnr(x_test, denoiser.predict(noisy, batch_size=1024, verbose=0)),
                "autoencoder_psnr": metrics.psnr(x_test, baseline.predict(noisy, batch_size=1024, verbose=0)),
            }
        )
    plots.write_table(PLOTS_DIR / "robustness.csv", curve)


if __name__ == "__main__":
    run(main)
