"""The fine-tune pipeline: what `infinityvision train` and the training dialog both run.

Stage 1 trains a new head on a frozen base; stage 2 unfreezes the top blocks and trains with
SGD (Nesterov) on a one-cycle schedule. Training from scratch is stage 2 alone with every
layer open. Around that: augmentation, label smoothing, lookahead weight averaging,
early stopping that keeps the best weights, a checkpoint every epoch with resume, and at
the end calibration on held-out data and evaluation on the test split.

Headless first: progress goes to a `TrainingObserver`; the CLI prints it, the GUI worker
turns it into signals, tests record it. `fit(verbose=0)` always: windowed builds have no
stdout.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import shutil
import time
from pathlib import Path

import keras
import numpy as np

from infinityvision_desktop.core import evaluation as ev
from infinityvision_desktop.core.architectures import (
    DEFAULT_INPUT_SIZE, bfloat16_supported, build_model, convert_dtype, freeze_for_stage, replace_head,
)
from infinityvision_desktop.core.datasets import ALL, Augmentation, load_dataset, make_tf_dataset, split_validation
from infinityvision_desktop.core.modelfile import ModelMetadata, load_model_file, save_model_file
from infinityvision_desktop.core.training import (
    CHECKPOINT_VERSION, EpochMetrics, Stage, TrainConfig, TrainingObserver, TrainResult, default_checkpoint_dir,
    one_cycle, plan_stages, read_checkpoint_state,
)


# ---------------------------------------------------------------- the run

def fine_tune(cfg: TrainConfig, observer: TrainingObserver | None = None) -> TrainResult:
    """Run the whole pipeline. Exceptions reach the caller after observer.failed()."""
    observer = observer or TrainingObserver()
    try:
        distribution = Distribution.create(cfg.strategy)  # None for "default": no strategy, no scope
        with distribution.strategy.scope() if distribution else contextlib.nullcontext():
            result = _run(cfg, observer, distribution)
    except InterruptedError:
        result = TrainResult(None, None, True, None, (), 0.0, "stopped while reading the data: nothing to keep")
    except BaseException as exc:
        observer.failed(exc)
        raise
    observer.finished(result)
    return result


def _run(cfg: TrainConfig, observer: TrainingObserver, distribution: "Distribution | None" = None) -> TrainResult:
    started = time.perf_counter()
    keras.utils.set_random_seed(cfg.seed)
    mixed = bfloat16_supported() if cfg.mixed_precision is None else cfg.mixed_precision

    base_loaded = load_model_file(cfg.base) if cfg.base else None
    if base_loaded is not None and base_loaded.metadata.architecture.startswith("ensemble"):
        raise ValueError(f"{Path(cfg.base).name} combines two networks and cannot be fine-tuned as one: fine-tune "
                         "one of them, or start from ImageNet weights with --arch efficientnet-lite0")
    size = (base_loaded.metadata.input_size[0] if base_loaded else
            int(cfg.input_size or DEFAULT_INPUT_SIZE.get(cfg.arch, 32)))
    observer.message(f"Reading {cfg.data}")
    data = load_dataset(cfg.data, input_size=(size, size), on_progress=observer.data_progress,
                        should_stop=observer.should_stop, max_per_class=cfg.max_per_class)
    labels = data.labels
    train_split = ALL if ALL in data.splits else "train"
    x_all, y_all = data.splits[train_split]
    x_train, y_train, x_val, y_val = split_validation(x_all, y_all, cfg.val_share, seed=cfg.seed)
    test = data.splits.get("test")
    if len(x_train) < len(labels):
        raise ValueError(f"{cfg.data}: too few readable images to train on ({len(x_train)})")
    observer.message(f"{len(x_train)} training, {len(x_val)} validation"
                     + (f", {len(test[0])} test" if test else "") + f" images; {len(data.unreadable)} unreadable")

    model = _initial_model(cfg, base_loaded, labels, size, x_train, mixed)
    if distribution:
        model = distribution.prepare_model(model)
        observer.message(distribution.summary())
    stages = plan_stages(cfg)
    ckpt = Checkpoint(Path(cfg.checkpoint_dir) if cfg.checkpoint_dir else _default_checkpoint_dir(cfg), cfg)
    if distribution:
        ckpt.folder = distribution.checkpoint_folder(ckpt.folder)
    state = ckpt.load_state() if cfg.resume else None
    if not cfg.resume:
        ckpt.clear()
    history: list[EpochMetrics] = [EpochMetrics(**h) for h in state["history"]] if state else []
    tracker = BestTracker(cfg.patience)
    if state:
        tracker.best_accuracy = state.get("best_accuracy")
        tracker.best_epoch = state.get("best_epoch")
        observer.message(f"Resuming after epoch {len(history)} from {ckpt.folder}")

    augmentation = Augmentation(flip=cfg.flip, translate=cfg.translate, cutout=cfg.cutout)
    train_ds = make_tf_dataset(x_train, y_train, num_classes=len(labels), batch_size=cfg.batch_size,
                               shuffle=True, augmentation=augmentation, seed=cfg.seed,
                               drop_remainder=len(x_train) >= 2 * cfg.batch_size)
    if distribution:
        train_ds = distribution.prepare_dataset(train_ds, cfg.batch_size)
    steps = len(x_train) // cfg.batch_size if len(x_train) >= 2 * cfg.batch_size else math.ceil(len(x_train) / cfg.batch_size)
    stopped = False
    for stage in stages:
        done_in_stage = 0
        if state:
            if stage.index < state["stage_index"]:
                continue
            if stage.index == state["stage_index"]:
                done_in_stage = state["stage_epochs_done"]
        freeze_for_stage(model, stage.trainable, unfreeze_blocks=cfg.unfreeze_blocks)
        optimizer = _optimizer(stage, cfg)
        model.compile(optimizer=optimizer,
                      loss=keras.losses.CategoricalCrossentropy(label_smoothing=cfg.label_smoothing),
                      metrics=["accuracy"])
        if state and stage.index == state["stage_index"]:
            ckpt.restore(model, optimizer, tracker)
        if done_in_stage >= stage.epochs:
            state = None
            continue
        observer.stage_changed(stage, steps)
        callbacks = [
            StopOnRequest(observer),
            BatchProgress(observer, stage, steps),
        ]
        lookahead = Lookahead(stage.epochs * steps) if (cfg.lookahead and stage.optimizer == "sgd") else None
        if stage.optimizer == "sgd":
            callbacks.append(OneCycleSchedule(stage.learning_rate, stage.epochs * steps))
        if lookahead:
            if state and stage.index == state["stage_index"]:
                ckpt.restore_lookahead(model, lookahead)
            callbacks.append(lookahead)
        epoch_end = EpochEnd(stage=stage, history=history, tracker=tracker, checkpoint=ckpt,
                             observer=observer, x_val=x_val, y_val=y_val, optimizer=optimizer,
                             lookahead=lookahead, first_epoch=len(history) - done_in_stage,
                             batch_size=cfg.batch_size, label_smoothing=cfg.label_smoothing, steps=steps)
        callbacks.append(epoch_end)
        with distribution.fitting(model) if distribution else contextlib.nullcontext():
            model.fit(train_ds, epochs=stage.epochs, initial_epoch=done_in_stage, steps_per_epoch=steps,
                      callbacks=callbacks, verbose=0, shuffle=False)
        state = None
        if callbacks[0].stopped:
            stopped = True
            break
        if tracker.patience_exhausted:
            observer.message(f"Early stopping: no better validation accuracy for {cfg.patience} epochs")
            if stage is not stages[-1]:
                tracker.reset_patience()
                continue
            break

    if not history:
        return TrainResult(None, None, stopped, None, tuple(history), time.perf_counter() - started,
                           "stopped before the first epoch finished: nothing to keep")
    if tracker.best_weights is not None:
        model.set_weights(tracker.best_weights)
    elif ckpt.has_best():
        model.set_weights(ckpt.best_weights())
    observer.message("Calibrating and evaluating")
    final = convert_dtype(model, "float32") if mixed else model
    if distribution:
        final = distribution.finish_model(final)
    metadata = _finish_metadata(cfg, final, labels, size, history, stages, tracker, x_val, y_val, test, data,
                                stopped, time.perf_counter() - started)
    out = Path(cfg.out) if cfg.out else _default_out(cfg)
    if distribution:
        metadata = metadata.replace(provenance={**metadata.provenance, "distribution": distribution.describe()})
        out = distribution.model_path(out)
    observer.message(f"Saving {out}")
    save_model_file(final, metadata, out)
    return TrainResult(str(out), metadata, stopped, tracker.best_epoch, tuple(history),
                       time.perf_counter() - started, "stopped: kept the best weights" if stopped else "finished")


def _initial_model(cfg, base_loaded, labels, size, x_train, mixed):
    if base_loaded is not None:
        model = base_loaded.model
        if tuple(base_loaded.metadata.labels) != tuple(labels):
            model = replace_head(model, len(labels))
        return convert_dtype(model, "mixed_bfloat16") if mixed else model
    sample = x_train[np.random.default_rng(cfg.seed).permutation(len(x_train))[:5000]]
    return build_model(cfg.arch, num_classes=len(labels), input_size=size, widths=cfg.widths,
                       whitening_images=sample, vgg_weights=cfg.vgg_weights, mixed_precision=mixed,
                       backbone_size=cfg.backbone_size)


def _optimizer(stage: Stage, cfg: TrainConfig):
    if stage.optimizer == "adam":
        return keras.optimizers.Adam(stage.learning_rate)
    return BiasScaledSGD(stage.learning_rate, momentum=cfg.momentum, nesterov=True,
                         weight_decay=cfg.weight_decay or None, bias_scale=cfg.bias_scale)


class BiasScaledSGD(keras.optimizers.SGD):
    """SGD whose BatchNorm shifts learn `bias_scale` times faster than the weights
    (airbench's bias_scaler: BatchNorm makes the weights scale-free, not the shifts)."""

    def __init__(self, *args, bias_scale: float = 1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.bias_scale = bias_scale

    def apply(self, grads, trainable_variables=None):
        variables = trainable_variables if trainable_variables is not None else self._trainable_variables
        if self.bias_scale != 1.0:
            grads = [g * self.bias_scale if g is not None and _is_norm_shift(v) else g
                     for g, v in zip(grads, variables)]
        return super().apply(grads, trainable_variables)


def _is_norm_shift(variable) -> bool:
    return variable.path.endswith("/beta") if hasattr(variable, "path") else variable.name == "beta"


def _finish_metadata(cfg, model, labels, size, history, stages, tracker, x_val, y_val, test, data, stopped, seconds):
    from infinityvision_desktop.core.predictor import Predictor

    metadata = ModelMetadata(
        labels=tuple(labels), input_size=(size, size), name=Path(cfg.out).stem if cfg.out else f"{cfg.arch}",
        architecture=cfg.arch + (f" ({cfg.widths})" if cfg.arch == "airbench" else ""),
        tta=("flip",) if cfg.tta else (),
        history=tuple(h.to_dict() for h in history),
        stages=tuple({"name": s.name, "epochs": s.epochs, "learning_rate": s.learning_rate,
                      "optimizer": s.optimizer, "trainable": s.trainable} for s in stages),
    )
    predictor = Predictor(model, metadata)
    validation = None
    if len(x_val):
        raw = predictor.raw_probabilities(x_val)
        temperature = ev.fit_temperature(raw, y_val)
        calibrated = ev.apply_temperature(raw, temperature)
        threshold = ev.fit_not_sure_threshold(calibrated, y_val)
        validation = ev.evaluate(calibrated, y_val, labels).to_dict()
        metadata = metadata.replace(temperature=float(temperature), not_sure_threshold=float(threshold),
                                    validation=validation)
        predictor.metadata = metadata
    evaluation = None
    if test is not None:
        evaluation = ev.evaluate(predictor.probabilities(test[0]), test[1], labels).to_dict()
    provenance = {
        "trained_by": "infinityvision train", "data": str(cfg.data), "config": dataclasses.asdict(cfg),
        "seconds": round(seconds, 1), "best_epoch": tracker.best_epoch, "stopped": stopped,
        "unreadable_files": len(data.unreadable), "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "train_images": int(len(data.splits[ALL if ALL in data.splits else "train"][0]) - len(x_val)),
        "validation_images": int(len(x_val)),
    }
    if cfg.arch == "efficientnet-lite0" and not cfg.base:
        provenance["backbone"] = backbone_source()
    elif base_provenance := _base_provenance(cfg):
        provenance["backbone"] = base_provenance
    return metadata.replace(evaluation=evaluation, provenance=provenance)


def backbone_source(arch: str = "efficientnet-lite0") -> dict:
    """Where the ImageNet weights came from and their license, as the backbone file records it."""
    from infinityvision_desktop.core.architectures import backbone_path
    from infinityvision_desktop.core.modelfile import read_metadata

    try:
        return dict(read_metadata(backbone_path(arch)).provenance.get("source", {}))
    except Exception:  # the record is informative; a missing one must not fail a finished run
        return {}


def _base_provenance(cfg: TrainConfig) -> dict:
    from infinityvision_desktop.core.modelfile import read_metadata

    try:
        return dict(read_metadata(cfg.base).provenance.get("backbone", {})) if cfg.base else {}
    except Exception:
        return {}


def _default_checkpoint_dir(cfg: TrainConfig) -> Path:
    return default_checkpoint_dir(cfg)


def _default_out(cfg: TrainConfig) -> Path:
    from infinityvision_desktop.paths import user_data_dir

    return user_data_dir() / "models" / f"{cfg.arch}-{time.strftime('%Y%m%d-%H%M%S')}.h5"


# ---------------------------------------------------------------- tf.distribute

STRATEGIES = ("default", "mirrored", "multi-worker")
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
    def create(cls, name: str) -> "Distribution | None":
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
            raise ValueError("multi-worker training must start in a fresh process, before TensorFlow has run "
                             f"anything: run `infinityvision train --strategy multi-worker` on each worker ({exc})") from None
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
        return (f"Training under {self.strategy_name}: {self.replicas} replica(s) in sync, "
                f"on {devices} here{where}")

    def describe(self) -> dict:
        """What the saved model's provenance records about how it was trained."""
        record = {"strategy": self.strategy_name, "replicas": self.replicas,
                  "devices": list(self.strategy.extended.worker_devices)}
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
            raise ValueError(f"the batch size {batch_size} does not split evenly between {self.replicas} replicas: "
                             f"use a multiple of {self.replicas}")
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
        raise ValueError("--strategy multi-worker needs the TF_CONFIG environment variable: the addresses of "
                         f"all workers and which one this is, {hint}")
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"TF_CONFIG is not valid JSON ({exc}): {hint}") from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    if not isinstance(cluster, dict):
        raise ValueError(f'TF_CONFIG has no "cluster": {hint}')
    other = sorted(set(cluster) - {"chief", "worker"})
    if other:
        raise ValueError(f"TF_CONFIG's cluster has {', '.join(other)}: multi-worker training has only "
                         f'"worker" (and at most one "chief") tasks')
    if not cluster:
        raise ValueError(f'TF_CONFIG\'s cluster lists no "worker" addresses: {hint}')
    for kind, addresses in cluster.items():
        if (not isinstance(addresses, list) or not addresses
                or not all(isinstance(a, str) and a.rpartition(":")[2].isdigit() for a in addresses)):
            raise ValueError(f'TF_CONFIG\'s "{kind}" must be a list of "host:port" addresses, not {addresses!r}')
    if len(cluster.get("chief", [])) > 1:
        raise ValueError("TF_CONFIG's cluster has more than one chief")
    task = config.get("task")
    if not isinstance(task, dict) or task.get("type") not in cluster:
        raise ValueError(f'TF_CONFIG\'s "task" must say which of the cluster\'s tasks this is, '
                         f'e.g. {{"type": "worker", "index": 0}}; got {task!r}')
    index = task.get("index", 0)
    count = len(cluster[task["type"]])
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
        raise ValueError(f'TF_CONFIG\'s task index {index!r} is not one of the {count} "{task["type"]}" '
                         f"addresses (0 to {count - 1})")
    return config


def _synchronize_batch_norm(model, on: bool) -> None:
    """BatchNorm statistics over the global batch (all replicas) or each replica's share of it."""
    def visit(layer):
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.synchronized = on
        for inner in getattr(layer, "layers", ()):
            visit(inner)

    visit(model)


# ---------------------------------------------------------------- callbacks

class StopOnRequest(keras.callbacks.Callback):
    """Turns observer.should_stop() into model.stop_training: fit ends after the current batch."""

    def __init__(self, observer: TrainingObserver):
        super().__init__()
        self.observer = observer
        self.stopped = False

    def on_train_batch_end(self, batch, logs=None):
        if not self.stopped and self.observer.should_stop():
            self.stopped = True
            self.model.stop_training = True


class BatchProgress(keras.callbacks.Callback):
    def __init__(self, observer: TrainingObserver, stage: Stage, steps: int):
        super().__init__()
        self.observer, self.stage, self.steps = observer, stage, steps
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        loss = float(logs.get("loss", float("nan"))) if logs else float("nan")
        self.observer.batch_done(self.stage, self.epoch, batch + 1, self.steps, loss)


class OneCycleSchedule(keras.callbacks.Callback):
    def __init__(self, peak: float, total_steps: int):
        super().__init__()
        self.peak, self.total = peak, max(1, total_steps)

    def on_train_batch_begin(self, batch, logs=None):
        step = int(self.model.optimizer.iterations.numpy())
        self.model.optimizer.learning_rate = self.peak * one_cycle(step / self.total)


class Lookahead(keras.callbacks.Callback):
    """airbench's lookahead: every 5 steps pull the weights to a running average whose
    weight grows as (progress)^3 towards 0.95^5; at the end the average is the model."""

    every = 5

    def __init__(self, total_steps: int):
        super().__init__()
        self.total = max(1, total_steps)
        self.average: list[np.ndarray] | None = None

    def _variables(self):
        return self.model.trainable_variables

    def on_train_begin(self, logs=None):
        if self.average is None:
            self.average = [v.numpy() for v in self._variables()]

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.optimizer.iterations.numpy())
        if step % self.every:
            return
        alpha = 0.95 ** 5 * (step / self.total) ** 3
        self._pull(alpha)

    def _pull(self, alpha: float) -> None:
        for i, variable in enumerate(self._variables()):
            mixed = alpha * self.average[i] + (1 - alpha) * variable.numpy()
            self.average[i] = mixed
            variable.assign(mixed)

    def finalize(self) -> None:
        for variable, value in zip(self._variables(), self.average):
            variable.assign(value)


class BestTracker:
    """Best validation accuracy so far and its weights; patience for early stopping."""

    def __init__(self, patience: int):
        self.patience = patience
        self.best_accuracy: float | None = None
        self.best_epoch: int | None = None
        self.best_weights: list[np.ndarray] | None = None
        self.since_best = 0

    def update(self, epoch: int, accuracy: float | None, weights_fn) -> bool:
        if accuracy is None:
            # no held-out data: the latest epoch is the best we know
            self.best_epoch, self.best_weights = epoch, weights_fn()
            return True
        if self.best_accuracy is None or accuracy >= self.best_accuracy:
            self.best_accuracy, self.best_epoch, self.best_weights = accuracy, epoch, weights_fn()
            self.since_best = 0
            return True
        self.since_best += 1
        return False

    @property
    def patience_exhausted(self) -> bool:
        return self.patience > 0 and self.since_best >= self.patience

    def reset_patience(self) -> None:
        self.since_best = 0


class EpochEnd(keras.callbacks.Callback):
    """Validation, best weights, early stopping, history and the checkpoint, once per epoch."""

    def __init__(self, *, stage, history, tracker, checkpoint, observer, x_val, y_val, optimizer,
                 lookahead, first_epoch, batch_size, label_smoothing, steps):
        super().__init__()
        self.stage, self.history, self.tracker, self.checkpoint = stage, history, tracker, checkpoint
        self.observer, self.x_val, self.y_val, self.optimizer = observer, x_val, y_val, optimizer
        self.lookahead, self.first_epoch, self.batch_size = lookahead, first_epoch, batch_size
        self.label_smoothing, self.steps = label_smoothing, steps
        self.started = time.perf_counter()
        self.batches_done = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()
        self.batches_done = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches_done = batch + 1

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stop_training and self.observer.should_stop() and self.batches_done < self.steps:
            return  # a stopped, partial epoch is neither validated nor kept (a stop on its last batch is whole)
        last = epoch + 1 == self.stage.epochs
        if last and self.lookahead:
            self.lookahead.finalize()
        val_loss = val_accuracy = None
        if len(self.x_val):
            probs = self.model.predict(self.x_val.astype(np.float32), batch_size=self.batch_size, verbose=0)
            probs = np.asarray(probs, dtype=np.float64)
            val_accuracy = float(np.mean(np.argmax(probs, axis=1) == self.y_val))
            val_loss = float(-np.mean(np.log(np.clip(probs[np.arange(len(self.y_val)), self.y_val], 1e-12, None))))
        logs = logs or {}
        metrics = EpochMetrics(
            stage=self.stage.name, stage_index=self.stage.index,
            epoch=self.first_epoch + epoch + 1, stage_epoch=epoch + 1, stage_epochs=self.stage.epochs,
            loss=float(logs.get("loss", float("nan"))), accuracy=float(logs.get("accuracy", float("nan"))),
            val_loss=val_loss, val_accuracy=val_accuracy,
            learning_rate=float(np.asarray(self.optimizer.learning_rate)),
            seconds=round(time.perf_counter() - self.started, 2),
        )
        self.history.append(metrics)
        improved = self.tracker.update(metrics.epoch, val_accuracy, self.model.get_weights)
        self.checkpoint.save(self.model, self.optimizer, self.lookahead, self.stage, epoch + 1,
                             self.history, self.tracker, improved)
        self.observer.epoch_done(metrics)
        if self.tracker.patience_exhausted:
            self.model.stop_training = True


# ---------------------------------------------------------------- checkpoints

class Checkpoint:
    """One folder per run: epoch-N/ holds weights, optimizer and lookahead state; state.json
    (written last, atomically) says which epoch folder is current, so a kill mid-write loses
    at most the epoch being written."""

    def __init__(self, folder: Path, cfg: TrainConfig):
        self.folder = folder
        self.cfg = cfg

    def clear(self) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)

    def load_state(self) -> dict | None:
        state = read_checkpoint_state(self.folder, self.cfg)
        if state is None:
            return None
        self.state = state
        return state

    def save(self, model, optimizer, lookahead, stage: Stage, stage_epochs_done: int, history, tracker, improved):
        self.folder.mkdir(parents=True, exist_ok=True)
        epoch = len(history)
        target = self.folder / f"epoch-{epoch}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        model.save_weights(target / "model.weights.h5")
        np.savez(target / "optimizer.npz", *[np.asarray(v) for v in optimizer.variables])
        if lookahead is not None and lookahead.average is not None:
            np.savez(target / "lookahead.npz", *lookahead.average)
        if improved and tracker.best_weights is not None:
            np.savez(self.folder / "best.tmp.npz", *tracker.best_weights)
            os.replace(self.folder / "best.tmp.npz", self.folder / "best.npz")
        state = {
            "version": CHECKPOINT_VERSION, "fingerprint": self.cfg.fingerprint(), "current": target.name,
            "stage_index": stage.index, "stage_epochs_done": stage_epochs_done,
            "stage_finished": stage_epochs_done >= stage.epochs,
            "history": [h.to_dict() for h in history],
            "best_accuracy": tracker.best_accuracy, "best_epoch": tracker.best_epoch,
            # lets the app offer this run for resume after a restart (training.resumable_runs)
            "config": dataclasses.asdict(self.cfg),
        }
        temp = self.folder / "state.json.tmp"
        temp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temp, self.folder / "state.json")
        for old in self.folder.glob("epoch-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def restore(self, model, optimizer, tracker: BestTracker) -> None:
        current = self.folder / self.state["current"]
        # built first: the weights file holds the optimizer's slots too, and Keras warns
        # ("Skipping variable loading for optimizer") when they have nowhere to go
        optimizer.build(model.trainable_variables)
        model.load_weights(current / "model.weights.h5")
        with np.load(current / "optimizer.npz") as saved:
            values = [saved[f"arr_{i}"] for i in range(len(saved.files))]
        if len(values) == len(optimizer.variables):
            for variable, value in zip(optimizer.variables, values):
                variable.assign(value)
        if self.has_best():
            tracker.best_weights = self.best_weights()

    def restore_lookahead(self, model, lookahead: Lookahead) -> None:
        path = self.folder / self.state["current"] / "lookahead.npz"
        if path.exists():
            with np.load(path) as saved:
                lookahead.average = [saved[f"arr_{i}"] for i in range(len(saved.files))]

    def has_best(self) -> bool:
        return (self.folder / "best.npz").exists()

    def best_weights(self) -> list[np.ndarray]:
        with np.load(self.folder / "best.npz") as saved:
            return [saved[f"arr_{i}"] for i in range(len(saved.files))]
