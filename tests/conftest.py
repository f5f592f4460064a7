"""Shared test fixtures: synthetic datasets, scratch copies of the repository, and a dvc runner.

Three scratch repositories, all git+DVC repositories made of this checkout's tracked and new files:

- `repo`: nothing run yet, with a synthetic MNIST `mirror` (tmp_path/"repo", tmp_path/"mirror"). For a test of
  what a first run does, of one stage on inputs it puts in place, of a download.
- `trained_repo`: every stage of dvc.yaml already run once, at tiny_pipeline_params(), on a mirror with all
  three synthetic datasets (`trained_repo.mirror`), the results committed as HEAD ("tiny run"), so that
  `git status` and `dvc status` are clean. The pipeline runs once per test run, by the first pytest-xdist
  worker that needs it (shared_run); each test gets its own `cp -a` copy (tmp_path/"trained"), which it may
  change freely. Use it for any test that needs trained models, metrics,
  plots or a committed run: it costs a copy of a few megabytes instead of a pipeline run of minutes.
  `tiny_pipeline.ran` is the set of stages that run ran from nothing; `trained_repo.repro("--dry", "-f", target)`
  is the set `dvc repro target` would run from nothing. A stage added to dvc.yaml runs in that first run by
  itself; its tiny params go in tiny_pipeline_params().
- `tiny_experiment`: a tiny autoencoder run and one DVC experiment on it, made once the same way; a copy each.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest
import yaml
from filelock import FileLock
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def synthetic_digits(count, seed):
    """uint8 28x28 'digits': class k is a bright bar at a class-specific height, jittered by a pixel."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count, dtype=np.uint8) % 10
    images = np.zeros((count, 28, 28), dtype=np.uint8)
    for index, label in enumerate(labels):
        top = 3 + 2 * int(label) + int(rng.integers(-1, 2))
        left = int(rng.integers(4, 8))
        images[index, top : top + 3, left : left + 16] = 255
    return images, labels


def write_mnist(path, train=300, test=100, seed=0):
    x_train, y_train = synthetic_digits(train, seed)
    x_test, y_test = synthetic_digits(test, seed + 1)
    np.savez_compressed(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def write_manifest(directory):
    """A SHA256SUMS for every file in `directory`, as `sha256sum` writes it."""
    directory = Path(directory)
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}"
        for path in sorted(directory.iterdir())
        if path.name != "SHA256SUMS"
    ]
    (directory / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def picture(path):
    """The pixels (height, width, RGB) of a PNG file, which must decode and show more than a blank page."""
    with Image.open(path) as image:
        assert image.format == "PNG", path
        pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 16, f"{path}: a blank picture"
    return pixels


@pytest.fixture(autouse=True)
def no_shared_mirror(monkeypatch):
    """Tests make their own data: a DATA_MIRROR from the caller's shell must not leak in."""
    monkeypatch.delenv("DATA_MIRROR", raising=False)


def make_mirror(directory):
    """A mirror directory with a tiny synthetic mnist.npz and its SHA256SUMS; tests may add files."""
    directory.mkdir()
    write_mnist(directory / "mnist.npz")
    write_manifest(directory)
    return directory


@pytest.fixture
def mirror(tmp_path):
    return make_mirror(tmp_path / "mirror")


def set_params(repo, changes):
    """Apply {"a.b.c": value} to repo/params.yaml."""
    path = Path(repo) / "params.yaml"
    params = yaml.safe_load(path.read_text())
    for dotted, value in changes.items():
        *parents, leaf = dotted.split(".")
        node = params
        for key in parents:
            node = node[key]
        node[leaf] = value
    path.write_text(yaml.safe_dump(params, sort_keys=False))


class Repo:
    """A scratch git+DVC copy of the project's tracked and new files, with a dvc runner."""

    def __init__(self, path, mirror):
        self.path = path
        self.mirror = Path(mirror)
        self.env = {
            **os.environ,
            "DATA_MIRROR": str(mirror),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        }

    def run(self, *command, timeout=None):
        """Run `command` in the repository and return its output; a non-zero exit fails the test."""
        result = subprocess.run(command, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout + result.stderr

    def dvc(self, *args, timeout=None):
        return self.run(str(VENV_BIN / "dvc"), *args, timeout=timeout)

    def git(self, *args):
        return self.run("git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args)

    def repro(self, *targets):
        """Run `dvc repro` and return the names of the stages that actually ran."""
        return set(re.findall(r"Running stage '([^']+)'", self.dvc("repro", *targets)))

    def reruns(self, changes, *targets):
        """The stages `dvc repro TARGETS` would run after the params `changes` ({"a.b.c": value}), and those
        downstream of them, from a dry run; params.yaml is restored afterwards."""
        original = (self.path / "params.yaml").read_text()
        self.set_params(changes)
        try:
            return self.repro("--dry", "--force-downstream", *targets)
        finally:
            (self.path / "params.yaml").write_text(original)

    def stale(self):
        """The stages `dvc status` reports as changed."""
        result = subprocess.run(
            [str(VENV_BIN / "dvc"), "status", "--json"], cwd=self.path, env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return set(json.loads(result.stdout))

    def set_params(self, changes):
        set_params(self.path, changes)

    def metrics_bytes(self):
        """{path: bytes} of every metrics file, to compare runs byte for byte."""
        return {str(p.relative_to(self.path)): p.read_bytes() for p in sorted((self.path / "metrics").rglob("*.json"))}

    def train_mirrored(self, project, *arguments):
        """Run `python -m stages.<project>.train ARGUMENTS` under train.strategy=mirrored on two logical CPUs; return its log."""
        self.set_params({"train.strategy": "mirrored"})
        script = (
            "import runpy, sys, tensorflow as tf\n"
            "cpu = tf.config.list_physical_devices('CPU')[0]\n"
            "tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)\n"
            f"sys.argv = ['stages.{project}.train', *{list(arguments)!r}]\n"
            f"runpy.run_module('stages.{project}.train', run_name='__main__')\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=self.path, env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr


def scratch_repo(destination, mirror):
    """A new git repository at `destination` with the project's files, committed, and no results."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        # Generated results are not copied: the scratch run makes its own.
        if not source.is_file() or name == "dvc.lock" or name.startswith(("metrics/", "plots/")):
            continue
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    subprocess.run([*git, "add", "-A"], cwd=destination, check=True)
    subprocess.run([*git, "commit", "-qm", "scratch"], cwd=destination, check=True)
    return Repo(destination, mirror)


@pytest.fixture
def repo(tmp_path, mirror):
    return scratch_repo(tmp_path / "repo", mirror)


def tiny_pipeline_params():
    """The params of the session's tiny run: each project's tiny params, and the autoencoder sizes that both
    MNIST projects use (the denoiser's baseline is one of them)."""
    import test_pipeline_autoencoder
    import test_pipeline_denoiser
    import test_pipeline_sentiment
    import test_pipeline_text

    return {
        **test_pipeline_denoiser.TINY,
        **test_pipeline_autoencoder.TINY,
        **test_pipeline_text.TINY,
        **test_pipeline_sentiment.TINY,
    }


def make_full_mirror(directory):
    """A mirror with all three synthetic datasets: MNIST digits, a made-up book and IMDB-like reviews."""
    import test_pipeline_sentiment
    import test_pipeline_text

    make_mirror(directory)
    (directory / "the_little_prince.txt").write_bytes(test_pipeline_text.synthetic_book().encode("utf-8"))
    test_pipeline_sentiment.write_reviews(directory / "imdb_reviews.csv.gz")
    write_manifest(directory)
    return directory


def build_tiny_pipeline(root):
    """Every stage of dvc.yaml run once at tiny_pipeline_params(), committed; root/"ran.json" lists the stages."""
    built = scratch_repo(root / "repo", make_full_mirror(root / "mirror"))
    built.set_params(tiny_pipeline_params())
    ran = built.repro()
    built.git("add", "-A")
    built.git("commit", "-qm", "tiny run")
    (root / "ran.json").write_text(json.dumps(sorted(ran)))


def build_tiny_experiment(root):
    """A tiny autoencoder run (latent 16, 2 epochs: its evaluation and training curves), committed, and one DVC
    experiment on it, `more-epochs` (3 epochs)."""
    from test_pipeline_autoencoder import TINY

    repo = scratch_repo(root / "repo", make_mirror(root / "mirror"))
    repo.set_params({**TINY, "autoencoder.latent_sizes": [16]})
    repo.repro("evaluate_autoencoder", "curves_autoencoder")
    repo.git("add", "-A")
    repo.git("commit", "-qm", "tiny run")
    repo.dvc("exp", "run", "--name", "more-epochs", "-S", "autoencoder.train.epochs=3", "evaluate_autoencoder",
             "curves_autoencoder")


def shared_run(tmp_path_factory, worker_id, name, build):
    """The folder of a scratch run made once per test run, as pytest-xdist's documentation shows ("Making
    session-scoped fixtures execute only once"): the first worker to need it builds it in the folder every worker
    shares, under a file lock; the others wait for the lock and find it built."""
    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / name
    with FileLock(f"{root}.lock"):
        failed = root.with_name(f"{name}.failed")
        if failed.exists():
            pytest.fail(f"the shared scratch run {name} failed:\n{failed.read_text()}", pytrace=False)
        if not root.exists():
            building = root.with_name(f"{name}.building")
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            try:
                build(building)
            except BaseException:
                failed.write_text(traceback.format_exc())
                raise
            building.rename(root)
    return root


def copy_run(root, destination):
    """A private copy of a shared run's repository and mirror under `destination`: `cp -a` keeps the DVC cache
    (.dvc/cache), git, and the files' times, so DVC finds every stage up to date."""
    destination.mkdir(parents=True)
    for name in ("repo", "mirror"):
        subprocess.run(["cp", "-a", str(root / name), str(destination / name)], check=True)
    return Repo(destination / "repo", destination / "mirror")


class TinyPipeline:
    """The shared tiny run of every stage: `ran`, the stages it ran from nothing, and private copies of it."""

    def __init__(self, root):
        self.root = root
        self.ran = set(json.loads((root / "ran.json").read_text()))

    def copy(self, destination):
        return copy_run(self.root, destination)


@pytest.fixture(scope="session")
def tiny_pipeline(tmp_path_factory, worker_id):
    return TinyPipeline(shared_run(tmp_path_factory, worker_id, "tiny_pipeline", build_tiny_pipeline))


@pytest.fixture
def trained_repo(tiny_pipeline, tmp_path):
    return tiny_pipeline.copy(tmp_path / "trained")


@pytest.fixture(scope="session")
def tiny_experiment_run(tmp_path_factory, worker_id):
    return shared_run(tmp_path_factory, worker_id, "tiny_experiment", build_tiny_experiment)


@pytest.fixture
def tiny_experiment(tiny_experiment_run, tmp_path):
    """A private copy of the shared tiny autoencoder run with its `more-epochs` experiment."""
    return copy_run(tiny_experiment_run, tmp_path / "tiny_experiment")
