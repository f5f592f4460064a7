"""The linear probe of MNIST codes: how much of the digit label a linear read-out finds in a representation.

One implementation for every row (PCA's codes, the autoencoder's codes, raw pixels), so that all of them
are read out with the same settings, trained on the same seeded subset of the training digits and
scored on the same test digits. The features are standardised first: code units have arbitrary scales.
"""
import numpy as np

from stages.params import PositiveFloat, PositiveInt, Section


class Probe(Section):
    """params.yaml `autoencoder.probe`."""

    train_samples: PositiveInt
    inverse_regularisation: PositiveFloat
    max_iter: PositiveInt
    tolerance: PositiveFloat
    seed: int


def training_subset(labels, config):
    """Indices of the probe's training digits: `train_samples` of them (all when fewer), seeded, sorted."""
    count = min(config.train_samples, len(labels))
    return np.sort(np.random.default_rng(config.seed).choice(len(labels), count, replace=False))


def accuracy(train_features, train_labels, test_features, test_labels, config):
    """Test accuracy of a logistic regression from standardised features to digit labels."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(
            C=config.inverse_regularisation, max_iter=config.max_iter, tol=config.tolerance, random_state=config.seed
        ),
    )
    model.fit(train_features, train_labels)
    return float(model.score(test_features, test_labels))
