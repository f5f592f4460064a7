"""Stage: the classical denoising filters a practitioner would try first, the denoiser's reference.

Each filter's one parameter is chosen by mean PSNR on the first `validation_samples` noisy validation
digits, then the filter is scored with the denoiser's metrics on the same noisy test digits; the best
of them on the validation digits is run at every noise level of the robustness curve, with its parameter
kept (as the denoiser keeps the noise level it was trained at).
"""
import argparse
import time
from typing import Annotated

import numpy as np
from pydantic import ConfigDict, Field

from stages import metrics, params, plots
from stages.cli import StageError, run
from stages.denoiser import BASELINE_CURVE, BASELINE_METRICS, FILTERS_TABLE, NOISY_DIGITS
from stages.denoiser.noise import Noise, noise_levels
from stages.mnist import DIGITS, IMAGE_SIDE, PIXELS
from stages.mnist.digits import showcase_indices
from stages.outputs import load_split, save_arrays, write_json

Grid = Annotated[list[params.PositiveFloat], Field(min_length=1), params.Distinct]


class Filters(params.Section):
    """params.yaml `denoiser_baseline`: the candidate values of each filter's parameter."""

    validation_samples: params.PositiveInt
    median_size: Annotated[list[params.PositiveInt], Field(min_length=1), params.Distinct]
    gaussian_sigma: Grid
    total_variation_weight: Grid
    wavelet_sigma: Grid
    nl_means_h: Grid


class RobustnessStds(params.Section):
    """The one key of params.yaml `denoiser` this stage reads; the others are the trainer's."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)
    robustness_stds: Annotated[list[params.NonNegativeFloat], Field(min_length=1)]


def _each_image(denoise, **settings):
    """A per-image scikit-image denoiser applied to a stack of 28x28 images."""
    return lambda images: np.stack([denoise(image, **settings) for image in images])


def median(size):
    from scipy import ndimage

    return lambda images: ndimage.median_filter(images, size=(1, size, size), mode="reflect")


def gaussian(sigma):
    from scipy import ndimage

    return lambda images: ndimage.gaussian_filter(images, sigma=(0, sigma, sigma), mode="reflect")


def total_variation(weight):
    from skimage.restoration import denoise_tv_chambolle

    return _each_image(denoise_tv_chambolle, weight=weight)


def wavelet(sigma):
    from skimage.restoration import denoise_wavelet

    return _each_image(denoise_wavelet, sigma=sigma, mode="soft", method="BayesShrink", rescale_sigma=True)


def nl_means(h):
    from skimage.restoration import denoise_nl_means

    return _each_image(denoise_nl_means, h=h, patch_size=3, patch_distance=5, fast_mode=True)


# filter name: (its parameter's name, the function of that parameter that returns the filter)
FILTERS = {
    "median": ("size", median),
    "gaussian": ("sigma", gaussian),
    "total_variation": ("weight", total_variation),
    "wavelet": ("sigma", wavelet),
    "nl_means": ("h", nl_means),
}


def denoise(make_filter, value, noisy):
    """Flat (N, 784) noisy digits -> the filter's output, clipped to [0, 1], flat again."""
    images = make_filter(value)(noisy.reshape(-1, IMAGE_SIDE, IMAGE_SIDE))
    return np.clip(images, 0.0, 1.0).reshape(-1, PIXELS).astype(np.float32)


def choose(make_filter, values, noisy, clean):
    """(the value with the highest mean PSNR of noisy -> clean, {value: that PSNR}); ties go to the first."""
    scores = {value: metrics.psnr(clean, denoise(make_filter, value, noisy)) for value in values}
    return max(scores, key=scores.get), scores


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("denoiser_baseline", Filters)
    stds = params.load("denoiser", RobustnessStds).robustness_stds
    noise = params.load("noise", Noise)
    x_validation, _ = load_split(DIGITS, "validation")
    noisy_validation, _ = load_split(NOISY_DIGITS, "validation")
    if config.validation_samples > len(x_validation):
        raise StageError(
            f"params.yaml: denoiser_baseline.validation_samples: {config.validation_samples} is more than the "
            f"{len(x_validation)} validation digits"
        )
    x_validation = x_validation[: config.validation_samples]
    noisy_validation = noisy_validation[: config.validation_samples]
    x_test, y_test = load_split(DIGITS, "test")
    noisy_test, _ = load_split(NOISY_DIGITS, "test")
    grids = {name: getattr(config, f"{name}_{parameter}") for name, (parameter, _) in FILTERS.items()}

    print(f"parameters chosen on {len(x_validation)} validation digits, scored on {len(x_test)} test digits")
    rows, chosen = {}, {}
    for name, (parameter, make_filter) in FILTERS.items():
        started = time.perf_counter()
        chosen[name], tried = choose(make_filter, grids[name], noisy_validation, x_validation)
        rows[name] = {
            "filter": name.replace("_", " "),
            "parameter": f"{parameter.replace('_', ' ')} {chosen[name]:g}",
            "validation_psnr": tried[chosen[name]],
            **metrics.image_metrics(x_test, denoise(make_filter, chosen[name], noisy_test)),
        }
        print(f"{name}: {parameter} {chosen[name]} (validation PSNR {', '.join(f'{v}: {p:.2f}' for v, p in tried.items())}); "
              f"test PSNR {rows[name]['test_psnr']:.2f} dB, {time.perf_counter() - started:.1f} s", flush=True)

    # The best filter, like each one's parameter, is chosen on the validation digits.
    best = max(FILTERS, key=lambda name: rows[name]["validation_psnr"])
    parameter, make_filter = FILTERS[best]
    value = chosen[best]
    started = time.perf_counter()
    curve = [metrics.psnr(x_test, denoise(make_filter, value, noisy)) for _, noisy in
             noise_levels(x_test, stds, noise.clip, noise.seed)]
    print(f"best: {best} ({parameter} {value}); robustness curve at {len(stds)} noise levels, "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    shown = showcase_indices(y_test)
    save_arrays(BASELINE_CURVE, best=np.asarray(rows[best]["filter"]), stds=np.asarray(stds), psnr=np.asarray(curve),
                showcase=denoise(make_filter, value, noisy_test[shown]))
    plots.write_table(FILTERS_TABLE, list(rows.values()))
    write_json(BASELINE_METRICS, {**metrics.data_source("mnist"), **{
        key: rows[best][key] for key in ("test_loss", "test_psnr", "test_ssim")}})


if __name__ == "__main__":
    run(main)
