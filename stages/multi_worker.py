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
from tensorflow.compiler.xla.tsl.protobuf import coordination_config_pb2
from tensorflow.python.eager import context

from stages.cli import StageError

# Seconds a worker waits on the others: for all of them to join, for each all-reduce, and for a
# silent heartbeat. It must exceed the longest pause between two steps (the first step's tracing,
# validation) on the slowest worker.
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
    """This worker's Cluster, read from TF_CONFIG and MULTI_WORKER_TIMEOUT, or a one-line StageError."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        raise StageError(
            "train.strategy is multi_worker but TF_CONFIG is not set (expected e.g. "
            '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}; '
            "see docs/collaboration.md)"
        )
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as error:
        raise StageError(f"TF_CONFIG: not valid JSON ({error})") from None
    jobs = config.get("cluster") if isinstance(config, dict) else None
    workers = jobs.get("worker") if isinstance(jobs, dict) else None
    if set(jobs or {}) != {"worker"} or not isinstance(workers, list) or not workers:
        raise StageError('TF_CONFIG: expected "cluster": {"worker": ["host:port", ...]} and no other job')
    for address in workers:
        host, _, port = str(address).rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise StageError(f"TF_CONFIG: worker address {address!r} is not host:port")
    if len(set(workers)) != len(workers):
        raise StageError(f"TF_CONFIG: worker addresses must be distinct (got {workers})")
    task = config.get("task")
    index = task.get("index") if isinstance(task, dict) else None
    if task is None or task.get("type") != "worker" or type(index) is not int or not 0 <= index < len(workers):
        raise StageError(
            f'TF_CONFIG: expected "task": {{"type": "worker", "index": 0..{len(workers) - 1}}} (got {task!r})'
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
    """The MultiWorkerMirroredStrategy of `cluster`, with every wait on another worker bounded by its timeout."""
    milliseconds = int(cluster.timeout * 1000)
    # The strategy sets up this coordination service itself, without timeouts, unless one is configured first.
    context.context().configure_coordination_service(
        service_type="standalone",
        service_leader="/job:worker/replica:0/task:0",
        coordinated_jobs=[coordination_config_pb2.CoordinatedJob(name="worker", num_tasks=len(cluster.workers))],
        cluster_register_timeout_in_ms=milliseconds,
        heartbeat_timeout_in_ms=milliseconds,
        shutdown_barrier_timeout_in_ms=milliseconds,
    )
    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=cluster.timeout)
    try:
        return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    except tf.errors.OpError as error:
        raise StageError(
            f"worker {cluster.index}: could not form the cluster of {cluster.workers} within "
            f"{cluster.timeout:g} s, {_unreachable(cluster) or 'the chief did not answer'} "
            f"({type(error).__name__}): start every worker of TF_CONFIG, check its addresses, "
            f"or raise {TIMEOUT_VARIABLE}"
        ) from None


def _unreachable(cluster):
    """'unreachable: worker 1 (host:port), ...' for the other workers that refuse a connection now, or ''."""
    lost = []
    for index, address in enumerate(cluster.workers):
        host, _, port = address.rpartition(":")
        if index == cluster.index:
            continue
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=2).close()
        except OSError:
            lost.append(f"worker {index} ({address})")
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
