"""The shell commands of README.md and docs/use-the-models.md, run as written against one tiny pipeline run.

Every command in a ```bash or ```console block of each of DOCUMENTS runs, in order, with bash, in a copy of
the session's tiny run of every stage (`trained_repo`), whose results are committed there (the role the real
committed results play in a clone), except the commands in NOT_RUN, each with its reason.
A new command in those documents is therefore run unless someone says here why not. What is checked:
- every command exits 0, and an `error:` example exits 2 with exactly the line shown;
- shown output that does not depend on the trained numbers (file paths, stage lists, errors) matches
  exactly, other shown output matches with its numbers masked, and generated text starts with the prompt;
- a comment that lists the stages a command runs (`dvc exp run -S noise.std=0.3  # runs add_noise, ...`,
  `dvc repro evaluate_sentiment  # download@imdb, ...`) names exactly the stages that ran (or that
  `dvc repro --dry --force` lists, for a project the tiny run already has up to date), and the
  README's sentence on `autoencoder.train.epochs` names what `dvc repro --dry --force-downstream`
  lists after that change; `dvc repro` right after the run runs nothing.
Paths under /tmp/ are moved into the test's own temporary folder, so that parallel runs do not meet.

The tiny models are too small for the shown numbers (probabilities, generated text, sizes); those are
the real output of the full run, which `make repro` makes.
"""
import re
import subprocess

import pytest
import yaml

from conftest import ROOT, VENV_BIN

DOCUMENTS = ("README.md", "docs/use-the-models.md")
NOT_RUN = {
    "make repro": "the full pipeline on the real data (its tiny run is this test's fixture: dvc repro)",
    "make test": "the test suite that runs this test",
    "source .venv/bin/activate": "the tests already run with .venv/bin first on the PATH",
}
# Commands whose shown output lists what only the full run has; they must still run.
FULL_RUN_OUTPUT = {"du -sh data/export/*": "the exports of latent 16 and 64, which the tiny run does not train"}
# TensorFlow's C++ start-up lines on stderr (oneDNN notices), which the documents leave out.
TENSORFLOW_LOG = re.compile(r"^(WARNING: All log messages before absl::InitializeLog|[IWE]\d{4} [\d:.]+ +\d+ \w+\.cc:\d+\])")
STAGE = re.compile(r"\b(?:[a-z]+_[a-z_]+|download)(?:@(?:\{[\w.,]+\}|[\w.]*\w))?")


def blocks(markdown):
    """The bodies of the ```bash and ```console blocks of a Markdown text, with their kind."""
    return re.findall(r"^```(bash|console)\n(.*?)^```", markdown, re.DOTALL | re.MULTILINE)


def commands(path):
    """[(command, comment, shown output lines)] of one document, in order."""
    found = []
    for kind, body in blocks(path.read_text(encoding="utf-8")):
        lines = body.replace("\\\n", " ").splitlines()
        for line in lines:
            if kind == "console" and not line.startswith("$ "):
                if found:
                    found[-1][2].append(line)
                continue
            line = line.removeprefix("$ ")
            command, _, comment = re.split(r"(\s+#\s)", line, maxsplit=1) if " # " in line else (line, "", "")
            if command.strip():
                found.append((command.strip(), comment.strip(), []))
    return found


def masked(text):
    """`text` with its numbers (and sizes such as 5.9M) and sentiment labels replaced, to compare its form."""
    text = re.sub(r"\b(positive|negative)\b", "LABEL", text)
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?[KMG]?\b", "#", text)


def stages_named(comment):
    return set(STAGE.findall(comment))


@pytest.fixture
def tiny_run(trained_repo):
    """A copy of the tiny run of every project, with what `make setup` adds: the page template of DVC's plots
    pages, which git does not track."""
    trained_repo.run(str(VENV_BIN / "python"), "-m", "stages.plots_page")
    return trained_repo


def shell(repo, command, scratch):
    command = command.replace("/tmp/", f"{scratch}/")
    return subprocess.run(["bash", "-c", command], cwd=repo.path, env=repo.env, capture_output=True, text=True, timeout=300)


def check_command(repo, command, comment, shown, scratch):
    result = shell(repo, command, scratch)
    output = "\n".join(
        line for line in (result.stdout + result.stderr).replace(f"{scratch}/", "/tmp/").splitlines()
        if not TENSORFLOW_LOG.match(line)
    ).strip()
    where = f"{command}\n--- output:\n{output}"
    shown = "\n".join(shown).strip()
    if shown.startswith("error:"):
        assert result.returncode == 2 and output == shown, where
        return
    assert result.returncode == 0, where
    if command == "dvc repro":
        assert "Running stage" not in output, where  # right after the run, nothing to do
    if command in FULL_RUN_OUTPUT:
        return
    if "stages.text.predict" in command:
        prompt = re.search(r'predict "([^"]+)"', command).group(1)
        assert result.stdout.startswith(prompt), where
    elif shown and "Running stage" not in output:
        lines = [line for line in output.splitlines() if "WARNING" not in line or "WARNING" in shown]
        assert masked("\n".join(lines)) == masked(shown), where
    named = stages_named(comment)
    if named and command.startswith("dvc exp run"):
        assert set(re.findall(r"Running stage '([^']+)'", output)) == named, where
    elif named and command.startswith("dvc repro"):
        dry = repo.dvc("repro", "--dry", "--force", *command.split()[2:])
        assert set(re.findall(r"Running stage '([^']+)'", dry)) == named, where


def test_what_an_epochs_change_reruns_is_what_the_readme_says(tiny_run):
    sentence = re.search(r"Changing `autoencoder.train.epochs` re-runs (.*?); MNIST", (ROOT / "README.md").read_text(),
                         re.DOTALL).group(1)
    claimed = {"train_autoencoder", "evaluate_autoencoder", "curves_autoencoder", "export_autoencoder",
               "evaluate_denoiser"}
    assert all(f"`{stage}" in sentence for stage in claimed)
    assert tiny_run.stale() == set()  # first, before the commands below change the workspace
    epochs = yaml.safe_load((tiny_run.path / "params.yaml").read_text())["autoencoder"]["train"]["epochs"]
    tiny_run.set_params({"autoencoder.train.epochs": epochs + 1})
    try:
        dry = tiny_run.dvc("repro", "--dry", "--force-downstream")
    finally:
        tiny_run.git("checkout", "params.yaml")
    ran = {stage.split("@")[0] for stage in re.findall(r"Running stage '([^']+)'", dry)}
    assert ran == claimed


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_command_of_the_documents_runs_as_written(tiny_run, tmp_path, document):
    ran, failures = [], []
    for command, comment, shown in commands(ROOT / document):
        if command in NOT_RUN:
            continue
        try:
            check_command(tiny_run, command, comment, shown, tmp_path)
        except AssertionError as failure:
            failures.append(f"{document}: {failure}")
        ran.append(command)
    assert not failures, "\n\n".join(failures)
    assert len(ran) > 10
    if document == "README.md":
        assert any(command.startswith("dvc exp run -S noise.std=0.3") for command in ran)
