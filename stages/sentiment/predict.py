"""Command: the sentiment of new reviews, from the trained model and the vocabulary saved beside it."""
import argparse
import sys
from pathlib import Path

from stages import params
from stages.cli import StageError, run
from stages.outputs import load_model
from stages.sentiment import MODEL, MODEL_STAGE, MODEL_VOCABULARY
from stages.sentiment.decision import Decision
from stages.sentiment.encoding import encode, load_vocabulary, words


def read_reviews(text, file):
    """[(where, review)] from the text argument or from a file of one review per line (blank lines skipped).

    The file "-" is standard input.
    """
    if file is not None:
        path = "stdin" if file == "-" else Path(file)
        try:
            data = sys.stdin.buffer.read() if file == "-" else path.read_bytes()
        except OSError as error:
            raise StageError(f"{path}: cannot read it ({error.strerror})") from None
        try:
            content = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise StageError(
                f"{path}: line {line}: byte {data[error.start]:#04x} at offset {error.start} is not UTF-8;"
                " save the file as UTF-8"
            ) from None
        reviews = [(f"line {number}", review) for number, review in enumerate(content.splitlines(), 1) if review.strip()]
        if not reviews:
            raise StageError(f"{path}: empty (expected one review per line)")
        return reviews
    if text is None:
        raise StageError('give a review, e.g. "a fine film", or --file reviews.txt')
    try:
        # Arguments that are not UTF-8 reach Python as lone surrogates, which cannot be encoded back.
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StageError("the review is not valid UTF-8 text") from None
    if not text.strip():
        raise StageError('empty review: give some text, e.g. "a fine film"')
    return [("review", text)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("text", nargs="?", help='one review, or "-" to read reviews from stdin, one per line')
    parser.add_argument("--file", help='a UTF-8 text file with one review per line ("-": stdin)')
    args = parser.parse_args()
    if args.text is not None and args.file is not None:
        parser.error("give either a review or --file, not both")
    if args.text == "-":
        args.text, args.file = None, "-"
    reviews = read_reviews(args.text, args.file)
    for (where, _), count in zip(reviews, words([review for _, review in reviews]).row_lengths().numpy()):
        if not count:
            raise StageError(f"{where}: no words left after removing punctuation and markup")
    model = load_model(MODEL, MODEL_STAGE)
    if not MODEL_VOCABULARY.is_file():
        raise StageError(f"{MODEL_VOCABULARY}: missing model vocabulary (run dvc repro first)")
    threshold = params.load("sentiment.evaluate", Decision).threshold
    vocabulary = load_vocabulary(MODEL_VOCABULARY)
    if model.get_layer("embedding").input_dim != vocabulary["num_words"]:
        raise StageError(f"{MODEL_VOCABULARY}: does not match {MODEL}; run dvc repro first")
    sequences = encode(
        [review for _, review in reviews], vocabulary["word_index"], vocabulary["maxlen"], vocabulary["truncating"]
    )
    probabilities = model.predict(sequences, batch_size=256, verbose=0).ravel()
    for (where, _), probability in zip(reviews, probabilities):
        label = "positive" if probability >= threshold else "negative"
        prefix = f"{where}: " if args.file is not None else ""
        print(f"{prefix}probability={probability:.4f} label={label}")


if __name__ == "__main__":
    run(main)
