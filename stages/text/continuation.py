"""Continuing a text with the trained character model: the text cleaned as the corpus was, then sampled."""
import logging

import numpy as np

from stages.text.corpus import clean, decode, encode, unknown_characters
from stages.text.sampling import generate

log = logging.getLogger(__name__)


def next_character(model):
    """A predict function for sampling.generate(): ids (1-D) -> the model's next-character probabilities."""
    import tensorflow as tf

    # One traced graph for every context length: 30x faster per character than eager calls.
    traced = tf.function(
        lambda context: model(context, training=False), input_signature=[tf.TensorSpec([1, None], tf.int32)]
    )

    def predict(context):
        probabilities = traced(context[None, :]).numpy()[0]
        return probabilities[-1] if probabilities.ndim == 2 else probabilities

    return predict


def continue_text(model, text, vocabulary, corpus_summary, length, temperature, seed, source):
    """(text cleaned as the corpus was, `length` characters sampled after it, their mean log-likelihood).

    Characters of `text` outside the vocabulary are fed to the model as the OOV symbol, with a
    warning naming `source`; `corpus_summary` is the preprocessing's corpus.json.
    """
    text = clean(text, corpus_summary["lowercase"])
    unknown = unknown_characters(text, vocabulary)
    if unknown:
        log.warning("%s: %s not in the vocabulary; fed to the model as the OOV symbol", source, unknown)
    ids, log_likelihood = generate(
        next_character(model), encode(text, vocabulary), length, temperature,
        np.random.default_rng(seed), corpus_summary["seq_len"],
    )
    return text, decode(ids, vocabulary), log_likelihood
