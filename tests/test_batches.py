"""Length-bucketed sentiment batches: every review exactly once, padding trimmed, seeded, order restored on predict."""
import keras
import numpy as np

from stages.sentiment.batches import BUCKET_WIDTH, LengthBatches, lengths, predict


def padded_reviews(count=300, maxlen=120, seed=0):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, maxlen + 1, count)
    sequences = np.zeros((count, maxlen), dtype=np.int32)
    for row, size in enumerate(sizes):
        sequences[row, :size] = rng.integers(2, 50, size)
    return sequences, (sizes > maxlen // 2).astype(np.uint8)


def epoch(batches):
    return [batches[i] for i in range(len(batches))]


def test_an_epoch_holds_every_review_once_cut_to_its_batch_longest():
    sequences, labels = padded_reviews()
    batches = LengthBatches(sequences, labels, 32, seed=1)
    rows = np.concatenate(batches.batches)
    assert sorted(rows) == list(range(len(sequences)))
    for members, (ids, batch_labels) in zip(batches.batches, epoch(batches)):
        assert ids.shape == (len(members), lengths(sequences[members]).max())
        assert np.array_equal(ids, sequences[members, : ids.shape[1]])
        assert np.array_equal(batch_labels, labels[members])
        # Cut from similar lengths: a batch spans at most its band and the next one.
        assert np.ptp(lengths(sequences[members]) // BUCKET_WIDTH) <= 1


def test_the_order_is_seeded_changes_between_epochs_and_depends_on_the_epoch_only():
    sequences, labels = padded_reviews()
    first, again = LengthBatches(sequences, labels, 32, seed=1), LengthBatches(sequences, labels, 32, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(first.batches, again.batches))
    before = [members.copy() for members in first.batches]
    first.set_epoch(1)
    assert not all(np.array_equal(a, b) for a, b in zip(before, first.batches))
    assert sorted(np.concatenate(first.batches)) == list(range(len(sequences)))
    # A resumed run plans epoch 2 without having planned epoch 1: the same batches.
    first.set_epoch(2)
    again.set_epoch(2)
    assert all(np.array_equal(a, b) for a, b in zip(first.batches, again.batches))


def test_predict_returns_each_review_its_own_probability_in_input_order():
    sequences, _ = padded_reviews(count=100)
    inputs = keras.Input(shape=(None,), dtype="int32")
    embedded = keras.layers.Embedding(50, 4, mask_zero=True)(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(keras.layers.LSTM(3)(embedded)))
    # All at once at the full length: the mask skips each review's padding.
    at_once = model.predict(sequences, batch_size=len(sequences), verbose=0)[:, 0]
    assert np.allclose(predict(model, sequences, batch_size=16), at_once, atol=1e-5)
