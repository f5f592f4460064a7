"""Stage: the denoiser on the noisy test digits, and across noise levels, against the best classical filter
(baseline_denoiser's metrics), the noisy input itself, and the plain autoencoder of the same size (trained
on clean digits only, never on noise)."""
import argparse
import json

from stages import metrics, params, plots
from stages.cli import StageError, run
from stages.denoiser import BASELINE_CURVE, BASELINE_METRICS, METRICS_FILE, MODEL, MODEL_STAGE, NOISY_DIGITS, PLOTS_DIR
from stages.denoiser.noise import Noise, noise_levels
from stages.denoiser.schema import Denoiser
from stages.mnist import DIGITS, autoencoder_model, autoencoder_stage
from stages.mnist.digits import showcase_indices
from stages.outputs import load_arrays, load_model, load_split, write_json


def classical_filters(stds):
    """baseline_denoiser's metrics and its best filter's (robustness PSNRs, denoised showcase digits)."""
    try:
        scores = json.loads(BASELINE_METRICS.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StageError(f"{BASELINE_METRICS}: missing (run: dvc repro baseline_denoiser)") from None
    curve = load_arrays(BASELINE_CURVE)
    if curve["stds"].tolist() != list(stds):
        raise StageError(f"{BASELINE_CURVE}: made for other denoiser.robustness_stds (run: dvc repro baseline_denoiser)")
    return scores, curve["psnr"], curve["showcase"]


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
    filters, filter_curve, filter_showcase = classical_filters(config.robustness_stds)
    best = filters["best"]

    denoised = denoiser.predict(x_noisy, batch_size=1024, verbose=0)
    reconstructed = baseline.predict(x_noisy, batch_size=1024, verbose=0)
    scores = {
        **metrics.data_source("mnist"),
        "noise_std": noise.std,
        **metrics.image_metrics(x_test, denoised, "test"),
        **metrics.image_metrics(x_test, reconstructed, "plain_autoencoder"),
        **metrics.image_metrics(x_test, x_noisy, "noisy"),
    }
    scores |= {
        "best_filter": best,
        "best_filter_psnr": filters[best]["test_psnr"],
        "best_filter_loss": filters[best]["test_loss"],
        "psnr_gain_over_best_filter_db": scores["test_psnr"] - filters[best]["test_psnr"],
        "psnr_gain_over_noisy_db": scores["test_psnr"] - scores["noisy_psnr"],
        "psnr_gain_over_plain_autoencoder_db": scores["test_psnr"] - scores["plain_autoencoder_psnr"],
        "loss_gain_over_plain_autoencoder": scores["plain_autoencoder_loss"] - scores["test_loss"],
    }
    write_json(METRICS_FILE, scores)
    print(json.dumps(scores, indent=2))

    shown = showcase_indices(y_test)
    plots.image_rows(
        {
            "noisy": x_noisy[shown],
            "denoised": denoised[shown],
            "original": x_test[shown],
            f"best filter ({best})": filter_showcase,
            f"plain AE {config.latent_size}\n(clean-trained)": reconstructed[shown],
        },
        PLOTS_DIR / "denoising.png",
    )

    # The models were trained, and the filter's parameter chosen, at one noise level: this shows where
    # their resilience ends.
    curve = [
        {
            "noise_std": std,
            "denoiser_psnr": metrics.psnr(x_test, denoiser.predict(noisy, batch_size=1024, verbose=0)),
            "best_filter_psnr": float(filter_psnr),
            "autoencoder_psnr": metrics.psnr(x_test, baseline.predict(noisy, batch_size=1024, verbose=0)),
        }
        for (std, noisy), filter_psnr in zip(noise_levels(x_test, config.robustness_stds, noise.clip, noise.seed),
                                             filter_curve)
    ]
    plots.write_table(PLOTS_DIR / "robustness.csv", curve)


if __name__ == "__main__":
    run(main)
