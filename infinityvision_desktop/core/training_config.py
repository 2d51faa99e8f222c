"""What a fine-tune run is asked to do: its `TrainConfig`, the stages it plans, and the defaults per
starting point that `infinityvision train` and the training dialog both start from.

Free of TensorFlow, so the GUI and the CLI can build a config before anything heavy is imported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from infinityvision_desktop.core.architectures import DEFAULT_BACKBONE_SIZE, DEFAULT_INPUT_SIZE

STRATEGIES = ("default", "mirrored", "multi-worker")  # TrainConfig.strategy (core.distribution)


@dataclass(frozen=True)
class TrainConfig:
    data: str
    arch: str = "airbench"
    widths: str | tuple = "small"  # airbench: "small" (64/256/256) or "large" (128/384/384)
    base: str | None = None  # a model file to fine-tune; None trains `arch` from scratch
    out: str | None = None
    input_size: int | None = None  # None: the base's, else DEFAULT_INPUT_SIZE of `arch`
    # The hyper-parameters below default to airbench's recipe from scratch; PRESETS changes them
    # for the other starting points.
    epochs: int = 16  # stage 2, or the whole run from scratch
    head_epochs: int = 3  # stage 1 (fine-tuning only)
    batch_size: int = 512
    learning_rate: float = 0.75  # stage-2 peak, SGD on the mean loss
    head_learning_rate: float = 1e-3  # stage 1, Adam
    momentum: float = 0.85
    weight_decay: float = 0.009  # decoupled, per unit of learning rate
    bias_scale: float = 64.0  # BatchNorm shifts learn this much faster (airbench)
    unfreeze_blocks: int = 2
    flip: bool = True
    translate: int = 2
    cutout: int = 0
    label_smoothing: float = 0.2
    patience: int = 0  # early stopping on val accuracy; 0 = off
    # recorded in the model, so `combine` fits on the same held-out images the run did not train on
    val_share: float = 0.05
    mixed_precision: bool | None = None  # None: where the CPU computes bfloat16 natively
    lookahead: bool = True
    tta: bool = True  # flip test-time augmentation, used by the app too
    seed: int = 0
    checkpoint_dir: str | None = None
    resume: bool = False
    max_per_class: int | None = None
    vgg_weights: str | None = "imagenet"
    backbone_size: int = DEFAULT_BACKBONE_SIZE  # efficientnet-lite0: the size its input is upsampled to
    # tf.distribute: "default" (one device), "mirrored" (this machine's GPUs, else its logical CPUs)
    # or "multi-worker" (MultiWorkerMirroredStrategy from $TF_CONFIG); batch_size is the global batch
    strategy: str = "default"

    def fingerprint(self) -> str:
        """Identifies a run for resume: everything but where it writes and whether it resumes."""
        fields = dataclasses.asdict(self)
        for key in ("out", "checkpoint_dir", "resume"):
            fields.pop(key)
        return hashlib.sha1(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def config_from_dict(values: dict) -> TrainConfig:
    """The inverse of dataclasses.asdict(TrainConfig): unknown keys are dropped, lists become tuples."""
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    cleaned = {k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items() if k in known}
    return TrainConfig(**cleaned)


def field_default(name: str):
    """TrainConfig's default for field `name`."""
    return TrainConfig.__dataclass_fields__[name].default


# ---------------------------------------------------------------- defaults per starting point

FINE_TUNE = "fine-tune"  # the starting point "a trained model file" (TrainConfig.base)
STARTING_POINTS = ("airbench", "pic-cnn", "vgg16", "efficientnet-lite0", FINE_TUNE)

# The fields a starting point decides: every hyper-parameter the dialog shows or the CLI takes.
PRESET_FIELDS = (
    "head_epochs",
    "epochs",
    "batch_size",
    "head_learning_rate",
    "learning_rate",
    "unfreeze_blocks",
    "input_size",
    "flip",
    "translate",
    "cutout",
    "label_smoothing",
    "patience",
    "val_share",
    "momentum",
    "weight_decay",
    "bias_scale",
    "backbone_size",
)

# What each starting point changes in TrainConfig's defaults. Networks from scratch have no head
# stage. Transfer from ImageNet and fine-tuning a trained model take small batches, few epochs
# and a stage-2 peak of 0.01: with BatchNorm frozen a trained network's loss diverges to NaN at
# five times that, and a few hundred photos per class make only a handful of batches of 512.
_PRESET_CHANGES: dict[str, dict] = {
    "airbench": dict(head_epochs=0, input_size=DEFAULT_INPUT_SIZE["airbench"]),
    "pic-cnn": dict(head_epochs=0, input_size=DEFAULT_INPUT_SIZE["pic-cnn"]),
    "vgg16": dict(
        epochs=3,
        batch_size=32,
        learning_rate=0.01,
        unfreeze_blocks=1,
        input_size=DEFAULT_INPUT_SIZE["vgg16"],
        translate=4,
        label_smoothing=0.1,
    ),
    # the top four of its 17 blocks learn in stage 2; photos decoded at the backbone's own size,
    # so it sees their detail (the bundled model's member takes 32 px CIFAR-10 images instead,
    # `--input-size 32`, upsampled inside the model)
    "efficientnet-lite0": dict(
        epochs=4,
        batch_size=32,
        learning_rate=0.01,
        unfreeze_blocks=4,
        input_size=DEFAULT_BACKBONE_SIZE,
        translate=4,
        label_smoothing=0.1,
    ),
    FINE_TUNE: dict(epochs=5, batch_size=64, learning_rate=0.01, input_size=None),  # None: the base's size
}


def starting_point(arch: str, base: str | None) -> str:
    """The preset a run of `arch` (fine-tuning `base` if given) starts from."""
    return FINE_TUNE if base else arch


def preset(start: str) -> dict:
    """The PRESET_FIELDS values for a starting point (one of STARTING_POINTS)."""
    if start not in _PRESET_CHANGES:
        raise ValueError(f"unknown starting point '{start}': choose one of {', '.join(STARTING_POINTS)}")
    return {**{name: field_default(name) for name in PRESET_FIELDS}, **_PRESET_CHANGES[start]}


# ---------------------------------------------------------------- stages


@dataclass(frozen=True)
class Stage:
    name: str
    index: int
    epochs: int
    trainable: str  # "head", "fine" or "all"
    optimizer: str  # "adam" or "sgd"
    learning_rate: float


def is_fine_tuning(cfg: TrainConfig) -> bool:
    """Starts from trained weights (a model file or ImageNet's), not from scratch."""
    return (
        cfg.base is not None
        or cfg.arch == "efficientnet-lite0"
        or (cfg.arch == "vgg16" and cfg.vgg_weights not in (None, "none"))
    )


def plan_stages(cfg: TrainConfig) -> list[Stage]:
    if not is_fine_tuning(cfg):
        return [Stage("train", 0, cfg.epochs, "all", "sgd", cfg.learning_rate)]
    stages = []
    if cfg.head_epochs > 0:
        stages.append(Stage("head", 0, cfg.head_epochs, "head", "adam", cfg.head_learning_rate))
    if cfg.epochs > 0:
        # unfreeze_blocks < 0 opens the whole network, BatchNorm included: for large data sets
        trainable = "all" if cfg.unfreeze_blocks < 0 else "fine"
        stages.append(Stage("fine-tune", len(stages), cfg.epochs, trainable, "sgd", cfg.learning_rate))
    return stages


def planned_epochs(cfg: TrainConfig) -> int:
    return sum(stage.epochs for stage in plan_stages(cfg))
