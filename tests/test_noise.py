"""Gaussian noise of the denoising project: statistics, clipping and seeding; and the image metric SSIM."""
import numpy as np
import pytest

from stages import metrics
from stages.denoiser.noise import add_noise

IMAGES = np.full((400, 784), 0.5, dtype=np.float32)


def test_unclipped_noise_has_the_requested_mean_and_std():
    noise = add_noise(IMAGES, 0.3, clip=False, rng=np.random.default_rng(1)) - IMAGES
    # 313,600 draws: the standard errors of the mean and std are about 0.0005 and 0.0004.
    assert abs(noise.mean()) < 0.003
    assert abs(noise.std() - 0.3) < 0.003


def test_clipped_noise_stays_in_the_unit_interval_and_clipping_is_active():
    noisy = add_noise(IMAGES, 0.5, clip=True, rng=np.random.default_rng(1))
    assert noisy.min() == 0.0 and noisy.max() == 1.0
    assert noisy.dtype == np.float32


def test_same_seed_same_noise_different_seed_different_noise():
    first = add_noise(IMAGES, 0.5, clip=True, rng=np.random.default_rng(7))
    again = add_noise(IMAGES, 0.5, clip=True, rng=np.random.default_rng(7))
    other = add_noise(IMAGES, 0.5, clip=True, rng=np.random.default_rng(8))
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)


def test_zero_std_leaves_images_unchanged():
    assert np.array_equal(add_noise(IMAGES, 0.0, clip=True, rng=np.random.default_rng(0)), IMAGES)


def test_ssim_equals_tensorflows_on_noisy_digit_like_images():
    import tensorflow as tf

    rng = np.random.default_rng(3)
    clean = (rng.random((50, 784)) > 0.8).astype(np.float32)
    noisy = add_noise(clean, 0.4, clip=True, rng=rng)
    expected = float(tf.reduce_mean(tf.image.ssim(clean.reshape(-1, 28, 28, 1), noisy.reshape(-1, 28, 28, 1), max_val=1.0)))
    assert 0.05 < expected < 0.95  # neither identical nor unrelated images
    assert metrics.ssim(clean, noisy) == pytest.approx(expected, abs=1e-6)
    assert metrics.ssim(clean, clean) == pytest.approx(1.0)
