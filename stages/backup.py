"""Resuming an interrupted training where it stopped: keras.callbacks.BackupAndRestore and the state it leaves out.

Keras backs up the weights, the optimizer's variables (its step count, learning rate and slots) and the
epoch. The rest of what the next epochs depend on is kept beside them: early stopping's best value, wait
count and best weights, the dropout layers' seed states (model.variables beyond model.weights), and the
DVCLive folder, which DVC deletes as a stage's out before the stage runs again. The batch order needs no
backup: it is a function of (seed, epoch) (stages/batches.py), and so is every learning rate schedule.
"""
import hashlib
import json
import logging
import shutil
import sys
from pathlib import Path

import keras
import numpy as np

from stages import params
from stages.outputs import write_json
from stages.paths import BACKUPS, MODELS

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"  # written last: a backup without it, or whose files differ from it, is incomplete
STATE = "state.npz"
LIVE = "live"


def backup_dir(model_path):
    """data/backups/<the model's path under data/models, without its suffix>: one folder per trained model."""
    return BACKUPS / Path(model_path).relative_to(MODELS).with_suffix("")


def fingerprint(model, train, validation):
    """sha256 of what makes a training the same one: the params this process read, the stages/ code it runs,
    the batches it trains and validates on, and the shapes of the model's weights."""
    digest = hashlib.sha256(json.dumps(params.LOADED, sort_keys=True).encode())
    package = Path(sys.modules["stages"].__file__).parent
    sources = {Path(module.__file__).resolve() for module in list(sys.modules.values())
               if getattr(module, "__file__", None) and Path(module.__file__).resolve().is_relative_to(package)}
    for path in sorted(sources):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    for data in (train, validation):
        batches = (data[index] for index in range(len(data))) if isinstance(data, keras.utils.PyDataset) else [data]
        for array in (array for batch in batches for array in batch):
            digest.update(f"{array.dtype}{array.shape}".encode() + np.ascontiguousarray(array).tobytes())
    digest.update(str([tuple(weight.shape) for weight in model.weights]).encode())
    return digest.hexdigest()


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Backup(keras.callbacks.BackupAndRestore):
    """A BackupAndRestore of the training identified by `fingerprint`, also keeping `stopping`'s state, the seed
    states and the DVCLive folder `live_dir`. Call `resume()` before DVCLive opens `live_dir`, put this callback
    last (it saves what the others did in the epoch and restores after their on_train_begin), and `discard()`
    once the model is saved."""

    def __init__(self, model_path, fingerprint, stopping, live_dir):
        self.directory = backup_dir(model_path)
        super().__init__(str(self.directory), delete_checkpoint=False)
        self.fingerprint, self.stopping, self.live_dir = fingerprint, stopping, Path(live_dir)
        self.epoch = None

    def resume(self):
        """The number of epochs the backup completed, with the DVCLive folder put back as it was then; or None
        (no backup, or one of another training or damaged, discarded with one line)."""
        if not self.directory.exists():
            return None
        try:
            manifest = json.loads((self.directory / MANIFEST).read_text(encoding="utf-8"))
            intact = all(_sha256(self.directory / name) == digest for name, digest in manifest["files"].items())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            intact = False
        if not intact:
            log.warning("%s: damaged or incomplete backup, ignored: training from the first epoch", self.directory)
        elif manifest["fingerprint"] != self.fingerprint:
            print(f"{self.directory}: params, data or code changed since this backup: training from the first epoch")
        else:
            self.epoch = manifest["epoch"]
            self.stopping_state = manifest["early_stopping"]
            shutil.rmtree(self.live_dir, ignore_errors=True)
            shutil.copytree(self.directory / LIVE, self.live_dir)
            print(f"{self.directory}: resuming after epoch {self.epoch}, at epoch {self.epoch + 1}")
            return self.epoch
        self.discard()
        return None

    def discard(self):
        """Remove the backup, and the folders above it up to data/backups that it leaves empty."""
        shutil.rmtree(self.directory, ignore_errors=True)
        for folder in self.directory.parents:
            if not folder.is_relative_to(BACKUPS):
                break
            try:
                folder.rmdir()
            except OSError:  # not empty: another training's backup is in it
                break

    def _seed_states(self):
        weights = {id(weight) for weight in self.model.weights}
        return [variable for variable in self.model.variables if id(variable) not in weights]

    def on_train_begin(self, logs=None):
        if self.epoch is None:
            return
        super().on_train_begin(logs)
        with np.load(self.directory / STATE) as state:
            for index, variable in enumerate(self._seed_states()):
                variable.assign(state[f"seed_{index}"])
            best_weights = [state[f"best_{index}"] for index in range(self.stopping_state["best_weights"])]
        self.stopping.wait = self.stopping_state["wait"]
        self.stopping.best = self.stopping_state["best"]
        self.stopping.best_epoch = self.stopping_state["best_epoch"]
        self.stopping.best_weights = best_weights or None

    def on_epoch_end(self, epoch, logs=None):
        # The epoch that ends training early is not backed up: a run resumed from the one before repeats it, to the
        # same numbers, and stops there again.
        if self.model.stop_training:
            return
        super().on_epoch_end(epoch, logs)
        best_weights = self.stopping.best_weights or []
        np.savez(
            self.directory / STATE,
            **{f"seed_{index}": keras.ops.convert_to_numpy(variable) for index, variable in
               enumerate(self._seed_states())},
            **{f"best_{index}": weight for index, weight in enumerate(best_weights)},
        )
        shutil.rmtree(self.directory / LIVE, ignore_errors=True)
        shutil.copytree(self.live_dir, self.directory / LIVE)
        files = sorted(path for path in self.directory.rglob("*") if path.is_file() and path.name != MANIFEST)
        write_json(self.directory / MANIFEST, {
            "fingerprint": self.fingerprint,
            "epoch": epoch + 1,
            "early_stopping": {
                "wait": self.stopping.wait,
                "best": float(self.stopping.best),
                "best_epoch": self.stopping.best_epoch,
                "best_weights": len(best_weights),
            },
            "files": {path.relative_to(self.directory).as_posix(): _sha256(path) for path in files},
        })
