"""Processed digits: scaling, the validation split, and the ten digits every picture shows."""
import numpy as np

from stages.mnist import CLASSES, PIXELS


def scale(images):
    """uint8 (N, 28, 28) -> float32 (N, 784) in [0, 1]."""
    return (images.reshape(len(images), PIXELS) / 255.0).astype(np.float32)


def split_validation(images, labels, fraction, seed):
    """Deterministic random split of the training set into train and validation parts."""
    order = np.random.default_rng(seed).permutation(len(labels))
    size = int(round(len(labels) * fraction))
    if size == 0 or size == len(labels):
        raise ValueError(f"validation fraction {fraction} of {len(labels)} samples leaves an empty split")
    held, kept = order[:size], order[size:]
    return (images[kept], labels[kept]), (images[held], labels[held])


def showcase_indices(labels):
    """The first test digit of each class, so every picture shows the same ten digits."""
    return [int(np.flatnonzero(labels == digit)[0]) for digit in range(CLASSES) if (labels == digit).any()]
