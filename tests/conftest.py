"""Shared test fixtures: synthetic datasets, scratch copies of the repository, and a dvc runner.

Three scratch repositories, all git+DVC repositories made of this checkout's tracked and new files:

- `repo`: nothing run yet, with a synthetic MNIST `mirror` (tmp_path/"repo", tmp_path/"mirror"). For a test of
  what a first run does, of one stage on inputs it puts in place, of a download.
- `trained_repo`: every stage of dvc.yaml already run once, at tiny_pipeline_params(), on a mirror with all
  three synthetic datasets (`trained_repo.mirror`), the results committed as HEAD ("tiny run"), so that
  `git status` and `dvc status` are clean. The pipeline runs once per test run, in the background while the
  other tests run (SharedRuns, shared by every pytest-xdist worker); each test gets its own `cp -a` copy
  (tmp_path/"trained"), which it may change freely. Use it for any test that needs trained models, metrics,
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
import time
import traceback
from pathlib import Path

import numpy as np
import pytest
import yaml

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

    def assert_deterministic(self, *stages):
        """Force-run `stages` again (not their inputs) and check every metrics file is byte-identical."""
        before = self.metrics_bytes()
        assert before
        assert self.repro("-f", "-s", *stages) == set(stages)
        assert self.metrics_bytes() == before

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


# The scratch runs that a test run makes once, whichever pytest-xdist worker needs them: fixture name -> builder,
# built in this order.
SHARED_RUNS = {"tiny_pipeline": build_tiny_pipeline, "tiny_experiment": build_tiny_experiment}
BUILD_TIMEOUT = 1800  # seconds a test waits for a shared run
# The workers' niceness while the builder runs at the normal priority: every test that needs a shared run waits
# for it, so it gets a core of its own rather than a third of two.
WORKER_NICENESS = 10


def build_shared_runs(folder, *names):
    """Build each named run in folder/NAME, then mark it: folder/NAME/"built", or folder/NAME/"failed" holding the
    error (and stop)."""
    for name in names:
        root = Path(folder) / name
        root.mkdir()
        try:
            SHARED_RUNS[name](root)
        except BaseException:
            (root / "failed.tmp").write_text(traceback.format_exc())
            (root / "failed.tmp").rename(root / "failed")
            raise
        (root / "built").touch()


class SharedRuns:
    """The shared runs of one test run, built in the background by a process of its own, so that it sees neither
    the tests' monkeypatched environment nor their working directory; the first worker to get here starts it."""

    def __init__(self, folder, names):
        self.folder, self.process = folder, None
        try:
            (folder / "builder").mkdir()
        except FileExistsError:
            return  # another worker started it
        self.log = open(folder / "builder/output.log", "w")
        path = os.pathsep.join(filter(None, [str(ROOT / "tests"), str(ROOT), os.environ.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import sys, conftest; conftest.build_shared_runs(*sys.argv[1:])", str(folder),
             *names],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": path}, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait(self, name):
        """The built run's folder; fails the test with the builder's error if it failed."""
        root = self.folder / name
        deadline = time.monotonic() + BUILD_TIMEOUT
        while not (root / "built").exists():
            if (root / "failed").exists():
                pytest.fail(f"the shared scratch run {name} failed:\n{(root / 'failed').read_text()}", pytrace=False)
            if self.process and self.process.poll() is not None and not (root / "built").exists():
                pytest.fail(f"the builder of the shared scratch runs stopped (exit {self.process.returncode}) before"
                            f" {name}; its output: {self.log.name}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"the shared scratch run {name} was not built in {BUILD_TIMEOUT} s: {root}", pytrace=False)
            time.sleep(0.5)
        return root

    def close(self):
        # Another worker may still be waiting for a run: let the builder finish.
        if self.process:
            self.process.wait()
            self.log.close()


@pytest.fixture(scope="session", autouse=True)
def shared_runs(request, tmp_path_factory):
    """The shared runs this test run's tests need, started as the session starts, in the folder every
    pytest-xdist worker of the run shares (the parent of a worker's own base temporary folder)."""
    base = tmp_path_factory.getbasetemp()
    folder = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    fixtures = {name for item in request.session.items for name in item.fixturenames}
    names = [name for name in SHARED_RUNS if name in fixtures]
    runs = SharedRuns(folder, names) if names else None
    if names:
        os.nice(WORKER_NICENESS)
    yield runs
    if runs:
        runs.close()


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


@pytest.fixture
def tiny_pipeline(shared_runs):
    return TinyPipeline(shared_runs.wait("tiny_pipeline"))


@pytest.fixture
def trained_repo(tiny_pipeline, tmp_path):
    return tiny_pipeline.copy(tmp_path / "trained")


@pytest.fixture
def tiny_experiment(shared_runs, tmp_path):
    """A private copy of the shared tiny autoencoder run with its `more-epochs` experiment."""
    return copy_run(shared_runs.wait("tiny_experiment"), tmp_path / "tiny_experiment")


# A test that needs a shared run goes last, so that the workers run the other tests while it is built; the
# longest of them (those that re-run stages) go first among them, so that no worker is left with one at the end.
LONGEST_FIRST = ("test_pipeline_autoencoder", "test_readme_commands", "test_pipeline_sentiment", "test_isolation",
                 "test_pipeline_denoiser", "test_pipeline_text", "test_seeds")


def shared_run_order(item):
    """0 for a test that needs no shared run, else its place among those that do."""
    if not set(getattr(item, "fixturenames", ())) & set(SHARED_RUNS):
        return 0
    name = item.module.__name__
    return 1 + (LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST))


# tryfirst: pytest-xdist reads the marks in its own hook of the same name.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Order the tests as above. Under `--dist loadgroup` (pytest.ini) each file's tests that need no shared run
    go to one worker together, so that its module fixtures are made once; a test that needs one goes alone, to
    whichever worker is free."""
    items.sort(key=shared_run_order)
    for item in items:
        if not shared_run_order(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
