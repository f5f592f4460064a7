"""Serving exports: SavedModels in the layout TF Serving loads, data/export/<model>/<version>/saved_model.pb."""
import os
import shutil
import tempfile
from pathlib import Path

import keras
import tensorflow as tf

from stages.params import PositiveInt, Section

EXPORTS = Path("data/export")


class Export(Section):
    """params.yaml `export`."""

    version: PositiveInt


class Archive(keras.export.ExportArchive):
    """keras.export.ExportArchive that writes the same bytes for the same weights.

    TensorFlow keeps the variables a traced function uses in an identity set, so the order in which
    the archive lists them, and with it every file of the SavedModel, changed from run to run.
    """

    def _filter_and_track_resources(self):
        super()._filter_and_track_resources()
        self._tf_trackable._all_variables = sorted(self._tf_trackable._all_variables, key=lambda v: v.name)


def export(model, destination, version, assets_extra=()):
    """Write `model` as version `version` of `destination` (a SavedModel), replacing what was there.

    `model` is a Keras model, whose forward pass becomes the `serve` signature as model.export()
    writes it, or an Archive with endpoints of its own. Files in `assets_extra`
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
            archive = Archive()
            signature = [tf.TensorSpec(input.shape, input.dtype, name=input.name) for input in model.inputs]
            archive.track_and_add_endpoint("serve", model, signature)
            model = archive
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
