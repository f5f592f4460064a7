"""Gaussian pixel noise, and its params (params.yaml `noise`)."""
import numpy as np

from stages.params import NonNegativeFloat, Section


class Noise(Section):
    """Gaussian pixel noise x + N(0, std^2), clipped to [0, 1] unless `clip` is false."""

    std: NonNegativeFloat
    clip: bool
    seed: int


def add_noise(images, std, clip, rng):
    """x + N(0, std^2), optionally clipped back into [0, 1]."""
    noisy = images + rng.normal(0.0, std, size=images.shape).astype(np.float32)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


def noise_levels(images, stds, clip, seed):
    """(std, noisy images) at each test noise level of the robustness curve: one seeded stream per level,
    so that every method on the curve sees the same noisy digits."""
    for index, std in enumerate(stds):
        yield std, add_noise(images, std, clip, np.random.default_rng([seed, index]))
