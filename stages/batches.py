"""Training batches whose order depends on (seed, epoch) only, so that a resumed training sees the same batches."""
import keras
import numpy as np


class EpochBatches(keras.utils.PyDataset):
    """A PyDataset of `self.batches` (row indices), planned by `_plan(rng)`: rng is None without a seed (a fixed
    order), else a generator seeded with (seed, epoch). `set_epoch(epoch)` plans that epoch: an epoch's order
    does not depend on whether the epochs before it ran in this process, as it must for a resumed run."""

    def __init__(self, seed):
        super().__init__()
        self.seed = seed
        self.set_epoch(0)

    def set_epoch(self, epoch):
        self.batches = self._plan(None if self.seed is None else np.random.default_rng([self.seed, epoch]))

    def _plan(self, rng):
        raise NotImplementedError

    def __len__(self):
        return len(self.batches)


def epoch_setter(batches):
    """The callback that plans `batches` for each epoch as it begins, before its first batch is read."""
    return keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: batches.set_epoch(epoch))


class ArrayBatches(EpochBatches):
    """(x, y) arrays in batches of `batch_size`, in a random order per epoch with `seed`, else in order.

    Every worker of a multi_worker training makes the same batches in the same order, and keeps only its share.
    """

    def __init__(self, x, y, batch_size, seed=None):
        self.x, self.y, self.batch_size = x, y, batch_size
        super().__init__(seed)

    def _plan(self, rng):
        order = np.arange(len(self.x)) if rng is None else rng.permutation(len(self.x))
        return [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]

    def __getitem__(self, index):
        rows = self.batches[index]
        return self.x[rows], self.y[rows]
