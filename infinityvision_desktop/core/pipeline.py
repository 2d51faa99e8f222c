"""The fine-tune pipeline: what `infinityvision train` and the training dialog both run.

Stage 1 trains a new head on a frozen base; stage 2 unfreezes the top blocks and trains with
SGD (Nesterov) on a one-cycle schedule (`optimization`). Training from scratch is stage 2 alone
with every layer open. Around each stage's `fit` (`training_callbacks`): augmentation, label
smoothing, lookahead weight averaging, early stopping that keeps the best weights, and a
checkpoint every epoch (`checkpoints`) that a stopped run resumes from and a finished run
deletes. At the end: calibration on held-out data (`calibration`), evaluation on the test split,
and the model file.

Headless first: progress goes to a `TrainingObserver`; the CLI prints it, the GUI worker
turns it into signals, tests record it. `fit(verbose=0)` always: windowed builds have no
stdout.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from pathlib import Path

import keras
import numpy as np

from infinityvision_desktop.core import evaluation as ev
from infinityvision_desktop.core.architectures import (
    DEFAULT_INPUT_SIZE,
    bfloat16_supported,
    build_model,
    convert_dtype,
    freeze_for_stage,
    replace_head,
)
from infinityvision_desktop.core.calibration import calibrate, fit_tta_below
from infinityvision_desktop.core.checkpoints import Checkpoint, checkpoint_folder
from infinityvision_desktop.core.datasets import (
    ALL,
    Augmentation,
    DatasetScan,
    load_dataset,
    make_tf_dataset,
    split_validation,
)
from infinityvision_desktop.core.distribution import Distribution
from infinityvision_desktop.core.modelfile import ModelMetadata, load_model_file, save_model_file
from infinityvision_desktop.core.optimization import Lookahead, OneCycleSchedule, make_optimizer
from infinityvision_desktop.core.training_callbacks import BatchProgress, BestTracker, EpochEnd, StopOnRequest
from infinityvision_desktop.core.training_config import TrainConfig, plan_stages
from infinityvision_desktop.core.training_observer import EpochMetrics, TrainingObserver, TrainResult


def fine_tune(
    cfg: TrainConfig, observer: TrainingObserver | None = None, *, scan: DatasetScan | None = None
) -> TrainResult:
    """Run the whole pipeline. Exceptions reach the caller after observer.failed().

    `scan`: the listing of `cfg.data` the caller already made (the dialog's), so it is not listed again.
    """
    observer = observer or TrainingObserver()
    try:
        distribution = Distribution.create(cfg.strategy)  # None for "default": no strategy, no scope
        with distribution.strategy.scope() if distribution else contextlib.nullcontext():
            result = _run(cfg, observer, distribution, scan)
    except InterruptedError:
        result = TrainResult(None, None, True, None, (), 0.0, "stopped while reading the data: nothing to keep")
    except BaseException as exc:
        observer.failed(exc)
        raise
    observer.finished(result)
    return result


def _run(
    cfg: TrainConfig, observer: TrainingObserver, distribution: Distribution | None, scan: DatasetScan | None
) -> TrainResult:
    started = time.perf_counter()
    keras.utils.set_random_seed(cfg.seed)
    mixed = bfloat16_supported() if cfg.mixed_precision is None else cfg.mixed_precision

    base_loaded = load_model_file(cfg.base) if cfg.base else None
    if base_loaded is not None and base_loaded.metadata.architecture.startswith("ensemble"):
        raise ValueError(
            f"{Path(cfg.base).name} combines two networks and cannot be fine-tuned as one: fine-tune "
            "one of them, or start from ImageNet weights with --arch efficientnet-lite0"
        )
    size = (
        base_loaded.metadata.input_size[0]
        if base_loaded
        else int(cfg.input_size or DEFAULT_INPUT_SIZE.get(cfg.arch, 32))
    )
    observer.message(f"Reading {cfg.data}")
    data = load_dataset(
        cfg.data,
        input_size=(size, size),
        on_progress=observer.data_progress,
        should_stop=observer.should_stop,
        max_per_class=cfg.max_per_class,
        scan=scan,
    )
    labels = data.labels
    train_split = ALL if ALL in data.splits else "train"
    x_all, y_all = data.splits[train_split]
    x_train, y_train, x_val, y_val = split_validation(x_all, y_all, cfg.val_share, seed=cfg.seed)
    test = data.splits.get("test")
    if len(x_train) < len(labels):
        raise ValueError(f"{cfg.data}: too few readable images to train on ({len(x_train)})")
    observer.message(
        f"{len(x_train)} training, {len(x_val)} validation"
        + (f", {len(test[0])} test" if test else "")
        + f" images; {len(data.unreadable)} unreadable"
    )

    model = _initial_model(cfg, base_loaded, labels, size, x_train, mixed)
    if distribution:
        model = distribution.prepare_model(model)
        observer.message(distribution.summary())
    stages = plan_stages(cfg)
    folder = checkpoint_folder(cfg)
    ckpt = Checkpoint(distribution.checkpoint_folder(folder) if distribution else folder, cfg)
    resume = ckpt.begin(resume=cfg.resume)
    history: list[EpochMetrics] = list(resume.history) if resume else []
    tracker = BestTracker(cfg.patience)
    if resume:
        tracker.best_accuracy, tracker.best_epoch = resume.best_accuracy, resume.best_epoch
        tracker.best_weights = ckpt.best_weights()
        observer.message(f"Resuming after epoch {len(history)} from {ckpt.folder}")

    augmentation = Augmentation(flip=cfg.flip, translate=cfg.translate, cutout=cfg.cutout)
    train_ds = make_tf_dataset(
        x_train,
        y_train,
        num_classes=len(labels),
        batch_size=cfg.batch_size,
        shuffle=True,
        augmentation=augmentation,
        seed=cfg.seed,
        drop_remainder=len(x_train) >= 2 * cfg.batch_size,
    )
    if distribution:
        train_ds = distribution.prepare_dataset(train_ds, cfg.batch_size)
    steps = (
        len(x_train) // cfg.batch_size
        if len(x_train) >= 2 * cfg.batch_size
        else math.ceil(len(x_train) / cfg.batch_size)
    )
    stopped = False
    for stage in stages:
        resuming_here = resume is not None and stage.index == resume.stage_index
        if resume is not None and stage.index < resume.stage_index:
            continue
        done_in_stage = resume.stage_epochs_done if resuming_here else 0
        freeze_for_stage(model, stage.trainable, unfreeze_blocks=cfg.unfreeze_blocks)
        optimizer = make_optimizer(stage, cfg)
        model.compile(
            optimizer=optimizer,
            loss=keras.losses.CategoricalCrossentropy(label_smoothing=cfg.label_smoothing),
            metrics=["accuracy"],
        )
        if resuming_here:
            ckpt.restore(model, optimizer)
        resume = None  # the stages after this one start afresh
        if done_in_stage >= stage.epochs:
            continue
        observer.stage_changed(stage, steps)
        stop = StopOnRequest(observer)
        callbacks = [stop, BatchProgress(observer, stage, steps)]
        lookahead = None
        if stage.optimizer == "sgd":
            callbacks.append(OneCycleSchedule(stage.learning_rate, stage.epochs * steps))
            if cfg.lookahead:
                lookahead = Lookahead(stage.epochs * steps, ckpt.lookahead_average() if resuming_here else None)
                callbacks.append(lookahead)
        callbacks.append(
            EpochEnd(
                stage=stage,
                history=history,
                tracker=tracker,
                checkpoint=ckpt,
                observer=observer,
                x_val=x_val,
                y_val=y_val,
                optimizer=optimizer,
                lookahead=lookahead,
                first_epoch=len(history) - done_in_stage,
                batch_size=cfg.batch_size,
                steps=steps,
            )
        )
        with distribution.fitting(model) if distribution else contextlib.nullcontext():
            model.fit(
                train_ds,
                epochs=stage.epochs,
                initial_epoch=done_in_stage,
                steps_per_epoch=steps,
                callbacks=callbacks,
                verbose=0,
                shuffle=False,
            )
        if stop.stopped:
            stopped = True
            break
        if tracker.patience_exhausted:
            observer.message(f"Early stopping: no better validation accuracy for {cfg.patience} epochs")
            if stage is not stages[-1]:
                tracker.reset_patience()
                continue
            break

    if not history:
        return TrainResult(
            None,
            None,
            stopped,
            None,
            tuple(history),
            time.perf_counter() - started,
            "stopped before the first epoch finished: nothing to keep",
        )
    best = tracker.best_weights if tracker.best_weights is not None else ckpt.best_weights()
    if best is not None:
        model.set_weights(best)
    observer.message("Calibrating and evaluating")
    final = convert_dtype(model, "float32") if mixed else model
    if distribution:
        final = distribution.finish_model(final)
    metadata = _finish_metadata(
        cfg,
        final,
        labels,
        size,
        history,
        stages,
        tracker,
        x_val,
        y_val,
        test,
        data,
        stopped,
        time.perf_counter() - started,
    )
    out = Path(cfg.out) if cfg.out else _default_out(cfg)
    if distribution:
        metadata = metadata.replace(provenance={**metadata.provenance, "distribution": distribution.describe()})
        out = distribution.model_path(out)
    observer.message(f"Saving {out}")
    save_model_file(final, metadata, out)
    if not stopped:
        ckpt.delete()  # finished: nothing left to resume; a stopped run keeps it for --resume
    return TrainResult(
        str(out),
        metadata,
        stopped,
        tracker.best_epoch,
        tuple(history),
        time.perf_counter() - started,
        "stopped: kept the best weights" if stopped else "finished",
    )


def _initial_model(cfg, base_loaded, labels, size, x_train, mixed):
    if base_loaded is not None:
        model = base_loaded.model
        if tuple(base_loaded.metadata.labels) != tuple(labels):
            model = replace_head(model, len(labels))
        return convert_dtype(model, "mixed_bfloat16") if mixed else model
    sample = x_train[np.random.default_rng(cfg.seed).permutation(len(x_train))[:5000]]
    return build_model(
        cfg.arch,
        num_classes=len(labels),
        input_size=size,
        widths=cfg.widths,
        whitening_images=sample,
        vgg_weights=cfg.vgg_weights,
        mixed_precision=mixed,
        backbone_size=cfg.backbone_size,
    )


def _finish_metadata(cfg, model, labels, size, history, stages, tracker, x_val, y_val, test, data, stopped, seconds):
    from infinityvision_desktop.core.predictor import TTA_BELOW, Predictor

    metadata = ModelMetadata(
        labels=tuple(labels),
        input_size=(size, size),
        name=Path(cfg.out).stem if cfg.out else f"{cfg.arch}",
        architecture=cfg.arch + (f" ({cfg.widths})" if cfg.arch == "airbench" else ""),
        tta=("flip",) if cfg.tta else (),
        history=tuple(h.to_dict() for h in history),
        stages=tuple(
            {
                "name": s.name,
                "epochs": s.epochs,
                "learning_rate": s.learning_rate,
                "optimizer": s.optimizer,
                "trainable": s.trainable,
            }
            for s in stages
        ),
    )
    if len(x_val) and metadata.tta:
        # the extra views only for unsure answers, if that changes (almost) no held-out answer
        every_view = Predictor(model, metadata.replace(tta_below=1.0)).raw_probabilities(x_val)
        first = Predictor(model, metadata.replace(tta=())).raw_probabilities(x_val)
        metadata = metadata.replace(tta_below=fit_tta_below(first, every_view, TTA_BELOW))
    predictor = Predictor(model, metadata)
    if len(x_val):
        metadata = calibrate(predictor.raw_probabilities(x_val), y_val, labels).apply(metadata)
        predictor.metadata = metadata
    evaluation = None
    if test is not None:
        evaluation = ev.evaluate(predictor.probabilities(test[0]), test[1], labels).to_dict()
    provenance = {
        "trained_by": "infinityvision train",
        "data": str(cfg.data),
        "config": dataclasses.asdict(cfg),
        "seconds": round(seconds, 1),
        "best_epoch": tracker.best_epoch,
        "stopped": stopped,
        "unreadable_files": len(data.unreadable),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
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


def _default_out(cfg: TrainConfig) -> Path:
    from infinityvision_desktop.paths import user_data_dir

    return user_data_dir() / "models" / f"{cfg.arch}-{time.strftime('%Y%m%d-%H%M%S')}.h5"
