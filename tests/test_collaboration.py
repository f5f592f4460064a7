"""Team workflows end to end: a DVC remote and a bare git repository as the server, fresh clones as machines.

One tiny autoencoder run ("machine A") is committed and pushed once for the module; each test clones it.
The scratch pipeline keeps the autoencoder stages only, so whole-project commands (`dvc pull`,
`dvc exp apply`) run exactly as docs/collaboration.md shows them.
"""
import hashlib
import json
import subprocess

import numpy as np
import pytest
import yaml

from conftest import Repo, make_mirror, scratch_repo
from test_experiments import experiments
from test_pipeline_autoencoder import TINY

TINY_ONE_LATENT = {**TINY, "autoencoder.latent_sizes": [4]}
MODEL = "data/models/autoencoder/latent_4.keras"
IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


class Team:
    """Machine A's repository, the server it pushed to, and fresh clones of that server."""

    def __init__(self, root):
        self.root = root
        self.mirror = make_mirror(root / "mirror")
        self.server = str(root / "server.git")
        self.origin = self.machine(scratch_repo(root / "origin", self.mirror).path)

    def machine(self, path):
        repo = Repo(path, self.mirror)
        repo.env.update(IDENTITY)
        return repo

    def clone(self, path):
        self.origin.run("git", "clone", "-q", self.server, str(path))
        return self.machine(path)


def keep_autoencoder_stages(repo):
    """Cut the scratch dvc.yaml down to the autoencoder stages, the only ones the scratch run has results for."""
    path = repo.path / "dvc.yaml"
    pipeline = yaml.safe_load(path.read_text())
    stages = pipeline["stages"]
    stages["download"]["foreach"] = {"mnist": stages["download"]["foreach"]["mnist"]}
    names = ("download", "preprocess_mnist", "train_autoencoder", "baseline_autoencoder", "evaluate_autoencoder")
    pipeline["stages"] = {name: stages[name] for name in names}
    pipeline["metrics"] = ["metrics/autoencoder", "metrics/autoencoder_baseline"]
    path.write_text(yaml.safe_dump(pipeline, sort_keys=False))


def md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


def shown_experiments(repo):
    """{name: (learning_rate, metrics of latent 4)} of every experiment `dvc exp show --json` lists."""
    return {
        experiment["name"]: (
            experiment["data"]["params"]["params.yaml"]["data"]["autoencoder"]["train"]["learning_rate"],
            experiment["data"]["metrics"]["metrics/autoencoder/latent_4.json"]["data"],
        )
        for experiment in experiments(json.loads(repo.dvc("exp", "show", "--json")))
    }


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    team = Team(tmp_path_factory.mktemp("team"))
    origin = team.origin
    origin.set_params(TINY_ONE_LATENT)
    keep_autoencoder_stages(origin)
    origin.dvc("remote", "add", "-d", "storage", str(team.root / "storage"))
    origin.run("git", "commit", "-qam", "Tiny params and a DVC remote")
    assert origin.repro() == {
        "download@mnist", "preprocess_mnist", "train_autoencoder@4", "baseline_autoencoder", "evaluate_autoencoder"
    }
    origin.run("git", "add", "-A")
    origin.run("git", "commit", "-qm", "Results")
    origin.run("git", "clone", "-q", "--bare", ".", team.server)
    origin.run("git", "remote", "add", "origin", team.server)
    assert "pushed" in origin.dvc("push", "--run-cache")
    return team


def test_a_fresh_clone_pulls_every_output_and_reruns_nothing(team, tmp_path):
    clone = team.clone(tmp_path / "clone")
    clone.dvc("pull")

    assert md5(clone.path / MODEL) == md5(team.origin.path / MODEL)
    assert (clone.path / "data/processed/mnist/train.npz").is_file()
    assert clone.repro() == set()
    assert "in sync" in clone.dvc("status", "--cloud")


def test_the_run_cache_alone_restores_training_in_a_fresh_clone(team, tmp_path):
    clone = team.clone(tmp_path / "clone")
    # The commit before the results: the same params and code, no dvc.lock, so only the run-cache knows the outputs.
    clone.run("git", "checkout", "-q", "HEAD~1")
    assert not (clone.path / "dvc.lock").exists()

    ran = clone.repro("--pull")

    # Metrics are `cache: false` outs, which the run-cache does not carry: their stages run again.
    assert ran <= {"baseline_autoencoder", "evaluate_autoencoder"}
    assert md5(clone.path / MODEL) == md5(team.origin.path / MODEL)


def test_experiments_run_on_two_clones_are_compared_and_applied_on_a_third(team, tmp_path):
    learning_rates = {"fast-lr": 0.03, "slow-lr": 0.0003}
    models = {}
    for name, learning_rate in learning_rates.items():
        machine = team.clone(tmp_path / name)
        machine.dvc("pull")
        machine.dvc("exp", "run", "--name", name, "-S", f"autoencoder.train.learning_rate={learning_rate}")
        machine.dvc("exp", "push", "origin", name)
        models[name] = md5(machine.path / MODEL)

    third = team.clone(tmp_path / "third")
    third.dvc("exp", "pull", "origin")
    shown = shown_experiments(third)
    assert {name: rate for name, (rate, _) in shown.items()} == learning_rates
    for _, scores in shown.values():
        assert 0 < scores["test_loss"] < 0.7

    third.dvc("exp", "apply", "fast-lr")
    third.dvc("pull")
    assert md5(third.path / MODEL) == models["fast-lr"] != md5(team.origin.path / MODEL)
    assert third.repro() == set()


def test_a_registered_model_version_downloads_with_dvc_artifacts_get_and_predicts(team, tmp_path):
    origin = team.origin
    empty = tmp_path / "empty"
    empty.mkdir()
    get = ["dvc", "artifacts", "get", team.server, "autoencoder"]

    unregistered = subprocess.run(get, cwd=empty, env=origin.env, capture_output=True, text=True)
    assert unregistered.returncode != 0 and "Unable to find artifact 'autoencoder'" in unregistered.stderr

    origin.run("make", "publish", "MODEL=autoencoder")
    assert "autoencoder@v0.0.1" in origin.run("git", "ls-remote", "--tags", team.server)
    assert "v0.0.1" in origin.run("gto", "show")

    team.machine(empty).run(*get)
    model_path = empty / "autoencoder/latent_4.keras"
    assert md5(model_path) == md5(origin.path / MODEL)

    import keras  # here, so that TensorFlow loads only when this test runs

    model = keras.models.load_model(model_path)
    test = np.load(origin.path / "data/processed/mnist/test.npz")["x"]
    reconstructions = model.predict(test, verbose=0)
    assert reconstructions.shape == test.shape and 0 <= reconstructions.min() and reconstructions.max() <= 1
    scores = json.loads((origin.path / "metrics/autoencoder/latent_4.json").read_text())
    assert model.evaluate(test, test, verbose=0) == pytest.approx(scores["test_loss"], rel=1e-4)
