"""Serving exports: SavedModels in the layout TF Serving loads, data/export/<model>/<version>/saved_model.pb."""
import os
import shutil
import tempfile
from pathlib import Path

import keras
import tensorflow as tf

from stages import params
from stages.outputs import load_model

EXPORTS = Path("data/export")


class Export(params.Section):
    """params.yaml `export`."""

    version: params.PositiveInt


def archive():
    """A keras.export.ExportArchive that writes the same bytes for the same weights.

    The archive lists the variables its endpoints use in the order TensorFlow's traced functions keep them,
    an identity set, whose order (by memory address) changes from run to run, and with it every file of the
    SavedModel; here they are listed by name. ExportArchive() returns its backend's class, so the ordering is
    set on the instance rather than in a subclass.
    """
    made = keras.export.ExportArchive()
    track = made._filter_and_track_resources

    def track_in_name_order():
        track()
        made._tf_trackable._all_variables = sorted(made._tf_trackable._all_variables, key=lambda v: v.name)

    made._filter_and_track_resources = track_in_name_order
    return made


def serve(archive, model):
    """The default endpoints: the model's forward pass as `serve`, with the signature model.export() gives it."""
    signature = [tf.TensorSpec(input.shape, input.dtype, name=input.name) for input in model.inputs]
    archive.track_and_add_endpoint("serve", model, signature)


def main(model_path, stage, destination, assets_extra=(), endpoints=serve):
    """An export stage: the model at `model_path` (trained by `stage`) as version `export.version` of `destination`.

    `endpoints(archive, model)` adds the SavedModel's endpoints to an archive(). Files in `assets_extra`
    are copied into the SavedModel's assets.extra/ folder, the place SavedModel keeps for files that
    travel with a model but are not part of its graph.
    """
    version = params.load("export", Export).version
    # The dropout layers' seed states are part of the SavedModel, though inference never uses them; a .keras
    # file does not hold them and loading draws them at random, so they are seeded.
    keras.utils.set_random_seed(0)
    model = load_model(model_path, stage)
    made = archive()
    endpoints(made, model)
    export(made, destination, version, assets_extra)


def export(archive, destination, version, assets_extra):
    """Write `archive` as version `version` of `destination` (a SavedModel), replacing what was there.

    The export is built in a folder beside `destination` and renamed into place, so a failure leaves no
    half-written export.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}."))
    # mkdtemp makes the folder private; give it the permissions a plain mkdir would, for the server to read.
    umask = os.umask(0)
    os.umask(umask)
    building.chmod(0o777 & ~umask)
    try:
        directory = building / str(version)
        archive.write_out(str(directory), verbose=False)
        # The fingerprint holds a random uuid, so the same weights would give other bytes on every run;
        # TF Serving and tf.saved_model.load do without it.
        (directory / "fingerprint.pb").unlink()
        for path in assets_extra:
            (directory / "assets.extra").mkdir(exist_ok=True)
            shutil.copy(path, directory / "assets.extra" / Path(path).name)
        # A directory cannot be renamed over another: the old export steps aside first.
        if destination.exists():
            old = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}.old."))
            destination.rename(old / destination.name)
            building.rename(destination)
            shutil.rmtree(old)
        else:
            building.rename(destination)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    size = sum(path.stat().st_size for path in destination.rglob("*") if path.is_file())
    print(f"{destination / str(version)}: SavedModel, {size / 1e6:.1f} MB")
