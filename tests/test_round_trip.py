"""The DVC loop's way back: after a `dvc exp run -S` experiment that adds a value to two matrix lists (a latent
size, temperatures), whose new latent size is trained and drawn in the training-curve plots with no edit of
dvc.yaml, README.md's commands back to the committed baseline, run as written, leave the committed tiny run exactly
as it was: git and DVC see no change, every file has its committed bytes and no other file is left, and
`dvc metrics show` and `dvc plots show` read nothing of the experiment."""
import hashlib
import json
import re
import subprocess

from conftest import ROOT, VENV_BIN

# The experiment's changes, and files it makes that the committed tiny run does not have (latent sizes 4 and 32,
# temperatures 0.5 and 1.5).
CHANGES = ("autoencoder.latent_sizes=[4,8,32]", "text.generate.temperatures=[0.2,0.5,1.5]")
MADE = ("data/models/autoencoder/latent_8.keras", "plots/text/samples/temperature_0.2.json")
CURVES = ("Autoencoder validation loss per epoch", "Autoencoder training loss per epoch")


def revert_commands():
    """The commands of README.md's block after "Back to the committed baseline:", their comments cut off."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"Back to the\s+committed baseline.*?\n```bash\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    assert block, "README.md has no bash block after 'Back to the committed baseline'"
    return [line.split("  # ")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def files(repo):
    """{path: sha256} of every file of the workspace but git's and DVC's own folders and Python's byte code."""
    return {
        path.relative_to(repo.path).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in repo.path.rglob("*")
        if path.is_file() and not {".git", ".dvc", "__pycache__"} & set(path.relative_to(repo.path).parts)
    }


def shown(repo, scratch):
    """What `dvc metrics show --json` and `dvc plots show --json` (its page written outside the repository) read;
    their stdout only, since DVC says on stderr which declared files are missing (metrics/seeds.json)."""
    return [
        json.loads(subprocess.run([str(VENV_BIN / "dvc"), *command, "--json"], cwd=repo.path, env=repo.env,
                                  capture_output=True, text=True, check=True).stdout)
        for command in (["metrics", "show"], ["plots", "show", "-o", str(scratch)])
    ]


def test_the_readme_commands_go_back_to_the_committed_run_after_a_matrix_experiment(trained_repo, tmp_path):
    repo = trained_repo
    commands = revert_commands()
    assert commands and any(command.startswith("git clean") for command in commands)
    before, results = files(repo), shown(repo, tmp_path / "plots")
    assert repo.git("status", "--porcelain") == "" and repo.stale() == set()
    assert "latent_8" not in (repo.path / "dvc.yaml").read_text()

    log = repo.dvc("exp", "run", "-S", CHANGES[0], "-S", CHANGES[1])
    # The new values alone are trained and generated; the kept ones stay cached.
    assert set(re.findall(r"Running stage '([^']+)'", log)) == {
        "train_autoencoder@8", "curves_autoencoder", "baseline_autoencoder", "evaluate_autoencoder",
        "export_autoencoder@8", "generate_text@0.2", "generate_text_summary",
    }
    assert all((repo.path / made).is_file() for made in MADE)
    plots = shown(repo, tmp_path / "plots")[1]["data"]
    for title in CURVES:
        [plot] = plots[title]
        values = plot["content"]["data"]["values"]
        assert {int(value["latent_size"]) for value in values} == {4, 8, 32}, title
        assert {value["step"] for value in values if value["latent_size"] == "8"} == {"0", "1"}, title  # 2 epochs

    for command in commands:
        repo.run("bash", "-c", command)
    assert repo.git("status", "--porcelain") == ""
    assert repo.stale() == set()
    after = files(repo)
    assert sorted(after.keys() - before.keys()) == []  # no file of the experiment is left
    assert sorted(before.keys() - after.keys()) == []  # nothing committed is deleted
    assert [path for path in before if after[path] != before[path]] == []
    assert shown(repo, tmp_path / "plots") == results


def test_no_stage_reads_the_gitignore_files_dvc_writes(trained_repo):
    """DVC appends an entry to the .gitignore beside each new output; a stage that reads the whole folder
    (evaluate_autoencoder: data/models/autoencoder, curves_autoencoder: plots/train/autoencoder) must not change."""
    repo = trained_repo
    written = [name for name in repo.git("ls-files", "*.gitignore").split() if name.startswith(("data/", "plots/"))]
    assert "data/models/autoencoder/.gitignore" in written and "plots/train/autoencoder/.gitignore" in written
    for name in written:
        with open(repo.path / name, "a", encoding="utf-8") as gitignore:
            gitignore.write("/latent_8.keras\n")
    assert repo.stale() == set()
