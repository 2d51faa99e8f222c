"""Training under tf.distribute: `infinityvision train --strategy mirrored|multi-worker`.

`Distribution` wraps the strategy a run asks for; `fine_tune` enters its scope around the whole
run and asks it to prepare the model, the dataset and the paths it writes. "default" has none.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import keras
import numpy as np

from infinityvision_desktop.core.training_config import STRATEGIES

TF_CONFIG_EXAMPLE = '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}'


class Distribution:
    """The tf.distribute strategy a run trains under ("mirrored" or "multi-worker"; "default" has none).

    fine_tune enters `strategy.scope()` around the whole run, so the model (built, loaded, given a
    new head, converted), each stage's optimizer and `compile` are created in it. The batch size
    is the global batch: Keras splits each batch of the one tf.data pipeline between the
    replicas and sums their gradients (BiasScaledSGD scales its per-replica gradients before that
    sum, which is the same). BatchNorm computes its batch statistics over the global batch
    (`synchronized`) when there is more than one replica, so N replicas train the network one
    device would; the saved model is unsynchronized again. The callbacks run in the cross-replica
    context, where reading a mirrored variable (`.numpy()`) reads its first copy and `.assign`
    writes every copy: Lookahead, the one-cycle learning rate, checkpoints and `predict` work
    unchanged. Under multi-worker every worker runs the same command; only the chief writes to
    --out and the checkpoint folder, the others beside them with ".worker-N".

    Keras's own `fit` under a strategy first pulls a batch through a throwaway iterator and
    reduces it across replicas to build the model (`_maybe_symbolic_build`). With more than one
    worker that reduce fails (keras-team/keras#20585: the TensorFlow multi-worker tutorial fails
    the same way), and it moves the seeded shuffle and augmentation one iteration along, so a
    mirrored run would see other batches than a default one. `fitting` builds the same state from
    shapes instead and lets `fit` skip that step: a mirrored run on 2 devices equals the
    single-device run to about 1e-7 (tests/core/test_distribute.py).
    """

    def __init__(self, name: str, strategy):
        self.name, self.strategy = name, strategy

    @classmethod
    def create(cls, name: str) -> Distribution | None:
        """The strategy `name` asks for (None for "default"); ValueError when it cannot be had."""
        if name == "default":
            return None
        if name not in STRATEGIES:
            raise ValueError(f"unknown strategy '{name}': choose one of {', '.join(STRATEGIES)}")
        import tensorflow as tf

        if name == "mirrored":
            # MirroredStrategy() alone takes the GPUs, or one CPU however many logical CPUs are set up
            devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
            return cls(name, tf.distribute.MirroredStrategy([device.name for device in devices]))
        check_tf_config(os.environ.get("TF_CONFIG"))
        try:
            strategy = tf.distribute.MultiWorkerMirroredStrategy()
        except RuntimeError as exc:  # "Collective ops must be configured at program startup"
            raise ValueError(
                "multi-worker training must start in a fresh process, before TensorFlow has run "
                f"anything: run `infinityvision train --strategy multi-worker` on each worker ({exc})"
            ) from None
        return cls(name, strategy)

    @property
    def strategy_name(self) -> str:
        # tf.distribute's public names (MultiWorkerMirroredStrategy's class is CollectiveAllReduceStrategy)
        return {"mirrored": "MirroredStrategy", "multi-worker": "MultiWorkerMirroredStrategy"}[self.name]

    @property
    def replicas(self) -> int:
        return int(self.strategy.num_replicas_in_sync)

    @property
    def is_chief(self) -> bool:
        return self.name != "multi-worker" or bool(self.strategy.extended.should_checkpoint)

    @property
    def task(self) -> str | None:
        resolver = getattr(self.strategy, "cluster_resolver", None)
        return f"{resolver.task_type}:{resolver.task_id}" if resolver is not None and resolver.task_type else None

    def summary(self) -> str:
        devices = ", ".join(self.strategy.extended.worker_devices)
        where = f"; this is {self.task}" + (" (chief)" if self.is_chief else "") if self.name == "multi-worker" else ""
        return f"Training under {self.strategy_name}: {self.replicas} replica(s) in sync, on {devices} here{where}"

    def describe(self) -> dict:
        """What the saved model's provenance records about how it was trained."""
        record = {
            "strategy": self.strategy_name,
            "replicas": self.replicas,
            "devices": list(self.strategy.extended.worker_devices),
        }
        if self.name == "multi-worker":
            record["task"] = self.task
        return record

    @contextlib.contextmanager
    def fitting(self, model):
        """Around `model.fit`: the loss, metrics and optimizer state built in the scope, from shapes."""
        if getattr(model, "_distribute_strategy", None) is None or not hasattr(model, "_symbolic_build"):
            yield  # a Keras without these internals: its own build
            return
        x = np.zeros((1, *model.input_shape[1:]), np.float32)
        y = np.zeros((1, *model.output_shape[1:]), np.float32)
        model._symbolic_build(data_batch=(x, y))
        # with no strategy of its own the model takes the one in scope (`distribute_strategy`),
        # which fine_tune holds for the whole run; only the build from a batch is skipped
        saved, model._distribute_strategy = model._distribute_strategy, None
        if self.name == "multi-worker":
            # Keras averages the per-replica logs across workers with reduce("MEAN", v, axis=0),
            # which fails on the scalars train_step returns: each gets an axis of length 1 to reduce
            import tensorflow as tf

            step = model.train_step
            model.train_step = lambda data: tf.nest.map_structure(lambda v: tf.reshape(v, [1]), step(data))
        try:
            yield
        finally:
            model._distribute_strategy = saved
            if self.name == "multi-worker":
                del model.train_step

    def prepare_model(self, model):
        if self.replicas > 1:
            _synchronize_batch_norm(model, True)
        return model

    def finish_model(self, model):
        _synchronize_batch_norm(model, False)
        return model

    def prepare_dataset(self, dataset, batch_size: int):
        if batch_size % self.replicas:
            # Keras averages the loss per replica: unequal shares would weigh some images more
            raise ValueError(
                f"the batch size {batch_size} does not split evenly between {self.replicas} replicas: "
                f"use a multiple of {self.replicas}"
            )
        if self.name != "multi-worker":
            return dataset
        import tensorflow as tf

        # in-memory arrays have no files to shard: every worker reads the same pipeline (same shuffle seed)
        # and keeps its share of each global batch, as the auto-shard fallback would after a warning
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
        return dataset.with_options(options)

    def model_path(self, out: Path) -> Path:
        return out if self.is_chief else out.with_name(f"{out.stem}.{self._worker_suffix()}{out.suffix}")

    def checkpoint_folder(self, folder: Path) -> Path:
        return folder if self.is_chief else folder.with_name(f"{folder.name}.{self._worker_suffix()}")

    def _worker_suffix(self) -> str:
        resolver = self.strategy.cluster_resolver
        return f"{resolver.task_type}-{resolver.task_id}"


def check_tf_config(text: str | None) -> dict:
    """TF_CONFIG parsed and checked as MultiWorkerMirroredStrategy reads it; ValueError says what is wrong."""
    hint = f"e.g. TF_CONFIG='{TF_CONFIG_EXAMPLE}' (the same cluster on every worker, each its own index)"
    if not text or not text.strip():
        raise ValueError(
            "--strategy multi-worker needs the TF_CONFIG environment variable: the addresses of "
            f"all workers and which one this is, {hint}"
        )
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"TF_CONFIG is not valid JSON ({exc}): {hint}") from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    if not isinstance(cluster, dict):
        raise ValueError(f'TF_CONFIG has no "cluster": {hint}')
    other = sorted(set(cluster) - {"chief", "worker"})
    if other:
        raise ValueError(
            f"TF_CONFIG's cluster has {', '.join(other)}: multi-worker training has only "
            f'"worker" (and at most one "chief") tasks'
        )
    if not cluster:
        raise ValueError(f'TF_CONFIG\'s cluster lists no "worker" addresses: {hint}')
    for kind, addresses in cluster.items():
        if (
            not isinstance(addresses, list)
            or not addresses
            or not all(isinstance(a, str) and a.rpartition(":")[2].isdigit() for a in addresses)
        ):
            raise ValueError(f'TF_CONFIG\'s "{kind}" must be a list of "host:port" addresses, not {addresses!r}')
    if len(cluster.get("chief", [])) > 1:
        raise ValueError("TF_CONFIG's cluster has more than one chief")
    task = config.get("task")
    if not isinstance(task, dict) or task.get("type") not in cluster:
        raise ValueError(
            f"TF_CONFIG's \"task\" must say which of the cluster's tasks this is, "
            f'e.g. {{"type": "worker", "index": 0}}; got {task!r}'
        )
    index = task.get("index", 0)
    count = len(cluster[task["type"]])
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
        raise ValueError(
            f'TF_CONFIG\'s task index {index!r} is not one of the {count} "{task["type"]}" addresses (0 to {count - 1})'
        )
    return config


def _synchronize_batch_norm(model, on: bool) -> None:
    """BatchNorm statistics over the global batch (all replicas) or each replica's share of it."""

    def visit(layer):
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.synchronized = on
        for inner in getattr(layer, "layers", ()):
            visit(inner)

    visit(model)
