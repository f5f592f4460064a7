"""A training killed with SIGKILL resumes from its backup (data/backups/) and ends byte for byte as an
uninterrupted one, for the character LSTM and an MNIST autoencoder; a changed training or a damaged backup
starts from the first epoch, with one line saying so."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

import test_pipeline_text
from conftest import copy_run, make_mirror, scratch_repo, write_manifest

EPOCHS = 6
PARAMS = {
    **{key: value for key, value in test_pipeline_text.TINY.items() if key.startswith("text.")},
    "text.train.epochs": EPOCHS,
    "autoencoder.latent_sizes": [4],
    "autoencoder.train.epochs": EPOCHS,
    "autoencoder.train.batch_size": 64,
}


class Trainer(NamedTuple):
    stage: str
    command: tuple
    model: str
    live: str
    backup: str


TEXT = Trainer("train_text", ("-m", "stages.text.train"), "data/models/text.keras", "plots/train/text",
               "data/backups/text")
AUTOENCODER = Trainer("train_autoencoder@4", ("-m", "stages.autoencoder.train", "--latent-size", "4"),
                      "data/models/autoencoder/latent_4.keras", "plots/train/autoencoder/latent_4",
                      "data/backups/autoencoder/latent_4")


def outputs(repo, trainer):
    """{path: bytes} of the trainer's model and every file of its DVCLive folder."""
    files = [repo.path / trainer.model, *sorted(p for p in (repo.path / trainer.live).rglob("*") if p.is_file())]
    return {str(path.relative_to(repo.path)): path.read_bytes() for path in files}


def train(repo, trainer):
    """Run the trainer to the end; return its output."""
    return repo.run(sys.executable, *trainer.command)


def backed_up_epochs(repo, trainer):
    try:
        return json.loads((repo.path / trainer.backup / "manifest.json").read_text())["epoch"]
    except (OSError, ValueError):
        return 0


def kill_after(repo, trainer, epochs):
    """Start the trainer, SIGKILL it once its backup records `epochs` epochs; return the epochs it records then."""
    process = subprocess.Popen([sys.executable, *trainer.command], cwd=repo.path, env=repo.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while backed_up_epochs(repo, trainer) < epochs:
            assert process.poll() is None, "the training ended before it could be killed"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    done = backed_up_epochs(repo, trainer)
    assert epochs <= done < EPOCHS
    return done


class Prepared(NamedTuple):
    root: Path  # repo/ (inputs of both trainers made by dvc repro) and mirror/
    uninterrupted: dict  # trainer -> outputs() of an uninterrupted run
    killed: dict  # trainer -> (root of a copy whose training was killed, the epochs its backup records)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    mirror = make_mirror(root / "mirror")
    (mirror / "the_little_prince.txt").write_bytes(test_pipeline_text.synthetic_book().encode("utf-8"))
    write_manifest(mirror)
    (root / "repo").mkdir()
    repo = scratch_repo(root / "repo", mirror)
    repo.set_params(PARAMS)
    repo.repro("preprocess_text", "preprocess_mnist")
    repo.git("add", "-A")
    repo.git("commit", "-qm", "inputs")
    uninterrupted, killed = {}, {}
    for trainer in (TEXT, AUTOENCODER):
        copy = copy_run(root, root / f"uninterrupted_{trainer.stage}")
        train(copy, trainer)
        uninterrupted[trainer] = outputs(copy, trainer)
        assert not (copy.path / "data/backups").exists()  # nor the folders above the backup
        copy = copy_run(root, root / f"killed_{trainer.stage}")
        killed[trainer] = (copy.path.parent, kill_after(copy, trainer, 2))
    return Prepared(root, uninterrupted, killed)


@pytest.mark.parametrize("trainer", [TEXT, AUTOENCODER], ids=["text", "autoencoder"])
def test_a_killed_training_resumes_under_dvc_repro_and_ends_as_an_uninterrupted_one(prepared, trainer, tmp_path):
    killed, done = prepared.killed[trainer]
    repo = copy_run(killed, tmp_path / "run")
    # dvc repro deletes the stage's outs, the DVCLive folder among them, before it runs the stage again.
    log = repo.dvc("repro", trainer.stage)
    assert f"{trainer.backup}: resuming after epoch {done}, at epoch {done + 1}" in log
    assert f"Epoch {done + 1}/{EPOCHS}" in log and f"Epoch {done}/{EPOCHS}" not in log
    assert outputs(repo, trainer) == prepared.uninterrupted[trainer]
    assert not (repo.path / "data/backups").exists()


def test_a_params_change_discards_the_backup_with_one_line(prepared, tmp_path):
    killed, _ = prepared.killed[TEXT]
    repo = copy_run(killed, tmp_path / "run")
    repo.set_params({"text.train.epochs": 2})
    log = train(repo, TEXT)
    assert [line for line in log.splitlines() if TEXT.backup in line] == [
        f"{TEXT.backup}: params, data or code changed since this backup: training from the first epoch"
    ]
    assert "Epoch 1/2" in log
    assert not (repo.path / "data/backups").exists()


def test_a_damaged_backup_is_ignored_with_one_warning(prepared, tmp_path):
    killed, _ = prepared.killed[AUTOENCODER]
    repo = copy_run(killed, tmp_path / "run")
    weights = repo.path / AUTOENCODER.backup / "latest.weights.h5"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    log = train(repo, AUTOENCODER)
    assert [line for line in log.splitlines() if AUTOENCODER.backup in line] == [
        f"WARNING stages.backup: {AUTOENCODER.backup}: damaged or incomplete backup, ignored: training from the "
        "first epoch"
    ]
    assert "Traceback" not in log and f"Epoch 1/{EPOCHS}" in log
    assert outputs(repo, AUTOENCODER) == prepared.uninterrupted[AUTOENCODER]
    assert not (repo.path / "data/backups").exists()
