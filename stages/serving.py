"""Serving exports: SavedModels in the layout TF Serving loads, data/export/<model>/<version>/saved_model.pb."""
import os
import shutil
import tempfile
from pathlib import Path

import keras
import tensorflow as tf

from stages.outputs import load_model
from stages.params import PositiveInt, Section

EXPORTS = Path("data/export")


class Export(Section):
    """params.yaml `export`."""

    version: PositiveInt


def load(path, stage):
    """The trained model at `path` (stages.outputs.load_model), with its dropout layers' seed states, which a
    .keras file does not hold and which are drawn at random on loading, seeded: they are part of the SavedModel,
    though inference never uses them."""
    keras.utils.set_random_seed(0)
    return load_model(path, stage)


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


def export(model, destination, version, assets_extra=()):
    """Write `model` as version `version` of `destination` (a SavedModel), replacing what was there.

    `model` is a Keras model, whose forward pass becomes the `serve` signature as model.export()
    writes it, or an archive() with endpoints of its own. Files in `assets_extra`
    are copied into the SavedModel's assets.extra/ folder, the place SavedModel keeps for files that
    travel with a model but are not part of its graph. The export is built in a folder beside
    `destination` and renamed into place, so a failure leaves no half-written export.
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
        if isinstance(model, keras.Model):
            signature = [tf.TensorSpec(input.shape, input.dtype, name=input.name) for input in model.inputs]
            model, keras_model = archive(), model
            model.track_and_add_endpoint("serve", keras_model, signature)
        model.write_out(str(directory), verbose=False)
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
