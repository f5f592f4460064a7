"""Training on several machines: `train.strategy: multi_worker`, tf.distribute's MultiWorkerMirroredStrategy.

Keras 3 `fit` cannot run under this strategy (keras-team/keras#20585), so this module has the one
training loop of the project that is not `fit`: the model's own compiled `train_step` and `test_step`
run through `strategy.run`, and the callbacks `fit` would get (early stopping, schedules, DVCLive)
are driven through keras.callbacks.CallbackList. Every worker runs the same stage with its own
TF_CONFIG; worker 0 is the chief, the only one that writes.
"""
import hashlib
import json
import os
import socket
import time
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf

from stages.cli import StageError

# Seconds a worker waits on the others: for the chief to accept connections, and for each all-reduce.
# It must exceed the longest pause between two steps (the first step's tracing, validation) on the
# slowest worker.
TIMEOUT_VARIABLE = "MULTI_WORKER_TIMEOUT"
DEFAULT_TIMEOUT = 60


class Cluster(NamedTuple):
    workers: list  # "host:port" of every worker, in TF_CONFIG's order
    index: int  # this worker's place in `workers`; 0 is the chief
    timeout: float

    @property
    def chief(self):
        return self.index == 0


def cluster():
    """This worker's Cluster, read from TF_CONFIG and MULTI_WORKER_TIMEOUT, or a one-line StageError.

    TF_CONFIG is read by TFConfigClusterResolver, as MultiWorkerMirroredStrategy reads it.
    """
    if not os.environ.get("TF_CONFIG"):
        raise StageError(
            "train.strategy is multi_worker but TF_CONFIG is not set (expected e.g. "
            '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}; '
            "see docs/collaboration.md)"
        )
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    try:
        jobs = resolver.cluster_spec().as_dict()
    except json.JSONDecodeError as error:
        raise StageError(f"TF_CONFIG: not valid JSON ({error})") from None
    except (TypeError, ValueError):  # ClusterSpec's refusal of a "cluster" that is no {job: [address, ...]}
        jobs = {}
    workers = jobs.get("worker")
    if set(jobs) != {"worker"} or not isinstance(workers, list):
        raise StageError('TF_CONFIG: expected "cluster": {"worker": ["host:port", ...]} and no other job')
    for address in workers:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise StageError(f"TF_CONFIG: worker address {address!r} is not host:port")
    if len(set(workers)) != len(workers):
        raise StageError(f"TF_CONFIG: worker addresses must be distinct (got {workers})")
    try:
        task_type, index = resolver.task_type, resolver.task_id
    except (TypeError, ValueError):  # a "task" that is no object, or an "index" that is no integer
        task_type = index = None
    if task_type != "worker" or index is None or not 0 <= index < len(workers):
        raise StageError(
            f'TF_CONFIG: expected "task": {{"type": "worker", "index": 0..{len(workers) - 1}}} '
            f"(got type {task_type!r}, index {index!r})"
        )
    try:
        timeout = float(os.environ.get(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT))
    except ValueError:
        timeout = 0
    if not timeout > 0:
        got = os.environ[TIMEOUT_VARIABLE]
        raise StageError(f"{TIMEOUT_VARIABLE}: expected a positive number of seconds (got {got!r})")
    return Cluster(workers, index, timeout)


def strategy(cluster):
    """The MultiWorkerMirroredStrategy of TF_CONFIG, with the wait for the chief and each all-reduce bounded
    by `cluster`'s timeout."""
    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=cluster.timeout)
    try:
        if not cluster.chief:
            # The strategy would retry the chief's coordination service for an hour before giving up.
            _wait_for(cluster.workers[0], cluster.timeout)
        return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    except (TimeoutError, tf.errors.OpError) as error:
        raise StageError(
            f"worker {cluster.index}: could not form the cluster of {cluster.workers} within "
            f"{cluster.timeout:g} s, {_unreachable(cluster) or 'the chief did not answer'} "
            f"({type(error).__name__}): start every worker of TF_CONFIG, check its addresses, "
            f"or raise {TIMEOUT_VARIABLE}"
        ) from None


def _wait_for(address, timeout):
    """Return once `address` accepts a connection, or raise TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not _answers(address):
        if time.monotonic() > deadline:
            raise TimeoutError(address)
        time.sleep(0.5)


def _answers(address):
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=2).close()
    except OSError:
        return False
    return True


def _unreachable(cluster):
    """'unreachable: worker 1 (host:port), ...' for the other workers that refuse a connection now, or ''."""
    lost = [
        f"worker {index} ({address})"
        for index, address in enumerate(cluster.workers)
        if index != cluster.index and not _answers(address)
    ]
    return f"unreachable: {', '.join(lost)}" if lost else ""


def _distribute(strategy, batches, model):
    """`batches` (a PyDataset of global batches) as a distributed dataset: worker i reads rows i::n of each."""

    def worker_dataset(input_context):
        share = slice(input_context.input_pipeline_id, None, input_context.num_input_pipelines)

        def generate():
            for index in range(len(batches)):
                x, y = batches[index]
                yield x[share], y[share]

        x, y = batches[0]
        signature = (
            tf.TensorSpec(model.inputs[0].shape, x.dtype),
            tf.TensorSpec((None,) * y.ndim, y.dtype),
        )
        return tf.data.Dataset.from_generator(generate, output_signature=signature)

    # Sharding is done above, by rows, so that each global batch holds exactly the examples that one process would use.
    options = tf.distribute.InputOptions(experimental_fetch_to_device=False)
    return strategy.distribute_datasets_from_function(worker_dataset, options)


def fingerprint(model):
    """A short hash of all weights: equal on every worker when they stayed in step."""
    digest = hashlib.sha256()
    for weight in model.get_weights():
        digest.update(np.ascontiguousarray(weight).tobytes())
    return digest.hexdigest()[:16]


def fit(model, strategy, cluster, train, validation, epochs, callbacks):
    """What `model.fit(train, validation_data=validation, epochs=epochs, callbacks=callbacks, verbose=2)`
    does, under `strategy`: the same loss and metrics, the callbacks' hooks, one progress line per epoch.

    `train` and `validation` are PyDatasets of global batches. Returns the History. A lost worker
    ends it with a one-line StageError naming it.
    """
    train_data = _distribute(strategy, train, model)
    validation_data = _distribute(strategy, validation, model)
    train_step = tf.function(lambda batch: strategy.run(model.train_step, args=(batch,)), reduce_retracing=True)
    test_step = tf.function(lambda batch: strategy.run(model.test_step, args=(batch,)), reduce_retracing=True)
    callbacks = keras.callbacks.CallbackList(
        callbacks, add_history=True, model=model, epochs=epochs, steps=len(train), verbose=0
    )
    model.stop_training = False
    try:
        callbacks.on_train_begin()
        for epoch in range(epochs):
            start = time.monotonic()
            model.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            for step, batch in enumerate(train_data):
                callbacks.on_train_batch_begin(step)
                train_step(batch)
                callbacks.on_train_batch_end(step)
            logs = _results(model)
            model.reset_metrics()
            for batch in validation_data:
                test_step(batch)
            logs.update({f"val_{name}": value for name, value in _results(model).items()})
            callbacks.on_epoch_end(epoch, logs)
            values = " - ".join(f"{name}: {value:.4f}" for name, value in logs.items())
            print(f"epoch {epoch + 1}/{epochs} - {time.monotonic() - start:.1f}s - {values}", flush=True)
            if model.stop_training:
                break
        callbacks.on_train_end(logs)
    except tf.errors.OpError as error:
        lost = _unreachable(cluster) or "another worker stopped responding"
        raise StageError(
            f"worker {cluster.index}: training aborted, {lost} ({type(error).__name__}): "
            "stop every worker and start them all again"
        ) from None
    print(f"worker {cluster.index} of {len(cluster.workers)}: final weights {fingerprint(model)}", flush=True)
    return model.history


def _results(model):
    return {name: float(value) for name, value in model.get_metrics_result().items()}
