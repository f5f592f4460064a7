"""A damaged model file (empty, a truncated archive, random bytes) is one `error:` line that names the file and says
how to restore it, in every predict command and every stage that loads a trained model."""
import re
import shlex
import shutil

import keras
import numpy as np
import pytest

from stages import autoencoder, denoiser, sentiment, text
from stages.mnist import DIGITS, autoencoder_model, autoencoder_stage
from stages.paths import source_record
from stages.outputs import save_arrays, save_model, write_json
from stages.text.corpus import build_vocabulary, save_vocabulary

from conftest import ROOT
from test_predict import assert_one_line_error, command, error_of

DAMAGE = {
    "empty": lambda archive: b"",
    "truncated": lambda archive: archive[: len(archive) // 2],
    "random bytes": lambda archive: np.random.default_rng(0).bytes(len(archive)),
}
DENOISER_BASELINE = 32  # params.yaml denoiser.latent_size
# (module, arguments, the model it loads, the stage that trains that model)
PREDICTS = [
    ("stages.autoencoder.predict", ["digits.npy", "--latent-size", "16"], autoencoder_model(16), autoencoder_stage(16)),
    ("stages.denoiser.predict", ["digits.npy"], denoiser.MODEL, denoiser.MODEL_STAGE),
    ("stages.text.predict", ["The fox"], text.MODEL, text.MODEL_STAGE),
    ("stages.sentiment.predict", ["a fine film"], sentiment.MODEL, sentiment.MODEL_STAGE),
]
STAGES = [
    ("stages.autoencoder.evaluate", [], autoencoder_model(16), autoencoder_stage(16)),
    ("stages.autoencoder.export", ["--latent-size", "32"], autoencoder_model(32), autoencoder_stage(32)),
    ("stages.denoiser.evaluate", [], denoiser.MODEL, denoiser.MODEL_STAGE),
    (
        "stages.denoiser.evaluate", [],
        autoencoder_model(DENOISER_BASELINE), autoencoder_stage(DENOISER_BASELINE),
    ),
    ("stages.denoiser.export", [], denoiser.MODEL, denoiser.MODEL_STAGE),
    ("stages.text.evaluate", [], text.MODEL, text.MODEL_STAGE),
    ("stages.text.generate", ["--temperature", "0.5"], text.MODEL, text.MODEL_STAGE),
    ("stages.text.export", [], text.MODEL, text.MODEL_STAGE),
    ("stages.sentiment.evaluate", [], sentiment.MODEL, sentiment.MODEL_STAGE),
    ("stages.sentiment.export", [], sentiment.MODEL, sentiment.MODEL_STAGE),
]


def name(case):
    module, _, model, _ = case
    return f"{module.removeprefix('stages.')}:{model.name}"


def expected_error(model, stage):
    return (
        f"{model}: not a readable Keras model (damaged or incomplete); restore it from the DVC cache with"
        f" `dvc checkout --force {model}`, or retrain it with `dvc repro {stage}`"
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The bytes of a small, valid .keras archive, to damage."""
    path = tmp_path_factory.mktemp("archive") / "model.keras"
    save_model(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]), path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, archive):
    """A folder with params.yaml and every input the commands and stages read before their model."""
    directory = tmp_path_factory.mktemp("workspace")
    shutil.copy(ROOT / "params.yaml", directory)
    digits = np.zeros((2, 784), dtype=np.float32)
    np.save(directory / "digits.npy", digits)
    write_json(directory / source_record("mnist"), {"kind": "mirror", "sha256": "0" * 64})
    for split_dir in (DIGITS, denoiser.NOISY_DIGITS):
        for split in ("train", "validation", "test"):
            save_arrays(directory / split_dir / f"{split}.npz", x=digits, y=np.zeros(2, dtype=np.uint8))
    save_vocabulary(directory / text.VOCABULARY, build_vocabulary("The fox", min_count=1), "0" * 64, 1)
    save_arrays(directory / text.IDS, train=np.ones(50, dtype=np.int32), validation=np.ones(20, dtype=np.int32),
                test=np.ones(20, dtype=np.int32))
    write_json(directory / text.CORPUS_SUMMARY, {"lowercase": False, "seq_len": 10})
    save_arrays(directory / sentiment.SEQUENCES / "test.npz", x=np.ones((2, 5), dtype=np.int32), y=np.zeros(2))
    # The baselines' metrics, which the evaluate stages read before their models.
    for name in ("pca_16", "pca_32", "pca_64", "pixels"):
        write_json(directory / autoencoder.BASELINE_METRICS / f"{name}.json", {"probe_accuracy": 0.5})
    save_arrays(directory / autoencoder.BASELINE_PICTURES, x=digits)
    write_json(directory / text.BASELINE_METRICS, {"test_loss": 2.0})
    # The denoiser's own model is sound, so evaluate_denoiser reaches its baseline.
    (directory / denoiser.MODEL).parent.mkdir(parents=True, exist_ok=True)
    (directory / denoiser.MODEL).write_bytes(archive)
    return directory


def damage(workspace, model, archive, kind):
    """Write the damaged `model` into `workspace`; afterwards put back what was there (the sound denoiser)."""
    path = workspace / model
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.read_bytes() if path.is_file() else None
    path.write_bytes(DAMAGE[kind](archive))
    return lambda: path.write_bytes(before) if before is not None else path.unlink()


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("module, arguments, model, stage", PREDICTS + STAGES, ids=map(name, PREDICTS + STAGES))
def test_a_damaged_model_is_one_error_line_saying_how_to_restore_it(
    workspace, archive, monkeypatch, module, arguments, model, stage, kind
):
    restore = damage(workspace, model, archive, kind)
    try:
        assert error_of(module, workspace, monkeypatch, *arguments) == expected_error(model, stage)
    finally:
        restore()


@pytest.mark.parametrize("predict, kind", zip(PREDICTS, ["empty", "truncated", "random bytes", "truncated"]))
def test_a_predict_command_prints_only_the_error_line_for_a_damaged_model(workspace, archive, predict, kind):
    module, arguments, model, stage = predict
    restore = damage(workspace, model, archive, kind)
    try:
        result = command(module, *arguments, cwd=workspace)
    finally:
        restore()
    assert result.stdout == b""
    assert_one_line_error(result, expected_error(model, stage))
    assert result.stderr.decode("utf-8") == f"error: {expected_error(model, stage)}\n"


@pytest.mark.parametrize(
    "module, arguments, model, stage, restore",
    [
        ("stages.sentiment.predict", ["a fine film"], sentiment.MODEL, sentiment.MODEL_STAGE, "dvc checkout"),
        (
            "stages.autoencoder.predict", ["digits.npy", "--latent-size", "4"],
            autoencoder_model(4), autoencoder_stage(4), "dvc repro",
        ),
    ],
    ids=["checkout", "repro"],
)
def test_the_command_the_error_names_restores_the_trained_model(trained_repo, module, arguments, model, stage, restore):
    repo = trained_repo
    np.save(repo.path / "digits.npy", np.zeros((2, 784), dtype=np.float32))
    trained = (repo.path / model).read_bytes()
    (repo.path / model).write_bytes(DAMAGE["random bytes"](trained))

    result = command(module, *arguments, cwd=repo.path)
    assert_one_line_error(result, expected_error(model, stage))
    [fix] = [fix for fix in re.findall(r"`([^`]+)`", result.stderr.decode("utf-8")) if fix.startswith(restore)]
    repo.run(*shlex.split(fix))
    # A checkout puts the cached model back; a retrained one is new, so what follows it is stale.
    stale = repo.stale()
    assert stale == set() if restore == "dvc checkout" else stage not in stale
    again = command(module, *arguments, cwd=repo.path)
    assert again.returncode == 0, again.stderr.decode("utf-8")
