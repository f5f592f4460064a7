"""End to end: the autoencoder stages under `dvc repro` on a synthetic mirror, and their caching."""
import json

import pandas as pd

TINY = {
    "autoencoder.latent_sizes": [4, 8],
    "autoencoder.train.epochs": 2,
    "autoencoder.train.batch_size": 64,
}
AUTOENCODER_STAGES = {
    "download@mnist",
    "preprocess_mnist",
    "train_autoencoder@4",
    "train_autoencoder@8",
    "evaluate_autoencoder",
}


def test_autoencoder_pipeline_runs_caches_and_reruns_exactly_what_changed(tiny_pipeline, trained_repo):
    repo = trained_repo
    # The session's first run ran these stages from nothing; they are exactly what the target needs.
    assert AUTOENCODER_STAGES <= tiny_pipeline.ran
    assert repo.repro("--dry", "-f", "evaluate_autoencoder") == AUTOENCODER_STAGES

    scores = json.loads((repo.path / "metrics/autoencoder.json").read_text())
    assert scores["data_source"] == "mirror" and scores["test_samples"] == 100
    for latent in (4, 8):
        result = scores[f"latent_{latent}"]
        assert 0 < result["test_loss"] < 0.7 and 0 < result["test_mse"] < 0.25 and result["test_psnr"] > 0
    table = pd.read_csv(repo.path / "plots/autoencoder/latent_comparison.csv")
    assert table["latent_size"].tolist() == [4, 8]
    assert (repo.path / "plots/autoencoder/reconstructions.png").stat().st_size > 1000
    curve = pd.read_csv(repo.path / "plots/train/autoencoder/latent_8/plots/metrics/eval/loss.tsv", sep="\t")
    assert curve["step"].tolist() == [0, 1]
    assert (repo.path / "data/models/autoencoder/latent_8.keras").is_file()

    assert repo.repro("evaluate_autoencoder") == set()
    assert "up to date" in repo.dvc("status", "evaluate_autoencoder")

    repo.set_params({"autoencoder.train.epochs": 3})
    assert repo.repro("evaluate_autoencoder") == {
        "train_autoencoder@4",
        "train_autoencoder@8",
        "evaluate_autoencoder",
    }

    repo.assert_deterministic("train_autoencoder@4", "train_autoencoder@8", "evaluate_autoencoder")

    model = repo.path / "data/models/autoencoder/latent_4.keras"
    model.unlink()
    log = repo.train_mirrored("autoencoder", "--latent-size", "4")
    assert "MirroredStrategy, 2 replica(s)" in log
    assert model.is_file()
