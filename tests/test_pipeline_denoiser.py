"""End to end: the denoising stages under `dvc repro` on a synthetic mirror, and what a noise change re-runs."""
import json

import pandas as pd
import pytest
import yaml

from stages import params
from stages.denoiser.noise import Noise
from stages.cli import StageError

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


def test_denoiser_pipeline_and_noise_change(tiny_pipeline, trained_repo):
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
    filters = json.loads((repo.path / "metrics/denoiser_baseline.json").read_text())
    for prefix in ("test", "plain_autoencoder", "noisy"):
        assert {f"{prefix}_{name}" for name in ("loss", "mse", "psnr", "ssim")} <= scores.keys()
    assert scores["noise_std"] == filters["noise_std"] == 0.5
    assert filters["validation_samples"] == 20 and filters["test_samples"] == 100
    chosen = {"median": "size", "gaussian": "sigma", "total_variation": "weight", "wavelet": "sigma", "nl_means": "h"}
    for name, parameter in chosen.items():
        assert filters[name][parameter] in params_of(repo)["denoiser_baseline"][f"{name}_{parameter}"]
        assert filters[name]["test_psnr"] > scores["noisy_psnr"]
    best = filters["best"]
    assert filters[best]["validation_psnr"] == max(filters[name]["validation_psnr"] for name in chosen)
    assert scores["best_filter"] == best and scores["best_filter_psnr"] == filters[best]["test_psnr"]
    assert scores["psnr_gain_over_best_filter_db"] == pytest.approx(scores["test_psnr"] - filters[best]["test_psnr"])
    assert scores["psnr_gain_over_plain_autoencoder_db"] == pytest.approx(
        scores["test_psnr"] - scores["plain_autoencoder_psnr"]
    )
    curve = pd.read_csv(repo.path / "plots/denoiser/robustness.csv")
    assert curve["noise_std"].tolist() == [0.0, 0.5, 1.0]
    assert curve.columns.tolist() == ["noise_std", "denoiser_psnr", "best_filter_psnr", "autoencoder_psnr"]
    # At the training noise level the curve's filter is the one measured on the noisy test digits.
    assert curve["best_filter_psnr"][1] == pytest.approx(filters[best]["test_psnr"], abs=0.5)
    assert (repo.path / "plots/denoiser/denoising.png").stat().st_size > 1000

    assert repo.repro("evaluate_denoiser", "evaluate_autoencoder") == set()

    repo.set_params({"noise.std": 0.3})
    assert repo.repro("evaluate_denoiser", "evaluate_autoencoder") == {
        "add_noise",
        "train_denoiser",
        "baseline_denoiser",
        "evaluate_denoiser",
    }
    assert json.loads((repo.path / "metrics/denoiser.json").read_text())["noise_std"] == 0.3

    repo.assert_deterministic("add_noise", "train_denoiser", "baseline_denoiser", "evaluate_denoiser")

    # Retraining the denoiser re-runs its evaluation, never the filters.
    repo.set_params({"denoiser.train.epochs": 1})
    assert repo.repro("evaluate_denoiser") == {"train_denoiser", "evaluate_denoiser"}

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
