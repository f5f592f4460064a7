"""The seed spread: queued seed experiments on a tiny autoencoder run, run by two parallel queue workers as
docs/collaboration.md shows, summarised by stages.seeds."""
import json
import subprocess
import sys

import pytest

from conftest import VENV_BIN
from stages import seeds
from stages.cli import StageError

HEADLINE = "metrics/autoencoder/latent_16.json:test_loss"


def test_queued_seed_experiments_run_in_two_workers_and_are_summarised_with_their_spread(tiny_experiment):
    repo = tiny_experiment
    # Back to the committed run, which the workspace left for its `more-epochs` experiment (not a seed run).
    repo.git("checkout", "params.yaml", "dvc.lock", "metrics", "plots")
    repo.dvc("checkout", "--with-deps", "evaluate_autoencoder")
    for seed in (1, 2):
        repo.dvc("exp", "run", "--queue", "-n", f"seed-{seed}", "-S", f"autoencoder.train.seed={seed}",
                 "evaluate_autoencoder")
    repo.dvc("exp", "run", "--run-all", "--jobs", "2", timeout=600)
    status = repo.dvc("queue", "status")
    assert status.count("Success") == 2, status

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


def exp_show_row(typ, name, seeds, metrics, state=None):
    """A row of dvc.api.exp_show: flat "FILE:KEY" metrics and dotted params."""
    return {"typ": typ, "rev": "abc1234" if typ == "baseline" else "def5678", "Experiment": name, "State": state,
            **{f"{project}.train.seed": float(seed) for project, seed in seeds.items()},
            **{f"metrics/{file}.json:{key}": value for file, values in metrics.items() for key, value in values.items()}}


def test_each_headline_counts_only_the_runs_that_changed_its_own_training_seed():
    def run(typ, name, sentiment_seed, accuracy, state="Success"):
        return exp_show_row(typ, name, {"autoencoder": 42, "sentiment": sentiment_seed},
                            {"autoencoder/latent_16": {"test_loss": 0.125}, "sentiment": {"accuracy": accuracy, "f1": 0.8}},
                            state)

    rows = [run("baseline", None, 42, 0.88, None), run("branch_commit", "seed-1", 1, 0.89),
            run("branch_commit", "seed-2", 2, 0.87), run("branch_commit", "seed-3", 3, 0.5, state="Running"),
            run("branch_commit", "more-epochs", 1, 0.9)]
    summary, table = seeds.summarise(seeds.runs_of_head(rows))
    assert summary["runs"] == ["abc1234", "seed-1", "seed-2"]
    # The autoencoder's seed was not changed: its BCE has no spread to show.
    assert set(summary["metrics"]) == {"metrics/sentiment.json:accuracy", "metrics/sentiment.json:f1"}
    accuracy = summary["metrics"]["metrics/sentiment.json:accuracy"]
    assert accuracy["values"] == {"abc1234": 0.88, "seed-1": 0.89, "seed-2": 0.87}
    assert accuracy["mean"] == pytest.approx(0.88) and accuracy["std"] == pytest.approx(0.01)
    assert "| IMDB LSTM: test accuracy | 0.8800 | 0.0100 | 0.8700 | 0.8900 | abc1234, seed-1, seed-2 |" in table
    with pytest.raises(StageError, match="make seeds"):
        seeds.summarise(seeds.runs_of_head(rows[:1] + rows[3:]))
