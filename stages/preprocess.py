"""Stage: turn a raw dataset into model-ready arrays under data/processed/<dataset>."""
import argparse
from pathlib import Path

from stages import params
from stages.cli import StageError, run
from stages.outputs import load_arrays, save_arrays

RAW_DIR = Path("data/raw")
PROCESSED_DIR = Path("data/processed")


def raw_input(filename, dataset, check=None):
    """data/raw/<filename>, validated by `check` when given, or a StageError saying what is wrong."""
    raw = RAW_DIR / filename
    if not raw.is_file():
        raise StageError(f"{raw}: missing (run: python -m stages.download {dataset})")
    if check is not None:
        try:
            check(raw)
        except ValueError as error:
            raise StageError(f"{raw}: {error}") from None
    return raw


def preprocess_mnist():
    from stages import mnist

    split = params.load("mnist", mnist.MnistSplit)
    arrays = load_arrays(raw_input("mnist.npz", "mnist", mnist.check_archive))
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


def preprocess_text():
    from stages import text
    from stages.outputs import write_json, write_text

    config = params.load("text.corpus", text.Corpus)
    raw = raw_input("the_little_prince.txt", "text", text.check_corpus)
    corpus = text.clean(raw.read_text(encoding="utf-8"), config.lowercase)
    cut = text.split_index(len(corpus), config.validation_fraction)
    # The vocabulary comes from the training part only, so the held-out text cannot shape it.
    vocabulary = text.build_vocabulary(corpus[:cut], config.min_count)
    ids = text.encode(corpus, vocabulary)
    try:
        windows = {
            "train": text.cut_windows(ids[:cut], config.seq_len, config.step),
            "validation": text.cut_windows(ids[cut:], config.seq_len, config.step),
        }
    except ValueError as error:
        raise StageError(f"params.yaml: text.corpus.seq_len: {error}") from None
    out = PROCESSED_DIR / "text"
    text.save_vocabulary(out / "vocabulary.json", vocabulary, text.sha256_text(corpus), config.min_count)
    write_text(out / "train.txt", corpus[:cut])
    write_text(out / "validation.txt", corpus[cut:])
    save_arrays(out / "ids.npz", train=ids[:cut], validation=ids[cut:])
    save_arrays(out / "windows.npz", **windows)
    summary = {
        "lowercase": config.lowercase,
        "seq_len": config.seq_len,
        "characters": len(corpus),
        "train_characters": cut,
        "validation_characters": len(corpus) - cut,
        "vocabulary_size": len(vocabulary),
        "oov_characters": text.unknown_characters(corpus, vocabulary),
        "train_windows": len(windows["train"]),
        "validation_windows": len(windows["validation"]),
    }
    write_json(out / "corpus.json", summary)
    print(summary)


def preprocess_imdb():
    import numpy as np

    from stages import imdb
    from stages.outputs import write_json

    config = params.load("imdb", imdb.Preprocessing)
    raw = raw_input(imdb.FILENAME, "imdb")
    try:
        reviews = imdb.load_reviews(raw, expected_counts=config.expected_reviews.model_dump())
    except ValueError as error:
        raise StageError(f"{error} (imdb.expected_reviews in params.yaml)") from None
    # Built from the train split only: nothing about the test reviews leaks into the features.
    word_index = imdb.build_vocabulary(reviews, config.num_words)
    train, test = reviews[reviews["split"] == "train"], reviews[reviews["split"] == "test"]
    try:
        kept, held = imdb.validation_split(train["label"].to_numpy(), config.validation_fraction, config.seed)
    except ValueError as error:
        raise StageError(f"params.yaml: imdb.validation_fraction: {error}") from None
    out = PROCESSED_DIR / "imdb"
    summary = {"num_words": config.num_words, "maxlen": config.maxlen, "truncating": config.truncating}
    for name, rows in {"train": train.iloc[kept], "validation": train.iloc[held], "test": test}.items():
        sequences = imdb.encode(rows["text"], word_index, config.maxlen, config.truncating)
        imdb.save_split(out / f"{name}.npz", sequences, rows["label"].to_numpy())
        words = sequences != imdb.PADDING_ID
        summary[name] = {
            "reviews": len(rows),
            "positive_share": float(rows["label"].mean()),
            "truncated_share": float(np.mean([len(imdb.tokenize(text)) > config.maxlen for text in rows["text"]])),
            "oov_share": float((sequences == imdb.OOV_ID).sum() / max(words.sum(), 1)),
        }
    imdb.save_vocabulary(out / "vocabulary.json", word_index, config.maxlen, config.truncating)
    write_json(out / "summary.json", summary)
    print(summary)


PREPROCESSORS = {"mnist": preprocess_mnist, "text": preprocess_text, "imdb": preprocess_imdb}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", choices=sorted(PREPROCESSORS))
    PREPROCESSORS[parser.parse_args().dataset]()


if __name__ == "__main__":
    run(main)
