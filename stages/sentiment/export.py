"""Stage: export the sentiment model for TF Serving, taking raw review strings (data/export/sentiment)."""
import argparse

import tensorflow as tf

from stages import serving
from stages.cli import StageError, run
from stages.sentiment import MODEL, MODEL_STAGE, MODEL_VOCABULARY
from stages.sentiment.encoding import Encoder, load_vocabulary


def endpoints(archive, model):
    """serve: P(positive) of each raw review, (N, 1); word_ids: what the model saw, to compare with encoding.encode."""
    vocabulary = load_vocabulary(MODEL_VOCABULARY)
    if model.get_layer("embedding").input_dim != vocabulary["num_words"]:
        raise StageError(f"{MODEL_VOCABULARY}: does not match {MODEL}; run dvc repro first")
    encoder = Encoder(vocabulary["word_index"], vocabulary["maxlen"], vocabulary["truncating"])
    # The endpoints bring the model's weights along; track(model) would store each one twice
    # (keras-team/keras#23553). The tokenizer's lookup table is no weight: it is tracked by hand.
    encoder.vectorize.build([None])
    archive.track(encoder.vectorize)
    reviews = [tf.TensorSpec([None], tf.string, name="reviews")]
    archive.add_endpoint("serve", lambda texts: model(encoder(texts), training=False), input_signature=reviews)
    archive.add_endpoint("word_ids", encoder, input_signature=reviews)


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    serving.main(MODEL, MODEL_STAGE, serving.EXPORTS / "sentiment", endpoints=endpoints)


if __name__ == "__main__":
    run(main)
