"""End to end: the autoencoder stages under `dvc repro` on a synthetic mirror, what they write, and training under
`MirroredStrategy`."""
import json
from pathlib import Path

import pandas as pd
import yaml

from conftest import picture

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


def test_autoencoder_stages_write_their_results_and_train_under_mirrored_strategy(tiny_pipeline, trained_repo):
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
    # One row of the ten showcase digits for the originals, then the autoencoder's and PCA's of each latent size.
    assert picture(repo.path / "plots/autoencoder/reconstructions.png").shape == (5 * 100, 10 * 90, 3)
    # One scatter panel of codes per latent size.
    assert picture(repo.path / "plots/autoencoder/codes.png").shape == (420, 2 * 400, 3)
    curve = pd.read_csv(repo.path / "plots/train/autoencoder/latent_32/plots/metrics/eval/loss.tsv", sep="\t")
    assert curve["step"].tolist() == [0, 1]
    assert (repo.path / "data/models/autoencoder/latent_32.keras").is_file()

    model = repo.path / "data/models/autoencoder/latent_4.keras"
    model.unlink()
    log = repo.train_mirrored("autoencoder", "--latent-size", "4")
    assert "MirroredStrategy, 2 replica(s)" in log
    assert model.is_file()
