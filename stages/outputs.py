"""Stage files: atomic writing (a failed stage never leaves a half-written file), and reading inputs back."""
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(destination):
    """Yield a temporary path beside `destination`; rename it into place only if the block succeeds."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # The suffix is kept because numpy and Keras choose the format from it.
    handle, temporary = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.stem}.", suffix=destination.suffix
    )
    os.close(handle)
    temporary = Path(temporary)
    # mkstemp makes the file private; give it the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    temporary.chmod(0o666 & ~umask)
    try:
        yield temporary
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path, text):
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_json(path, data):
    write_text(path, json.dumps(data, indent=2, sort_keys=False) + "\n")


def save_arrays(path, **arrays):
    import numpy as np

    with atomic_path(path) as temporary:
        np.savez_compressed(temporary, **arrays)


def load_arrays(path):
    """{name: array} of a saved .npz, or a StageError saying how to build it."""
    import numpy as np

    from stages.cli import StageError

    try:
        with np.load(path) as arrays:
            return {name: arrays[name] for name in arrays.files}
    except FileNotFoundError:
        raise StageError(f"{path}: missing (run dvc repro to build it)") from None


def raw_input(path, dataset, check=None):
    """A raw dataset file, validated by `check` when given, or a StageError saying what is wrong."""
    from stages.cli import StageError

    if not Path(path).is_file():
        raise StageError(f"{path}: missing (run: dvc repro download@{dataset})")
    if check is not None:
        try:
            check(path)
        except ValueError as error:
            raise StageError(f"{path}: {error}") from None
    return path


def load_split(directory, split):
    """(x, y) of one processed split, e.g. load_split("data/processed/mnist", "test")."""
    arrays = load_arrays(Path(directory) / f"{split}.npz")
    return arrays["x"], arrays["y"]


# Keras stamps a .keras archive with the time it was saved (its zip entries, metadata.json's date_saved)
# and names shared objects in config.json by their memory address. Fixed stamps and numbers in order of
# appearance make the same model give the same bytes, so DVC sees an unchanged model as unchanged.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_DATE_SAVED = "1980-01-01@00:00:00"


def number_shared_objects(config, numbers):
    """`config` with each distinct `shared_object_id` replaced by 1, 2, ... in order of first appearance."""
    if isinstance(config, list):
        return [number_shared_objects(item, numbers) for item in config]
    if not isinstance(config, dict):
        return config
    return {
        key: numbers.setdefault(value, len(numbers) + 1) if key == "shared_object_id"
        else number_shared_objects(value, numbers)
        for key, value in config.items()
    }


def save_model(model, path):
    """Save `model` as a .keras archive whose bytes depend only on the model, not on when it was saved."""
    with atomic_path(path) as temporary:
        saved = temporary.with_name(f"{temporary.stem}.stamped.keras")
        try:
            model.save(saved)
            with zipfile.ZipFile(saved) as source, zipfile.ZipFile(temporary, "w") as target:
                for entry in source.infolist():
                    data = source.read(entry)
                    if entry.filename == "metadata.json":
                        data = json.dumps({**json.loads(data), "date_saved": FIXED_DATE_SAVED}).encode()
                    elif entry.filename == "config.json":
                        data = json.dumps(number_shared_objects(json.loads(data), {})).encode()
                    fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_ZIP_TIME)
                    fixed.compress_type, fixed.external_attr = entry.compress_type, entry.external_attr
                    target.writestr(fixed, data)
        finally:
            saved.unlink(missing_ok=True)


def load_model(path, stage):
    """A trained .keras model, or a StageError saying how to make it, or how to restore it when it is damaged.

    `stage` is the DVC stage that trains it, for `dvc repro <stage>`.
    """
    from stages.cli import StageError

    if not Path(path).is_file():
        raise StageError(f"{path}: missing model (run dvc repro first)")
    damaged = StageError(
        f"{path}: not a readable Keras model (damaged or incomplete); restore it from the DVC cache with"
        f" `dvc checkout --force {path}`, or retrain it with `dvc repro {stage}`"
    )
    # The archive is checked before Keras is imported, so that the error is the only line: importing
    # TensorFlow writes its own start-up lines to stderr, whatever TF_CPP_MIN_LOG_LEVEL says.
    if not _is_keras_archive(path):
        raise damaged from None
    import keras

    try:
        return keras.models.load_model(path)
    # Damage the CRCs missed: bad JSON (ValueError), a bad weights file (OSError from h5py).
    except (ValueError, OSError, KeyError):
        raise damaged from None


def _is_keras_archive(path):
    """Whether `path` is a zip archive whose members all pass their CRC check, with a Keras config and weights."""
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None and {"config.json", "model.weights.h5"} <= set(archive.namelist())
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return False
