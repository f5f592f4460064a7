"""Seeded and deterministic on CPU: every trainer, baseline, evaluator and generator of the tiny run (one value of
each matrix stage), run again on the same inputs, writes the same bytes, so that nothing downstream of it (curves,
exports) goes stale. Run as `dvc repro` runs them, with no TF_CPP_MIN_LOG_LEVEL of the caller's (stages/__init__.py
sets it), they print only what the user can act on: no TensorFlow start-up lines and no C++ log line on stderr (such
as the `E0000 ... use_unbounded_threadpool` line TensorFlow logs when op determinism rewrites Keras's batching of
arrays whose last batch is partial, as the tiny text and MNIST trainers' are)."""
import re
import subprocess

from conftest import VENV_BIN
from test_readme_commands import TENSORFLOW_LOG

AGAIN = ("add_noise", "train_", "baseline_", "evaluate_", "generate_text")


def test_every_stage_run_again_writes_the_same_bytes_and_no_tensorflow_log_line(tiny_pipeline, trained_repo):
    repo = trained_repo
    # One value of each matrix stage: the others run the same code on other params.
    stages = {stage for stage in tiny_pipeline.ran if stage.startswith(AGAIN)} - {"train_autoencoder@32",
                                                                                  "generate_text@1.5"}
    assert {"train_autoencoder@4", "train_denoiser", "train_text", "train_sentiment", "baseline_autoencoder",
            "evaluate_sentiment", "generate_text@0.5", "generate_text_summary"} <= stages
    before = repo.metrics_bytes()
    assert before
    env = {key: value for key, value in repo.env.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([str(VENV_BIN / "dvc"), "repro", "-f", "-s", *stages], cwd=repo.path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(re.findall(r"Running stage '([^']+)'", result.stdout)) == stages
    noise = [line for line in result.stderr.splitlines() if TENSORFLOW_LOG.match(line) or "tensorflow" in line.lower()]
    assert noise == [], result.stderr
    assert repo.metrics_bytes() == before
    # Every output hashes as before: dvc.lock and the files git tracks are unchanged, and no stage is stale.
    assert repo.git("status", "--porcelain") == ""
    assert repo.stale() == set()
