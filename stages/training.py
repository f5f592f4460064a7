"""The fit-and-log path every trainer shares: seeding, device strategy, schedule, early stopping, DVCLive, atomic save."""
import math
import tempfile
from contextlib import nullcontext

import keras
import tensorflow as tf
from dvclive import Live
from dvclive.keras import DVCLiveCallback

from stages import multi_worker, params
from stages.backup import Backup, fingerprint
from stages.batches import ArrayBatches, epoch_setter
from stages.outputs import save_model

# Batches run per call into the compiled graph: fewer Python round trips (the MNIST epochs take 40%
# less time on 2 CPU cores), and the same numbers, because the steps themselves do not change.
# One replica only: under MirroredStrategy Keras 3 fails with it (keras-team/keras#19246).
STEPS_PER_EXECUTION = 16


def seed_everything(seed):
    """Same params, same numbers on CPU: seed Python, NumPy and TensorFlow, and ask for deterministic ops."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def distribution_strategy(name):
    """`auto`: MirroredStrategy over the GPUs when more than one is visible, else the default strategy.

    `mirrored` mirrors over all GPUs, or over all logical CPUs when there is no GPU.
    """
    gpus = tf.config.list_logical_devices("GPU")
    if name == "auto" and len(gpus) > 1:
        return tf.distribute.MirroredStrategy()
    if name == "mirrored":
        devices = gpus or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([device.name for device in devices])
    return tf.distribute.get_strategy()


def cosine_decay(learning_rate, epochs):
    """A half cosine from `learning_rate` at the first epoch towards 0 after the last."""
    return keras.callbacks.LearningRateScheduler(
        lambda epoch: learning_rate * 0.5 * (1 + math.cos(math.pi * epoch / epochs))
    )


def fit(build, train, validation, settings, live_dir, model_path, callbacks=()):
    """Build a compiled model with `build()` under the `train.strategy` of params.yaml and train it.

    `train` and `validation` are (x, y) pairs, batched here by `settings.batch_size` (global: split
    across replicas), or keras.utils.PyDataset batches made by the caller. The learning rate follows
    `settings.learning_rate_schedule`, early stopping on val_loss restores the best weights, DVCLive
    logs the curves to `live_dir`, and the model is saved to `model_path`.
    Returns the Keras History, or None on a multi_worker worker other than the chief: it writes
    nothing (its DVCLive folder is temporary), and neither must its caller.
    """
    name = params.load("train", params.Distribution).strategy
    cluster = multi_worker.cluster() if name == "multi_worker" else None
    strategy = multi_worker.strategy(cluster) if cluster else distribution_strategy(name)
    kind = f"MultiWorkerMirroredStrategy, worker {cluster.index}" if cluster else type(strategy).__name__
    print(f"training with {kind}, {strategy.num_replicas_in_sync} replica(s)")
    with strategy.scope():
        model = build()
    if strategy.num_replicas_in_sync == 1 and not cluster:
        model.steps_per_execution = STEPS_PER_EXECUTION
    # Keras would shuffle arrays from a random stream that runs on across epochs: an epoch's batches would
    # depend on the epochs run before it in the same process, and a resumed training would see others.
    if not isinstance(train, keras.utils.PyDataset):
        train = ArrayBatches(*train, settings.batch_size, seed=settings.seed)
    stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=settings.patience, restore_best_weights=True
    )
    if settings.learning_rate_schedule == "cosine":
        callbacks = [cosine_decay(settings.learning_rate, settings.epochs), *callbacks]
    callbacks = [stopping, epoch_setter(train), *callbacks]
    if cluster:
        if not isinstance(validation, keras.utils.PyDataset):
            validation = ArrayBatches(*validation, settings.batch_size)
        with nullcontext(live_dir) if cluster.chief else tempfile.TemporaryDirectory() as log_dir:
            live = _live(log_dir, resume=False)
            callbacks.insert(1, DVCLiveCallback(live=live))
            history = multi_worker.fit(model, strategy, cluster, train, validation, settings.epochs, callbacks)
        if not cluster.chief:
            return None
    else:
        backup = Backup(model_path, fingerprint(model, train, validation), stopping, live_dir)
        done = backup.resume()
        live = _live(live_dir, resume=done is not None)
        if done is not None:
            # Not DVCLive's own reading of the step, which takes one epoch done for none.
            live.step = done
        callbacks.insert(1, DVCLiveCallback(live=live))
        history = model.fit(
            train,
            validation_data=validation,
            epochs=settings.epochs,
            validation_batch_size=settings.batch_size,
            # Keras would also shuffle the batches with Python's random, whose state runs on across epochs.
            shuffle=False,
            callbacks=[*callbacks, backup],
            verbose=2,
        )
    # Counted from the stop, not from the History, which holds only the epochs of this process.
    epochs_run = stopping.stopped_epoch + 1 if stopping.stopped_epoch else settings.epochs
    live.summary.update(best_epoch=stopping.best_epoch + 1, best_val_loss=float(stopping.best), epochs_run=epochs_run)
    live.make_summary()
    save_model(model, model_path)
    if not cluster:
        backup.discard()
    return history


def _live(directory, resume):
    # dvcyaml=False: DVCLive would otherwise rewrite dvc.yaml; the plots are declared there by hand.
    return Live(str(directory), resume=resume, dvcyaml=False, save_dvc_exp=False, report=None)
