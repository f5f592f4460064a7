"""The linear probe of MNIST codes: how much of the digit label a linear read-out finds in a representation.

One implementation for every row (PCA's codes, the autoencoder's codes, raw pixels), so that all of them
are read out with the same settings, trained on the same seeded subset of the training digits, their
regularisation chosen on the validation digits and scored once on the test digits. The features are
standardised first: code units have arbitrary scales.
"""
from typing import Annotated

import numpy as np
from pydantic import Field

from stages.cli import StageError
from stages.params import Distinct, PositiveFloat, PositiveInt, Section


class Probe(Section):
    """params.yaml `autoencoder.probe`."""

    train_samples: PositiveInt
    inverse_regularisations: Annotated[list[PositiveFloat], Field(min_length=1), Distinct]
    max_iter: PositiveInt
    tolerance: PositiveFloat
    seed: int


def training_subset(labels, config):
    """Indices of the probe's training digits: `train_samples` of them (all when fewer), seeded, sorted."""
    count = min(config.train_samples, len(labels))
    return np.sort(np.random.default_rng(config.seed).choice(len(labels), count, replace=False))


def fit(features, labels, inverse_regularisation, config):
    """A logistic regression from standardised features to digit labels, solved to `tolerance`."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(
            C=inverse_regularisation, max_iter=config.max_iter, tol=config.tolerance, random_state=config.seed
        ),
    )
    # An unconverged fit's accuracy depends on where lbfgs happened to stop, not on the representation. One
    # BLAS thread: the same numbers whatever the core count, and no 25- to 40-fold slowdown of OpenBLAS's
    # spinning threads on a busy machine (one raw-pixel fit: 1.9 s against 82 s on 2 loaded cores).
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            return model.fit(features, labels)
        except ConvergenceWarning as warning:
            reason = " ".join(str(warning).splitlines()[:2])
            raise StageError(
                f"params.yaml: autoencoder.probe: at C {inverse_regularisation:g} on {features.shape[1]} features, "
                f"{reason} (raise max_iter or tolerance)"
            ) from None


def scores(features, labels, config):
    """The probe of one representation, `features` and `labels` each a (train, validation, test) triple: the
    C of `inverse_regularisations` whose read-out is the most accurate on the validation digits (ties go to
    the first), that accuracy, and the accuracy with that C on the test digits."""
    (x_train, x_validation, x_test), (y_train, y_validation, y_test) = features, labels
    models = {value: fit(x_train, y_train, value, config) for value in config.inverse_regularisations}
    accuracies = {value: float(model.score(x_validation, y_validation)) for value, model in models.items()}
    chosen = max(accuracies, key=accuracies.get)
    return {
        "probe_c": chosen,
        "probe_val_accuracy": accuracies[chosen],
        "probe_accuracy": float(models[chosen].score(x_test, y_test)),
    }
