"""Batches of reviews of similar length, each cut to its longest review.

A review padded to `imdb.maxlen` costs the LSTM maxlen steps however short it is. Grouping reviews
of similar length and trimming each batch's padding makes a long maxlen cost time only where reviews
are long (tf.data's bucket_by_sequence_length does the same; this keeps the order seeded and NumPy-plain).
"""
import numpy as np

from stages.batches import EpochBatches
from stages.sentiment.encoding import PADDING_ID

BUCKET_WIDTH = 25  # words: reviews whose lengths fall in the same 25-word band may share a batch


def lengths(sequences):
    """Words per review: sequences are padded at the end with PADDING_ID."""
    return (sequences != PADDING_ID).sum(axis=1)


class LengthBatches(EpochBatches):
    """(ids, labels) batches of similar-length reviews; with `seed`, shuffled every epoch within
    each length band and across batches. Without, in a fixed order by length (for prediction)."""

    def __init__(self, sequences, labels, batch_size, seed=None):
        self.sequences, self.labels, self.batch_size = sequences, labels, batch_size
        self.lengths = lengths(sequences)
        super().__init__(seed)

    def _plan(self, rng):
        if rng is None:
            order = np.argsort(self.lengths, kind="stable")
            return [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        order = np.lexsort((rng.random(len(self.lengths)), self.lengths // BUCKET_WIDTH))
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        return [batches[i] for i in rng.permutation(len(batches))]

    def __getitem__(self, index):
        rows = self.batches[index]
        ids = self.sequences[rows, : max(int(self.lengths[rows].max()), 1)]
        return (ids, self.labels[rows]) if self.labels is not None else ids


def predict(model, sequences, batch_size=512):
    """P(positive) per review, in the input order, predicted in length-sorted batches."""
    batches = LengthBatches(sequences, None, batch_size)
    probabilities = np.empty(len(sequences), dtype=np.float32)
    probabilities[np.concatenate(batches.batches)] = model.predict(batches, verbose=0).ravel()
    return probabilities
