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
    """baseline_denoiser's metrics and its best filter's (name, robustness PSNRs, denoised showcase digits)."""
    scores = metrics.read_scores(BASELINE_METRICS, "baseline_denoiser")
    curve = load_arrays(BASELINE_CURVE)
    if curve["stds"].tolist() != list(stds):
        raise StageError(f"{BASELINE_CURVE}: made for other denoiser.robustness_stds (run: dvc repro baseline_denoiser)")
    return scores, str(curve["best"]), curve["psnr"], curve["showcase"]


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
    best_filter, best, filter_curve, filter_showcase = classical_filters(config.robustness_stds)
    denoised = denoiser.predict(x_noisy, batch_size=1024, verbose=0)
    reconstructed = baseline.predict(x_noisy, batch_size=1024, verbose=0)
    scores = {**metrics.data_source("mnist"), **metrics.image_metrics(x_test, denoised)}
    write_json(METRICS_FILE, scores)
    print(json.dumps(scores, indent=2))
    # The same figures for what the denoiser is measured against, on the same noisy test digits.
    plots.write_table(PLOTS_DIR / "inputs.csv", [
        {"input": "noisy input", **metrics.image_metrics(x_test, x_noisy)},
        {"input": f"best filter ({best})", **{key: best_filter[key] for key in scores if key.startswith("test_")}},
        {"input": f"plain autoencoder {config.latent_size}", **metrics.image_metrics(x_test, reconstructed)},
        {"input": "denoiser", **{key: scores[key] for key in scores if key.startswith("test_")}},
    ])
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
