"""End to end: the autoencoder stages under `dvc repro` on a synthetic mirror, and their caching."""
import json
from pathlib import Path

import pandas as pd
import yaml

TINY = {
    "autoencoder.latent_sizes": [4, 32],  # 32: the size the documents' commands name
    "autoencoder.train.epochs": 2,
    "autoencoder.train.batch_size": 64,
}
GRID = yaml.safe_load(open(Path(__file__).parents[1] / "params.yaml"))["autoencoder"]["probe"]["inverse_regularisations"]
AUTOENCODER_STAGES = {
    "download@mnist",
    "preprocess_mnist",
    "train_autoencoder@4",
    "train_autoencoder@32",
    "baseline_autoencoder",
    "evaluate_autoencoder",
}


def test_autoencoder_pipeline_runs_caches_and_reruns_exactly_what_changed(tiny_pipeline, trained_repo):
    repo = trained_repo
    # The session's first run ran these stages from nothing; they are exactly what the target needs.
    assert AUTOENCODER_STAGES <= tiny_pipeline.ran
    assert repo.repro("--dry", "-f", "evaluate_autoencoder") == AUTOENCODER_STAGES

    metrics = repo.path / "metrics"
    # One file per latent size, and PCA's with the same keys: rows of `dvc metrics show`.
    assert sorted(path.name for path in (metrics / "autoencoder").iterdir()) == ["latent_32.json", "latent_4.json"]
    assert sorted(path.name for path in (metrics / "autoencoder_baseline").iterdir()) == [
        "pca_32.json", "pca_4.json", "pixels.json"]
    scores = {latent: json.loads((metrics / f"autoencoder/latent_{latent}.json").read_text()) for latent in (4, 32)}
    pca = {latent: json.loads((metrics / f"autoencoder_baseline/pca_{latent}.json").read_text()) for latent in (4, 32)}
    pixels = json.loads((metrics / "autoencoder_baseline/pixels.json").read_text())
    for latent in (4, 32):
        result, reference = scores[latent], pca[latent]
        assert set(result) == set(reference) == {
            "data_source", "test_loss", "test_psnr", "test_ssim", "probe_c", "probe_val_accuracy", "probe_accuracy"}
        # Each row's C is chosen on the 30 validation digits, from the grid.
        assert result["probe_c"] in GRID and reference["probe_c"] in GRID and 0 < result["probe_val_accuracy"] <= 1
        assert result["data_source"] == "mirror"
        assert 0 < result["test_loss"] < 0.7 and result["test_psnr"] > 0
        assert 0 < reference["test_loss"] < 0.7 and 0 < reference["test_ssim"] <= 1 and reference["test_psnr"] > 0
        # The synthetic classes are bars at ten heights: a linear read-out finds them far above chance (0.1).
        assert reference["probe_accuracy"] > 0.5 and 0 < result["probe_accuracy"] <= 1
    assert pca[32]["test_psnr"] >= pca[4]["test_psnr"]
    assert pixels["probe_accuracy"] > 0.5 and pixels["probe_c"] in GRID
    table = pd.read_csv(repo.path / "plots/autoencoder/latent_comparison.csv")
    assert table["latent_size"].tolist() == [4, 32]
    assert table["pca_loss"].tolist() == [pca[4]["test_loss"], pca[32]["test_loss"]]
    assert table["autoencoder_psnr"].tolist() == [scores[4]["test_psnr"], scores[32]["test_psnr"]]
    assert {"autoencoder_psnr", "pca_psnr", "autoencoder_probe_accuracy", "pixels_probe_accuracy"} <= set(table)
    for picture in ("reconstructions.png", "codes.png"):
        assert (repo.path / "plots/autoencoder" / picture).stat().st_size > 1000
    curve = pd.read_csv(repo.path / "plots/train/autoencoder/latent_32/plots/metrics/eval/loss.tsv", sep="\t")
    assert curve["step"].tolist() == [0, 1]
    assert (repo.path / "data/models/autoencoder/latent_32.keras").is_file()

    assert repo.repro("evaluate_autoencoder") == set()
    assert "up to date" in repo.dvc("status", "evaluate_autoencoder")

    # Retraining re-runs the evaluation, never PCA.
    repo.set_params({"autoencoder.train.epochs": 3})
    assert repo.repro("evaluate_autoencoder") == {
        "train_autoencoder@4",
        "train_autoencoder@32",
        "evaluate_autoencoder",
    }

    repo.assert_deterministic("train_autoencoder@4", "train_autoencoder@32", "baseline_autoencoder", "evaluate_autoencoder")

    # A comment-only edit re-runs the trainers; their models come out byte-identical, so evaluation
    # and export stay up to date.
    assert repo.repro("export_autoencoder@4") == {"export_autoencoder@4"}
    trainer = repo.path / "stages/autoencoder/train.py"
    trainer.write_text(trainer.read_text() + "# a comment\n")
    assert repo.repro("evaluate_autoencoder", "export_autoencoder@4") == {"train_autoencoder@4", "train_autoencoder@32"}
    assert "up to date" in repo.dvc("status", "evaluate_autoencoder", "export_autoencoder@4")

    model = repo.path / "data/models/autoencoder/latent_4.keras"
    model.unlink()
    log = repo.train_mirrored("autoencoder", "--latent-size", "4")
    assert "MirroredStrategy, 2 replica(s)" in log
    assert model.is_file()
