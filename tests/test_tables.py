"""The results tables of README.md, RESULTS.md and docs/ agree with the committed metrics/ files."""
import json
import shutil
from dataclasses import replace
import subprocess
import sys

from conftest import ROOT
from stages.headlines import SENTIMENT, TEXT, TUNING
from stages.tables import PLOT_DATA, met, stale_tables


def copy_documents(destination):
    for name in ("README.md", "RESULTS.md"):
        shutil.copy(ROOT / name, destination / name)
    for name in ("docs", "metrics"):
        shutil.copytree(ROOT / name, destination / name)
    for name in (*PLOT_DATA, *TUNING):
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, destination / name)


def tables(cwd, *arguments):
    return subprocess.run(
        [sys.executable, "-m", "stages.tables", *arguments], cwd=cwd, capture_output=True, text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )


def test_every_results_table_agrees_with_the_committed_metrics():
    assert stale_tables(ROOT) == [], "run: python -m stages.tables"
    # Every document that shows current results has its tables generated.
    assert "<!-- table: headlines -->" in (ROOT / "README.md").read_text()
    assert "<!-- table: report-summary -->" in (ROOT / "docs/report.md").read_text()
    results = (ROOT / "RESULTS.md").read_text()
    for name in ("seeds", "autoencoder", "denoiser", "robustness", "text", "text-samples", "sentiment"):
        assert f"<!-- table: {name} -->" in results


def test_a_table_that_disagrees_with_the_metrics_fails_the_check_until_rewritten(tmp_path):
    copy_documents(tmp_path)
    path = tmp_path / "metrics/text_baseline.json"
    scores = json.loads(path.read_text())
    scores["val_loss"] = 2.5
    path.write_text(json.dumps(scores))

    checked = tables(tmp_path, "--check")
    assert checked.returncode == 2
    assert checked.stderr.strip() == (
        "error: tables out of date with metrics/: RESULTS.md (text) (run: python -m stages.tables)"
    )

    rewritten = tables(tmp_path)
    assert rewritten.returncode == 0 and rewritten.stdout.strip().startswith("RESULTS.md:")
    assert f"| {scores['val_loss']:.4f} |" in (tmp_path / "RESULTS.md").read_text()
    assert tables(tmp_path, "--check").returncode == 0
    assert (tmp_path / "README.md").read_text() == (ROOT / "README.md").read_text()


def test_an_unknown_table_is_named_in_the_error(tmp_path):
    copy_documents(tmp_path)
    (tmp_path / "docs/extra.md").write_text("<!-- table: pca -->\n<!-- /table -->\n")
    checked = tables(tmp_path, "--check")
    assert checked.returncode == 2
    assert checked.stderr.startswith("error: docs/extra.md: unknown table 'pca' (expected one of: headlines,")


def test_a_target_is_met_by_every_seed_by_the_mean_only_or_not():
    seeds = {"mean": 0.8802, "values": {"main": 0.8804, "seed-1": 0.8795, "seed-2": 0.8808}}
    accuracy = SENTIMENT[0]
    assert met(accuracy, seeds, baseline=0.9) == "by the mean only"
    assert met(replace(accuracy, target=0.879), seeds, baseline=0.9) == "yes, every seed"
    assert met(replace(accuracy, target=0.881), seeds, baseline=0.9) == "no"
    # A lead target: the text LSTM must be 0.085 nats/char below the n-gram's loss.
    losses = {"mean": 1.38, "values": {"main": 1.375, "seed-1": 1.385}}
    assert met(TEXT, losses, baseline=1.475) == "yes, every seed"
    assert met(TEXT, losses, baseline=1.468) == "by the mean only"
    assert met(TEXT, losses, baseline=1.46) == "no"
