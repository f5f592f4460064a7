"""End to end: the denoising stages under `dvc repro` on a synthetic mirror, what they write, what a training change
re-runs, and training under `MirroredStrategy`."""
import json

import pandas as pd
import pytest
import yaml

from stages import params
from stages.denoiser.noise import Noise
from stages.cli import StageError
from conftest import picture

TINY = {
    "autoencoder.latent_sizes": [32],
    "autoencoder.train.epochs": 2,
    "autoencoder.train.batch_size": 64,
    "denoiser.latent_size": 32,
    "denoiser.robustness_stds": [0.0, 0.5, 1.0],
    "denoiser.train.epochs": 2,
    "denoiser.train.batch_size": 64,
    "denoiser_baseline.validation_samples": 20,  # of the 30 synthetic validation digits
}


def test_denoiser_stages_write_their_results_and_retrain_without_the_filters(tiny_pipeline, trained_repo):
    repo = trained_repo
    # The session's first run ran these stages from nothing; they are exactly what the targets need.
    stages = {
        "download@mnist",
        "preprocess_mnist",
        "add_noise",
        "train_autoencoder@4",
        "train_autoencoder@32",
        "baseline_autoencoder",
        "evaluate_autoencoder",
        "train_denoiser",
        "baseline_denoiser",
        "evaluate_denoiser",
    }
    assert stages <= tiny_pipeline.ran
    assert repo.repro("--dry", "-f", "evaluate_denoiser", "evaluate_autoencoder") == stages
    scores = json.loads((repo.path / "metrics/denoiser.json").read_text())
    best = json.loads((repo.path / "metrics/denoiser_baseline.json").read_text())
    assert set(scores) == set(best) == {"data_source", "test_loss", "test_psnr", "test_ssim"}
    filters = pd.read_csv(repo.path / "plots/denoiser/filters.csv").set_index("filter")
    chosen = {"median": "size", "gaussian": "sigma", "total variation": "weight", "wavelet": "sigma", "nl means": "h"}
    assert sorted(filters.index) == sorted(chosen)
    grids = params_of(repo)["denoiser_baseline"]
    inputs = pd.read_csv(repo.path / "plots/denoiser/inputs.csv").set_index("input")
    for name, parameter in chosen.items():
        kind, value = filters.loc[name, "parameter"].split(" ")[-2:]
        assert kind == parameter and float(value) in grids[f"{name.replace(' ', '_')}_{parameter}"]
        assert filters.loc[name, "test_psnr"] > inputs.loc["noisy input", "test_psnr"]
    # The best filter is chosen on validation digits; its test figures are the baseline's metrics.
    winner = filters["validation_psnr"].idxmax()
    assert filters.loc[winner, "test_psnr"] == pytest.approx(best["test_psnr"])
    assert inputs.index.tolist() == ["noisy input", f"best filter ({winner})", "plain autoencoder 32", "denoiser"]
    assert inputs.loc["denoiser", "test_psnr"] == pytest.approx(scores["test_psnr"])
    curve = pd.read_csv(repo.path / "plots/denoiser/robustness.csv")
    assert curve["noise_std"].tolist() == [0.0, 0.5, 1.0]
    assert curve.columns.tolist() == ["noise_std", "denoiser_psnr", "best_filter_psnr", "autoencoder_psnr"]
    # At the training noise level the curve's filter is the one measured on the noisy test digits.
    assert curve["best_filter_psnr"][1] == pytest.approx(best["test_psnr"], abs=0.5)
    # Five rows (noisy, denoised, original, best filter, plain autoencoder) of the ten showcase digits.
    assert picture(repo.path / "plots/denoiser/denoising.png").shape == (5 * 100, 10 * 90, 3)

    # Retraining the denoiser re-runs its evaluation, never the filters.
    assert repo.reruns({"denoiser.train.epochs": 1}, "evaluate_denoiser") == {"train_denoiser", "evaluate_denoiser"}

    model = repo.path / "data/models/denoiser.keras"
    model.unlink()
    assert "MirroredStrategy, 2 replica(s)" in repo.train_mirrored("denoiser")
    assert model.is_file()


def params_of(repo):
    return yaml.safe_load((repo.path / "params.yaml").read_text())


@pytest.mark.parametrize("std, expected", [(-0.1, "greater than or equal to 0"), ("high", "valid number")])
def test_bad_noise_std_is_a_params_error(tmp_path, std, expected):
    path = tmp_path / "params.yaml"
    path.write_text(f"noise:\n  std: {std}\n  clip: true\n  seed: 1\n")
    with pytest.raises(StageError, match=rf"noise\.std: Input should be (a )?{expected}"):
        params.load("noise", Noise, path)
