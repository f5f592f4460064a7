"""Stage: export the sentiment model for TF Serving, taking raw review strings (data/export/sentiment)."""
import argparse

import tensorflow as tf

from stages import params, serving
from stages.cli import StageError, run
from stages.sentiment import MODEL, MODEL_STAGE, MODEL_VOCABULARY
from stages.sentiment.encoding import Encoder, load_vocabulary

EXPORT = serving.EXPORTS / "sentiment"


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    version = params.load("export", serving.Export).version
    model = serving.load(MODEL, MODEL_STAGE)
    vocabulary = load_vocabulary(MODEL_VOCABULARY)
    if model.get_layer("embedding").input_dim != vocabulary["num_words"]:
        raise StageError(f"{MODEL_VOCABULARY}: does not match {MODEL}; run dvc repro first")
    encoder = Encoder(vocabulary["word_index"], vocabulary["maxlen"], vocabulary["truncating"])
    archive = serving.archive()
    # The endpoints bring the model's weights along; track(model) would store each one twice
    # (keras-team/keras#23553). The tokenizer's lookup table is no weight: it is tracked by hand.
    encoder.vectorize.build([None])
    archive.track(encoder.vectorize)
    reviews = [tf.TensorSpec([None], tf.string, name="reviews")]
    # serve: P(positive) of each review, (N, 1); word_ids: what the model saw, to check against encoding.encode.
    archive.add_endpoint("serve", lambda texts: model(encoder(texts), training=False), input_signature=reviews)
    archive.add_endpoint("word_ids", encoder, input_signature=reviews)
    serving.export(archive, EXPORT, version)


if __name__ == "__main__":
    run(main)
