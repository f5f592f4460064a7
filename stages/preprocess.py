"""Stage: turn a raw dataset into model-ready arrays under data/processed/<dataset>."""
import argparse
from pathlib import Path

from stages import params
from stages.cli import StageError, run
from stages.outputs import save_arrays

RAW_DIR = Path("data/raw")
PROCESSED_DIR = Path("data/processed")


def preprocess_mnist():
    from stages import mnist

    split = params.load("mnist", mnist.MnistSplit)
    raw = RAW_DIR / "mnist.npz"
    if not raw.is_file():
        raise StageError(f"{raw}: missing (run: python -m stages.download mnist)")
    try:
        mnist.check_archive(raw)
    except ValueError as error:
        raise StageError(f"{raw}: {error}") from None
    arrays = mnist.load_archive(raw)
    try:
        train, validation = mnist.split_validation(
            mnist.scale(arrays["x_train"]), arrays["y_train"], split.validation_fraction, split.seed
        )
    except ValueError as error:
        raise StageError(f"params.yaml: mnist.validation_fraction: {error}") from None
    test = (mnist.scale(arrays["x_test"]), arrays["y_test"])
    for name, (x, y) in {"train": train, "validation": validation, "test": test}.items():
        save_arrays(PROCESSED_DIR / "mnist" / f"{name}.npz", x=x, y=y)
        print(f"{name}: {x.shape[0]} digits, x {x.dtype} {x.shape}")


PREPROCESSORS = {"mnist": preprocess_mnist}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", choices=sorted(PREPROCESSORS))
    PREPROCESSORS[parser.parse_args().dataset]()


if __name__ == "__main__":
    run(main)
