"""A stage prints only what the user can act on: no TensorFlow start-up lines and no C++ log line on stderr (such as
the `E0000 ... use_unbounded_threadpool` line TensorFlow logs when op determinism rewrites Keras's batching of
arrays), run as `dvc repro` runs it, with no TF_CPP_MIN_LOG_LEVEL of the caller's: stages/__init__.py sets it."""
import subprocess

from conftest import VENV_BIN
from test_readme_commands import TENSORFLOW_LOG

# Trainers of arrays whose last batch is partial at the tiny sizes (270 digits, the tiny book's windows).
TRAINERS = ("train_text", "train_autoencoder@4")


def test_the_trainers_write_no_tensorflow_log_line_to_stderr(trained_repo):
    env = {key: value for key, value in trained_repo.env.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([str(VENV_BIN / "dvc"), "repro", "-f", "-s", *TRAINERS], cwd=trained_repo.path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Epoch 1/") == len(TRAINERS)
    noise = [line for line in result.stderr.splitlines() if TENSORFLOW_LOG.match(line) or "tensorflow" in line.lower()]
    assert noise == [], result.stderr
