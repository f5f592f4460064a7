"""Metric functions shared by the evaluators, and the provenance field every metrics file carries."""
import json
from pathlib import Path

import numpy as np

from stages.cli import StageError
from stages.paths import source_record

# Keras clips probabilities the same way before taking logs.
EPSILON = 1e-7


def binary_crossentropy(target, predicted):
    predicted = np.clip(predicted, EPSILON, 1 - EPSILON)
    return float(np.mean(-(target * np.log(predicted) + (1 - target) * np.log(1 - predicted))))


def psnr(target, predicted, peak=1.0):
    """Peak signal-to-noise ratio in dB, computed per image and averaged (as tf.image.psnr does)."""
    per_image = np.mean((target - predicted) ** 2, axis=tuple(range(1, target.ndim)))
    return float(np.mean(10 * np.log10(peak**2 / np.maximum(per_image, 1e-12))))


def _gaussian_blur(images, size=11, sigma=1.5):
    """'Valid' convolution of (N, H, W) images with the normalised size x size Gaussian, in two 1-D passes."""
    from numpy.lib.stride_tricks import sliding_window_view

    taps = np.exp(-0.5 * ((np.arange(size) - (size - 1) / 2) / sigma) ** 2)
    taps /= taps.sum()
    rows = sliding_window_view(images, size, axis=1) @ taps
    return sliding_window_view(rows, size, axis=2) @ taps


def ssim(target, predicted, side=28, max_val=1.0, k1=0.01, k2=0.03):
    """Mean structural similarity of square images, with tf.image.ssim's definition and defaults
    (11x11 Gaussian window, sigma 1.5, valid positions only), in NumPy: 5 times faster on CPU than
    TensorFlow's depthwise convolution, and equal to it within 1e-6 (tests/test_noise.py)."""
    x = np.asarray(target, dtype=np.float64).reshape(-1, side, side)
    y = np.asarray(predicted, dtype=np.float64).reshape(-1, side, side)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mean_x, mean_y = _gaussian_blur(x), _gaussian_blur(y)
    luminance = (2 * mean_x * mean_y + c1) / (mean_x**2 + mean_y**2 + c1)
    covariance = 2 * (_gaussian_blur(x * y) - mean_x * mean_y)
    variances = _gaussian_blur(x**2 + y**2) - mean_x**2 - mean_y**2
    return float(np.mean(luminance * (covariance + c2) / (variances + c2)))


def image_metrics(target, predicted):
    """test_loss (BCE), test_psnr and test_ssim of images against clean targets in [0, 1]."""
    return {
        "test_loss": binary_crossentropy(target, predicted),
        "test_psnr": psnr(target, predicted),
        "test_ssim": ssim(target, predicted),
    }


def mean_negative_log_likelihood(probabilities, targets):
    """Mean -log p(target) in nats, for rows of class probabilities (N, classes) and integer targets (N,)."""
    chosen = probabilities[np.arange(len(targets)), targets]
    return float(-np.mean(np.log(np.clip(chosen, EPSILON, 1.0))))


def binary_classification(labels, probabilities, threshold, prefix=""):
    """accuracy, precision, recall, f1 (at `threshold`) and roc_auc (threshold-free), from scikit-learn."""
    from sklearn import metrics

    predicted = (np.asarray(probabilities) >= threshold).astype(int)
    return {
        f"{prefix}accuracy": float(metrics.accuracy_score(labels, predicted)),
        f"{prefix}precision": float(metrics.precision_score(labels, predicted, zero_division=0)),
        f"{prefix}recall": float(metrics.recall_score(labels, predicted, zero_division=0)),
        f"{prefix}f1": float(metrics.f1_score(labels, predicted, zero_division=0)),
        f"{prefix}roc_auc": float(metrics.roc_auc_score(labels, probabilities)),
    }


def threshold_sweep(labels, probabilities, thresholds):
    """Precision, recall and F1 at each decision threshold: rows for a DVC plot."""
    from sklearn import metrics

    rows = []
    for threshold in thresholds:
        predicted = (np.asarray(probabilities) >= threshold).astype(int)
        rows.append(
            {
                "threshold": round(float(threshold), 4),
                "precision": float(metrics.precision_score(labels, predicted, zero_division=0)),
                "recall": float(metrics.recall_score(labels, predicted, zero_division=0)),
                "f1": float(metrics.f1_score(labels, predicted, zero_division=0)),
            }
        )
    return rows


def curve_points(x, y, x_name, y_name, max_points=500):
    """Rows of a curve (ROC, precision-recall), thinned evenly to at most `max_points`, ends kept.

    scikit-learn gives one point per distinct score; a few hundred draw the same line and keep the
    committed plot files small.
    """
    keep = np.unique(np.linspace(0, len(x) - 1, min(max_points, len(x))).round().astype(int))
    return [{x_name: round(float(x[i]), 5), y_name: round(float(y[i]), 5)} for i in keep]


def data_source(name):
    """Where a dataset came from (mirror, url or fallback), so no fallback run passes for a full one."""
    return {"data_source": json.loads(source_record(name).read_text(encoding="utf-8"))["kind"]}


def read_scores(path, stage):
    """The metrics another stage wrote, or a StageError saying which stage makes them."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StageError(f"{path}: missing (run: dvc repro {stage})") from None
