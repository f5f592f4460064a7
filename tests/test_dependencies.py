"""Each stage's `stages/` deps in dvc.yaml are exactly the files its module imports, followed transitively."""
import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml
from dvc.repo import Repo

from conftest import ROOT

COMMAND = re.compile(r"^python -m (stages(?:\.\w+)+)(?:\s|$)")


def module_file(module, root):
    """stages/a/b.py or stages/a/b/__init__.py for the dotted name `module`, or None."""
    base = Path(root, *module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_modules(path, root):
    """The `stages.*` modules a file imports anywhere (module level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            # `from stages.text import corpus` imports the submodule stages.text.corpus.
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if module_file(f"{node.module}.{alias.name}", root))
    return {name for name in found if name == "stages" or name.startswith("stages.")}


def code_dependencies(module, root=ROOT):
    """Every file under stages/ that running `python -m module` executes: the module, what it imports
    transitively, and the __init__.py of each package on the way."""
    files, pending = set(), [module]
    while pending:
        name = pending.pop()
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            path = module_file(".".join(parts[:depth]), root)
            if path is None:
                raise AssertionError(f"{name}: no such module under {root}")
            if path in files:
                continue
            files.add(path)
            pending.extend(imported_modules(path, root))
    return {path.relative_to(root).as_posix() for path in files}


def mismatches(root):
    """{stage: (missing deps, extra deps)} over every stage of root/dvc.yaml, foreach and matrix expanded."""
    problems = {}
    for stage in Repo(str(root)).index.stages:
        match = COMMAND.match(stage.cmd)
        assert match, f"{stage.addressing}: cmd should run `python -m stages.<project>.<verb>`, got {stage.cmd!r}"
        declared = {dep.def_path for dep in stage.deps if dep.def_path.startswith("stages/")}
        imported = code_dependencies(match.group(1), root)
        if declared != imported:
            problems[stage.name] = (sorted(imported - declared), sorted(declared - imported))
    return problems


def test_every_stage_lists_exactly_the_code_it_imports():
    assert mismatches(ROOT) == {}


def test_every_stage_runs_a_module_of_one_project():
    projects = {"mnist", "autoencoder", "denoiser", "text", "sentiment"}
    for stage in Repo(str(ROOT)).index.stages:
        package = COMMAND.match(stage.cmd).group(1).split(".")[1]
        assert package in projects, f"{stage.addressing}: {stage.cmd}"


def test_no_project_imports_another():
    """A project's modules import shared modules, its own package, and stages.mnist for the MNIST projects."""
    allowed = {"autoencoder": {"mnist"}, "denoiser": {"mnist"}}
    for package in ("mnist", "autoencoder", "denoiser", "text", "sentiment"):
        for path in (ROOT / "stages" / package).glob("*.py"):
            for name in imported_modules(path, ROOT):
                other = name.split(".")[1] if name.count(".") else None
                if other and (ROOT / "stages" / other).is_dir() and other != package:
                    assert other in allowed.get(package, set()), f"{path.relative_to(ROOT)} imports {name}"


def test_the_check_fails_when_a_dep_is_missing_or_extra(tmp_path):
    for name in ("dvc.yaml", "params.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "stages", tmp_path / "stages", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / ".dvc").mkdir()
    (tmp_path / ".dvc/config").write_text("[core]\n    no_scm = true\n")
    pipeline = yaml.safe_load((tmp_path / "dvc.yaml").read_text())
    deps = pipeline["stages"]["train_text"]["deps"]
    deps.remove("stages/text/corpus.py")
    deps.append("stages/sentiment/model.py")
    (tmp_path / "dvc.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    assert mismatches(tmp_path) == {"train_text": (["stages/text/corpus.py"], ["stages/sentiment/model.py"])}


def test_a_new_import_is_noticed(tmp_path):
    shutil.copytree(ROOT / "stages", tmp_path / "stages", ignore=shutil.ignore_patterns("__pycache__"))
    before = code_dependencies("stages.text.train", tmp_path)
    trainer = tmp_path / "stages/text/train.py"
    # An import inside a function counts too.
    trainer.write_text(trainer.read_text() + "\n\ndef later():\n    from stages.text import ngram\n")
    assert code_dependencies("stages.text.train", tmp_path) - before == {"stages/text/ngram.py"}


@pytest.mark.parametrize("module", ["stages.text.train", "stages.sentiment.train"])
def test_training_never_imports_evaluation_code(module):
    assert not {"stages/text/ngram.py", "stages/text/sampling.py", "stages/sentiment/baseline.py",
                "stages/metrics.py", "stages/plots.py"} & code_dependencies(module)
