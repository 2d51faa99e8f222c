"""Values of the fine-tune pipeline: its configuration, stages, progress and result.

Kept apart from `pipeline` so the GUI and CLI can build a `TrainConfig` and receive
`EpochMetrics` without importing TensorFlow.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from infinityvision_desktop.core.modelfile import ModelMetadata

@dataclass(frozen=True)
class TrainConfig:
    data: str
    arch: str = "airbench"
    widths: str | tuple = "small"       # airbench: "small" (64/256/256) or "large" (128/384/384)
    base: str | None = None             # a model file to fine-tune; None trains `arch` from scratch
    out: str | None = None
    input_size: int | None = None
    epochs: int = 16                    # stage 2, or the whole run from scratch
    head_epochs: int = 3                # stage 1 (fine-tuning only)
    batch_size: int = 512
    learning_rate: float = 0.75         # stage-2 peak, SGD on the mean loss
    head_learning_rate: float = 1e-3    # stage 1, Adam
    momentum: float = 0.85
    weight_decay: float = 0.009         # decoupled, per unit of learning rate
    bias_scale: float = 64.0            # BatchNorm shifts learn this much faster (airbench)
    unfreeze_blocks: int = 2
    flip: bool = True
    translate: int = 2
    cutout: int = 0
    label_smoothing: float = 0.2
    patience: int = 0                   # early stopping on val accuracy; 0 = off
    val_share: float = 0.05
    mixed_precision: bool | None = None  # None: where the CPU computes bfloat16 natively
    lookahead: bool = True
    tta: bool = True                    # flip test-time augmentation, used by the app too
    seed: int = 0
    checkpoint_dir: str | None = None
    resume: bool = False
    max_per_class: int | None = None
    vgg_weights: str | None = "imagenet"
    backbone_size: int = 96             # efficientnet-lite0: the size its input is upsampled to
    # tf.distribute: "default" (one device), "mirrored" (this machine's GPUs, else its logical CPUs)
    # or "multi-worker" (MultiWorkerMirroredStrategy from $TF_CONFIG); batch_size is the global batch
    strategy: str = "default"

    def fingerprint(self) -> str:
        """Identifies a run for resume: everything but where it writes and whether it resumes."""
        fields = dataclasses.asdict(self)
        for key in ("out", "checkpoint_dir", "resume"):
            fields.pop(key)
        return hashlib.sha1(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Stage:
    name: str
    index: int
    epochs: int
    trainable: str          # "head", "fine" or "all"
    optimizer: str          # "adam" or "sgd"
    learning_rate: float


@dataclass(frozen=True)
class EpochMetrics:
    stage: str
    stage_index: int
    epoch: int              # 1-based over the whole run
    stage_epoch: int        # 1-based within the stage
    stage_epochs: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    learning_rate: float
    seconds: float

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TrainResult:
    model_path: str | None
    metadata: ModelMetadata | None
    stopped: bool
    best_epoch: int | None
    history: tuple[EpochMetrics, ...]
    seconds: float
    message: str = ""


class TrainingObserver:
    """Callbacks from the pipeline. Called on the training thread: keep them cheap."""

    def message(self, text: str) -> None: ...
    def data_progress(self, done: int, total: int) -> None: ...
    def stage_changed(self, stage: Stage, steps_per_epoch: int) -> None: ...
    def batch_done(self, stage: Stage, stage_epoch: int, batch: int, batches: int, loss: float) -> None: ...
    def epoch_done(self, metrics: EpochMetrics) -> None: ...
    def finished(self, result: TrainResult) -> None: ...
    def failed(self, error: BaseException) -> None: ...

    def should_stop(self) -> bool:
        return False


def plan_stages(cfg: TrainConfig) -> list[Stage]:
    fine_tuning = (cfg.base is not None or cfg.arch == "efficientnet-lite0"
                   or (cfg.arch == "vgg16" and cfg.vgg_weights not in (None, "none")))
    if not fine_tuning:
        return [Stage("train", 0, cfg.epochs, "all", "sgd", cfg.learning_rate)]
    stages = []
    if cfg.head_epochs > 0:
        stages.append(Stage("head", 0, cfg.head_epochs, "head", "adam", cfg.head_learning_rate))
    if cfg.epochs > 0:
        # unfreeze_blocks < 0 opens the whole network, BatchNorm included: for large data sets
        trainable = "all" if cfg.unfreeze_blocks < 0 else "fine"
        stages.append(Stage("fine-tune", len(stages), cfg.epochs, trainable, "sgd", cfg.learning_rate))
    return stages


def one_cycle(progress: float) -> float:
    """airbench's triangle: 0.2 -> 1.0 at 23% of the run -> 0.07 at the end."""
    peak = 0.23
    if progress < peak:
        return 0.2 + 0.8 * progress / peak
    return 1.0 - 0.93 * min(1.0, (progress - peak) / (1 - peak))


# ---------------------------------------------------------------- checkpoints, without TensorFlow
# The pipeline writes them; the GUI reads them to offer a resume before it imports TensorFlow.

CHECKPOINT_VERSION = 1


def config_from_dict(values: dict) -> TrainConfig:
    """The inverse of dataclasses.asdict(TrainConfig): unknown keys are dropped, lists become tuples."""
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    cleaned = {k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items() if k in known}
    return TrainConfig(**cleaned)


def default_checkpoint_dir(cfg: TrainConfig) -> Path:
    from infinityvision_desktop.paths import user_data_dir

    return user_data_dir() / "checkpoints" / cfg.fingerprint()


def checkpoint_folder(cfg: TrainConfig) -> Path:
    """Where a run of `cfg` keeps its checkpoint."""
    return Path(cfg.checkpoint_dir) if cfg.checkpoint_dir else default_checkpoint_dir(cfg)


def read_checkpoint_state(folder: str | os.PathLike, cfg: TrainConfig | None = None) -> dict | None:
    """The state of a checkpoint folder (a run of `cfg` if given) that can be resumed; else None."""
    folder = Path(folder)
    try:
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
        return None
    if cfg is not None and state.get("fingerprint") != cfg.fingerprint():
        return None
    if not isinstance(state.get("current"), str) or not (folder / state["current"]).is_dir():
        return None
    return state


@dataclass(frozen=True)
class ResumableRun:
    """A checkpoint of a run that has not trained all its epochs (stopped, crashed, power cut)."""

    folder: str
    config: TrainConfig
    epochs_done: int
    epochs_planned: int
    saved_at: float  # time.time() of its last epoch


def checkpoint_is_complete(state: dict, cfg: TrainConfig) -> bool:
    stages = plan_stages(cfg)
    return bool(stages) and state.get("stage_index") == stages[-1].index and bool(state.get("stage_finished"))


def resumable_run(cfg: TrainConfig) -> ResumableRun | None:
    """The unfinished checkpoint of this exact configuration, if there is one."""
    folder = checkpoint_folder(cfg)
    state = read_checkpoint_state(folder, cfg)
    if state is None or checkpoint_is_complete(state, cfg):
        return None
    return ResumableRun(str(folder), cfg, len(state.get("history", ())),
                        sum(stage.epochs for stage in plan_stages(cfg)), _mtime(folder / "state.json"))


def resumable_runs(root: str | os.PathLike | None = None) -> list[ResumableRun]:
    """Unfinished runs under `root` (default: the user's checkpoints folder), newest first.

    Only checkpoints that record their configuration are listed: it is what a resume needs.
    """
    if root is None:
        from infinityvision_desktop.paths import user_data_dir

        root = user_data_dir() / "checkpoints"
    runs = []
    for folder in sorted(Path(root).glob("*/")) if Path(root).is_dir() else []:
        state = read_checkpoint_state(folder)
        if state is None or not isinstance(state.get("config"), dict):
            continue
        try:
            cfg = config_from_dict(state["config"])
        except (TypeError, ValueError):
            continue
        if cfg.fingerprint() != state.get("fingerprint") or checkpoint_is_complete(state, cfg):
            continue
        runs.append(ResumableRun(str(folder), cfg, len(state.get("history", ())),
                                 sum(stage.epochs for stage in plan_stages(cfg)), _mtime(folder / "state.json")))
    return sorted(runs, key=lambda run: run.saved_at, reverse=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
