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


def image_metrics(target, predicted):
    """test_loss (BCE), test_mse and test_psnr of reconstructions against clean targets in [0, 1]."""
    return {
        "test_loss": binary_crossentropy(target, predicted),
        "test_mse": mean_squared_error(target, predicted),
        "test_psnr": psnr(target, predicted),
    }


def data_source(name, raw_dir="data/raw"):
    """Where a dataset came from (mirror, url or fallback), so no fallback run passes for a full one."""
    record = json.loads((Path(raw_dir) / f"{name}.source.json").read_text(encoding="utf-8"))
    return {"data_source": record["kind"], "data_sha256": record["sha256"]}
