"""train.strategy: multi_worker with two worker processes on localhost, run as docs/collaboration.md shows.

Worker 0, the chief, runs the training stage through DVC (`dvc repro` for the autoencoder, `dvc exp
run` for text); worker 1 runs the same stage module in its own copy of the repository (a `git clone`
+ `dvc pull` for the autoencoder), each with its own TF_CONFIG.
"""
import json
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

from conftest import VENV_BIN, make_mirror, scratch_repo, write_manifest
from test_pipeline_text import TINY as TEXT_TINY
from test_pipeline_text import synthetic_book

from stages import multi_worker
from stages.cli import StageError

# One global batch of all 270 training digits: each epoch is a single step over the same examples
# whatever the shuffle, so one process and two workers compute the same sums in a different order.
AUTOENCODER = {
    "autoencoder.latent_sizes": [4],
    "autoencoder.train.epochs": 2,
    "autoencoder.train.batch_size": 270,
    "train.strategy": "multi_worker",
}
TRAIN_AUTOENCODER = [sys.executable, "-m", "stages.autoencoder.train", "--latent-size", "4"]
TIMEOUT = 10  # MULTI_WORKER_TIMEOUT of the fault tests, seconds


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for each in sockets:
        each.bind(("localhost", 0))
    ports = [each.getsockname()[1] for each in sockets]
    for each in sockets:
        each.close()
    return ports


def tf_config(workers, index):
    return json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})


def start(repo, command, workers, index, timeout=60):
    env = {**repo.env, "TF_CONFIG": tf_config(workers, index), multi_worker.TIMEOUT_VARIABLE: str(timeout)}
    return subprocess.Popen(
        command, cwd=repo.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(process, limit=300):
    output, _ = process.communicate(timeout=limit)
    return process.returncode, output


def files(path):
    """{relative path: (size, mtime)} of everything in a repository but .git."""
    return {
        str(p.relative_to(path)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in path.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(path).parts[:1]
    }


def fingerprint(output):
    return next(line.split()[-1] for line in output.splitlines() if "final weights" in line)


def error_line(output):
    (line,) = [line for line in output.splitlines() if line.startswith("error:")]
    return line


def curve(repo, split):
    path = repo.path / f"plots/train/autoencoder/latent_4/plots/metrics/{split}/loss.tsv"
    return pd.read_csv(path, sep="\t")["loss"].tolist()


@pytest.fixture(scope="module")
def cluster_repos(tmp_path_factory):
    """The chief's repository with the digits preprocessed and pushed, and worker 1's clone of it, pulled."""
    root = tmp_path_factory.mktemp("multi_worker")
    chief = scratch_repo(root / "chief", make_mirror(root / "mirror"))
    chief.set_params(AUTOENCODER)
    chief.dvc("remote", "add", "-d", "storage", str(root / "storage"))
    chief.repro("preprocess_mnist")
    chief.dvc("push")
    chief.git("add", "-A")
    chief.git("commit", "-qm", "multi_worker params, data pushed")
    chief.run("git", "clone", "-q", str(chief.path), str(root / "worker"))
    worker = type(chief)(root / "worker", chief.env["DATA_MIRROR"])
    worker.dvc("pull", "preprocess_mnist")  # only what this scratch remote holds; a full remote needs no target
    return chief, worker


def test_two_workers_train_the_autoencoder_in_step_with_one_process_and_only_the_chief_writes(cluster_repos):
    chief, worker = cluster_repos
    workers = [f"localhost:{port}" for port in free_ports(2)]
    before = files(worker.path)
    processes = [
        start(chief, [str(VENV_BIN / "dvc"), "repro", "train_autoencoder@4"], workers, 0),
        start(worker, TRAIN_AUTOENCODER, workers, 1),
    ]
    (chief_status, chief_log), (worker_status, worker_log) = map(finish, processes)
    assert chief_status == 0, chief_log
    assert worker_status == 0, worker_log
    assert "MultiWorkerMirroredStrategy, worker 1, 2 replica(s)" in worker_log
    assert fingerprint(chief_log) == fingerprint(worker_log)
    assert (chief.path / "data/models/autoencoder/latent_4.keras").is_file()
    assert json.loads((chief.path / "plots/train/autoencoder/latent_4/metrics.json").read_text())["epochs_run"] == 2
    assert files(worker.path) == before
    distributed = curve(chief, "train") + curve(chief, "eval")

    # The same global batch and seed in one process, through Keras fit.
    chief.set_params({"train.strategy": "default"})
    chief.run(*TRAIN_AUTOENCODER)
    # float32 sums in another order (two half-batch means averaged by the all-reduce) differ by a
    # few units in the 7th digit; 1e-5 leaves room for the two Adam steps to carry that, no more.
    assert distributed == pytest.approx(curve(chief, "train") + curve(chief, "eval"), rel=1e-5)


def test_killing_a_worker_stops_the_other_within_its_timeout(cluster_repos):
    chief, worker = cluster_repos
    workers = [f"localhost:{port}" for port in free_ports(2)]
    worker.set_params({"autoencoder.train.epochs": 1000, "autoencoder.train.batch_size": 30})
    try:
        survivor = start(worker, TRAIN_AUTOENCODER, workers, 0, timeout=TIMEOUT)
        victim = start(worker, TRAIN_AUTOENCODER, workers, 1, timeout=TIMEOUT)
        started = []
        for line in survivor.stdout:
            started.append(line)
            if line.startswith("epoch 2/"):
                break
        victim.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        status, output = finish(survivor, limit=TIMEOUT + 60)
        output = "".join(started) + output
        elapsed = time.monotonic() - killed
    finally:
        worker.git("checkout", "params.yaml")
    assert status == 2, output
    assert not (worker.path / "data/models/autoencoder/latent_4.keras").exists()
    assert f"error: worker 0: training aborted, unreachable: worker 1 ({workers[1]})" in output
    print(f"survivor exited {elapsed:.1f} s after the SIGKILL (MULTI_WORKER_TIMEOUT={TIMEOUT}): {error_line(output)}")
    assert elapsed < TIMEOUT + 30


def test_an_unreachable_chief_fails_in_bounded_time_naming_its_address(cluster_repos):
    _, worker = cluster_repos
    workers = [f"localhost:{port}" for port in free_ports(2)]
    begun = time.monotonic()
    status, output = finish(start(worker, TRAIN_AUTOENCODER, workers, 1, timeout=3), limit=120)
    elapsed = time.monotonic() - begun
    assert status == 2, output
    assert f"unreachable: worker 0 ({workers[0]})" in output and "error: worker 1: could not form the cluster" in output
    print(f"worker 1 gave up {elapsed:.1f} s after its start (MULTI_WORKER_TIMEOUT=3): {error_line(output)}")


def test_the_text_lstm_trains_under_two_workers(repo, mirror):
    (mirror / "the_little_prince.txt").write_bytes(synthetic_book().encode("utf-8"))
    write_manifest(mirror)
    repo.set_params({**TEXT_TINY, "train.strategy": "multi_worker"})
    repo.repro("preprocess_text")
    other = type(repo)(repo.path.parent / "worker", mirror)
    repo.run("cp", "-a", str(repo.path), str(other.path))
    workers = [f"localhost:{port}" for port in free_ports(2)]
    before = files(other.path)
    processes = [start(repo, [str(VENV_BIN / "dvc"), "exp", "run", "train_text"], workers, 0),
                 start(other, [sys.executable, "-m", "stages.text.train"], workers, 1)]
    (chief_status, chief_log), (worker_status, worker_log) = map(finish, processes)
    assert chief_status == 0, chief_log
    assert worker_status == 0, worker_log
    assert fingerprint(chief_log) == fingerprint(worker_log)
    assert "epoch 2/2" in worker_log
    assert (repo.path / "data/models/text.keras").is_file()
    assert files(other.path) == before


@pytest.mark.parametrize(
    "config, message",
    [
        (None, "TF_CONFIG is not set"),
        ("{bad", "TF_CONFIG: not valid JSON"),
        ('{"cluster": {"chief": ["a:1"], "worker": ["b:1"]}, "task": {"type": "worker", "index": 0}}', "no other job"),
        ('{"cluster": {"worker": ["a"]}, "task": {"type": "worker", "index": 0}}', "'a' is not host:port"),
        ('{"cluster": {"worker": ["a:1", "a:1"]}, "task": {"type": "worker", "index": 0}}', "must be distinct"),
        ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 1}}', '"index": 0..0'),
    ],
)
def test_a_bad_tf_config_is_one_clear_error(monkeypatch, config, message):
    if config is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", config)
    with pytest.raises(StageError, match=message.replace("[", r"\[").replace(".", r"\.")):
        multi_worker.cluster()


def test_the_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", tf_config(["a:1", "b:2"], 1))
    monkeypatch.setenv(multi_worker.TIMEOUT_VARIABLE, "7.5")
    assert multi_worker.cluster() == multi_worker.Cluster(["a:1", "b:2"], 1, 7.5)
    monkeypatch.setenv(multi_worker.TIMEOUT_VARIABLE, "-1")
    with pytest.raises(StageError, match="MULTI_WORKER_TIMEOUT: expected a positive number"):
        multi_worker.cluster()
