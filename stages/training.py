"""The fit-and-log path every trainer shares: seeding, early stopping, DVCLive curves, atomic .keras save."""
import keras
import tensorflow as tf
from dvclive import Live
from dvclive.keras import DVCLiveCallback

from stages.outputs import save_model


def seed_everything(seed):
    """Same params, same numbers on CPU: seed Python, NumPy and TensorFlow, and ask for deterministic ops."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def fit(model, train, validation, settings, live_dir, model_path, callbacks=()):
    """Train `model` on (x, y) pairs with early stopping on val_loss, log curves to `live_dir`, save the best model.

    `settings` is a params.Training section. Returns the Keras History.
    """
    # dvcyaml=False: DVCLive would otherwise rewrite dvc.yaml; the plots are declared there by hand.
    live = Live(str(live_dir), dvcyaml=False, save_dvc_exp=False, report=None)
    stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=settings.patience, restore_best_weights=True
    )
    history = model.fit(
        *train,
        validation_data=validation,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        callbacks=[stopping, DVCLiveCallback(live=live), *callbacks],
        verbose=2,
    )
    live.summary.update(
        best_epoch=stopping.best_epoch + 1, best_val_loss=float(stopping.best), epochs_run=len(history.epoch)
    )
    live.make_summary()
    save_model(model, model_path)
    return history
