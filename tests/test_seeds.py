"""The seed spread: queued seed experiments on a tiny autoencoder run, summarised by stages.seeds."""
import json
import subprocess
import sys

from conftest import VENV_BIN

HEADLINE = "metrics/autoencoder/latent_16.json:test_loss"


def test_seed_experiments_are_summarised_with_their_spread(tiny_experiment):
    repo = tiny_experiment
    # Back to the committed run, which the workspace left for its `more-epochs` experiment (not a seed run).
    repo.git("checkout", "params.yaml", "dvc.lock", "metrics", "plots")
    repo.dvc("checkout", "--with-deps", "evaluate_autoencoder")
    for seed in (1, 2):
        repo.dvc("exp", "run", "--queue", "-n", f"seed-{seed}", "-S", f"autoencoder.train.seed={seed}",
                 "evaluate_autoencoder")
    repo.dvc("exp", "run", "--run-all")

    summary = subprocess.run(
        [sys.executable, "-m", "stages.seeds"], cwd=repo.path, env=repo.env, capture_output=True, text=True
    )
    assert summary.returncode == 0, summary.stderr
    assert "| autoencoder, latent 16: test BCE |" in summary.stdout
    seeds = json.loads((repo.path / "metrics/seeds.json").read_text())
    assert len(seeds["runs"]) == 3 and {"seed-1", "seed-2"} < set(seeds["runs"]) and "more-epochs" not in seeds["runs"]
    stats = seeds["metrics"][HEADLINE]
    values = list(stats["values"].values())
    assert len(set(values)) == 3  # each seed trained its own model
    baseline = json.loads((repo.path / "metrics/autoencoder/latent_16.json").read_text())["test_loss"]
    assert baseline in values
    assert stats["min"] == min(values) < stats["mean"] < stats["max"] == max(values) and stats["std"] > 0


def test_without_seed_experiments_it_says_what_to_run(repo):
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "stages.seeds"], cwd=repo.path, env=repo.env,
        capture_output=True, text=True,
    )
    assert result.returncode == 2 and "make seeds" in result.stderr
