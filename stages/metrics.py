"""Metric functions shared by the evaluators, and the provenance fields every metrics file carries."""
import json
from pathlib import Path

import numpy as np

# Keras clips probabilities the same way before taking logs.
EPSILON = 1e-7


def binary_crossentropy(target, predicted):
    predicted = np.clip(predicted, EPSILON, 1 - EPSILON)
    return float(np.mean(-(target * np.log(predicted) + (1 - target) * np.log(1 - predicted))))


def mean_squared_error(target, predicted):
    return float(np.mean((target - predicted) ** 2))


def psnr(target, predicted, peak=1.0):
    """Peak signal-to-noise ratio in dB, computed per image and averaged (as tf.image.psnr does)."""
    per_image = np.mean((target - predicted) ** 2, axis=tuple(range(1, target.ndim)))
    return float(np.mean(10 * np.log10(peak**2 / np.maximum(per_image, 1e-12))))


def ssim(target, predicted, side=28):
    """Mean structural similarity of square images, as TensorFlow's tf.image.ssim computes it."""
    import tensorflow as tf

    shape = (-1, side, side, 1)
    return float(tf.reduce_mean(tf.image.ssim(target.reshape(shape), predicted.reshape(shape), max_val=1.0)))


def image_metrics(target, predicted, prefix="test"):
    """<prefix>_loss (BCE), _mse, _psnr and _ssim of images against clean targets in [0, 1]."""
    return {
        f"{prefix}_loss": binary_crossentropy(target, predicted),
        f"{prefix}_mse": mean_squared_error(target, predicted),
        f"{prefix}_psnr": psnr(target, predicted),
        f"{prefix}_ssim": ssim(target, predicted),
    }


def data_source(name, raw_dir="data/raw"):
    """Where a dataset came from (mirror, url or fallback), so no fallback run passes for a full one."""
    record = json.loads((Path(raw_dir) / f"{name}.source.json").read_text(encoding="utf-8"))
    return {"data_source": record["kind"], "data_sha256": record["sha256"]}
