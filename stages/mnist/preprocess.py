"""Stage: scale the raw digits to [0, 1] and split off a validation set (data/processed/mnist)."""
import argparse

from stages import params
from stages.cli import StageError, run
from stages.mnist import ARCHIVE, DIGITS
from stages.mnist.dataset import check_archive
from stages.mnist.digits import scale, split_validation
from stages.outputs import load_arrays, raw_input, save_arrays


class MnistSplit(params.Section):
    """params.yaml `mnist`."""

    validation_fraction: params.Fraction
    seed: int


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    split = params.load("mnist", MnistSplit)
    arrays = load_arrays(raw_input(ARCHIVE, "mnist", check_archive))
    try:
        train, validation = split_validation(
            scale(arrays["x_train"]), arrays["y_train"], split.validation_fraction, split.seed
        )
    except ValueError as error:
        raise StageError(f"params.yaml: mnist.validation_fraction: {error}") from None
    test = (scale(arrays["x_test"]), arrays["y_test"])
    for name, (x, y) in {"train": train, "validation": validation, "test": test}.items():
        save_arrays(DIGITS / f"{name}.npz", x=x, y=y)
        print(f"{name}: {x.shape[0]} digits, x {x.dtype} {x.shape}")


if __name__ == "__main__":
    run(main)
