"""`infinityvision train` and `combine`: training a model (the fast path, a linear head on cached
ImageNet features, or the fine-tune pipeline) and combining two trained models into one.

The fine-tune pipeline's defaults are the starting point's preset (core.training_config.preset),
the same ones the training dialog shows: the options default to None, "the preset's".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from infinityvision_desktop.cli.console import TerminalProgress, duration, error

COMMANDS = ("train", "combine")

# The options whose default depends on the starting point: (flag, TrainConfig field, type, help).
PRESET_OPTIONS = (
    ("--epochs", "epochs", int, "epochs of the main stage"),
    ("--head-epochs", "head_epochs", int, "epochs of the head-only stage when fine-tuning"),
    ("--batch-size", "batch_size", int, "images per batch (the global batch under --strategy)"),
    ("--lr", "learning_rate", float, "peak learning rate of the main stage (SGD)"),
    ("--head-lr", "head_learning_rate", float, "learning rate of the head stage (Adam)"),
    (
        "--unfreeze-blocks",
        "unfreeze_blocks",
        int,
        "blocks opened from the top when fine-tuning; -1 opens everything, BatchNorm included",
    ),
    ("--momentum", "momentum", float, "SGD's Nesterov momentum"),
    ("--weight-decay", "weight_decay", float, "decoupled, per unit of learning rate"),
    ("--bias-scale", "bias_scale", float, "BatchNorm shifts learn this much faster (airbench)"),
    ("--backbone-size", "backbone_size", int, "efficientnet-lite0: its input is upsampled to this"),
    ("--label-smoothing", "label_smoothing", float, "label smoothing of the loss"),
    ("--cutout", "cutout", int, "side of a random square blanked out (0: off)"),
    ("--translate", "translate", int, "random shifts of up to this many pixels"),
    ("--patience", "patience", int, "early-stopping patience in epochs (0: off)"),
    ("--val-share", "val_share", float, "share of the training images held out to pick the best epoch and calibrate"),
    ("--input-size", "input_size", int, "the side the images are decoded to"),
)

# Options the fast path takes too; any other train option given selects the fine-tune pipeline.
FAST_OPTIONS = frozenset({"data", "out", "seed", "fast", "deep"})


def add_parsers(sub) -> None:
    from infinityvision_desktop.core.architectures import ARCHITECTURES
    from infinityvision_desktop.core.training_config import STRATEGIES, field_default

    p = sub.add_parser(
        "train",
        help="train or fine-tune a model",
        description=(
            "With only --data and --out (or --fast): the fast path, a linear head on the ImageNet backbone's "
            "features, in seconds. Any other training option (or --deep) runs the fine-tune pipeline, whose "
            "defaults depend on where it starts (--arch, or --base): the training dialog's."
        ),
    )
    p.add_argument(
        "--data", required=True, help="a class-per-folder directory, a .tar.gz of one, or 'cifar10' (download)"
    )
    path = p.add_mutually_exclusive_group()
    path.add_argument(
        "--fast",
        action="store_true",
        help="a linear head on cached ImageNet features (the default when no other training option is given)",
    )
    path.add_argument("--deep", action="store_true", help="the fine-tune pipeline, with its defaults (--arch airbench)")
    p.add_argument(
        "--arch",
        default=None,
        choices=ARCHITECTURES,
        help=f"fine-tune pipeline: the network (default {field_default('arch')})",
    )
    p.add_argument("--widths", default=field_default("widths"), choices=("small", "large"), help="airbench size")
    p.add_argument("--base", help="fine-tune this model file (new head if the classes differ)")
    p.add_argument("--out", help="where to save the model (.h5 or .keras)")
    for flag, name, kind, text in PRESET_OPTIONS:
        p.add_argument(flag, type=kind, default=None, help=f"{text}; default {preset_text(name)}")
    p.add_argument("--no-flip", action="store_true", help="no random left-right flips")
    p.add_argument("--precision", choices=("auto", "mixed_bfloat16", "float32"), default="auto")
    p.add_argument("--no-tta", action="store_true", help="no flip test-time augmentation")
    p.add_argument("--no-lookahead", action="store_true")
    p.add_argument("--seed", type=int, default=field_default("seed"))
    p.add_argument("--checkpoint-dir")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint of the same run")
    p.add_argument("--max-per-class", type=int, help="use at most this many images per class (quick trials)")
    p.add_argument("--vgg-weights", default=field_default("vgg_weights"), help="'imagenet', a weights file, or 'none'")
    p.add_argument(
        "--strategy",
        default=field_default("strategy"),
        choices=STRATEGIES,
        help="tf.distribute: 'mirrored' trains on this machine's GPUs (else its logical CPUs) in "
        "sync; 'multi-worker' on several machines, each running this same command with "
        "TF_CONFIG naming the cluster and its place in it. --batch-size is the global batch",
    )
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("combine", help="combine two trained models of the same classes into one (an ensemble)")
    p.add_argument(
        "models",
        nargs="+",
        metavar="MODEL",
        help="the two models; or one model combine made, to fit only its cascade again (or remove it with "
        "--no-cascade; give --weights-dtype float16 again for a float16 file)",
    )
    p.add_argument(
        "--data",
        required=True,
        help="the data both were trained on: the weight, temperature and "
        "'not sure' threshold are fitted on its held-out split",
    )
    p.add_argument("--out", required=True)
    p.add_argument(
        "--not-sure-cost", type=float, default=0.05, help="share of held-out images answered 'not sure' (default 0.05)"
    )
    p.add_argument(
        "--weights-dtype",
        choices=("float32", "float16"),
        default="float32",
        help="float16 stores the weights at half the size (a model to ship; answers move by ~1e-4)",
    )
    p.add_argument(
        "--tta",
        choices=("members", "flip", "none"),
        default="members",
        help="test-time augmentation of the combination: the first member's (default), the mirror image "
        "only, or none (one pass: twice as fast as flip)",
    )
    p.add_argument(
        "--tta-below",
        type=float,
        metavar="CONFIDENCE",
        help="compute the augmented views only for answers less sure than this on the image itself "
        "(default: the first member's; 1 = for every image)",
    )
    p.add_argument(
        "--no-cascade",
        action="store_true",
        help="the whole model answers every image (default: the first model answers alone where it is so "
        "sure that, on the held-out images, the other changed at most 1 in 1,000 of those answers)",
    )
    p.set_defaults(handler=cmd_combine)


def preset_text(name: str) -> str:
    """A field's default per starting point, for --help: "16 (airbench/pic-cnn), 3 (vgg16), ..."."""
    from infinityvision_desktop.core.training_config import FINE_TUNE, STARTING_POINTS, preset

    by_value: dict[str, list[str]] = {}
    for start in STARTING_POINTS:
        value = preset(start)[name]
        shown = "the base's" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        by_value.setdefault(shown, []).append("--base" if start == FINE_TUNE else start)
    if len(by_value) == 1:
        return next(iter(by_value))
    return ", ".join(f"{value} ({'/'.join(starts)})" for value, starts in by_value.items())


def _dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


def train_config(args: argparse.Namespace):
    """The TrainConfig of a `train` command line: the starting point's preset, then the options given."""
    from infinityvision_desktop.core.training_config import TrainConfig, field_default, preset, starting_point

    arch = args.arch or field_default("arch")
    values = preset(starting_point(arch, args.base))
    for flag, name, _, _ in PRESET_OPTIONS:
        given = getattr(args, _dest(flag))
        if given is not None:
            values[name] = given
    if args.no_flip:
        values["flip"] = False
    return TrainConfig(
        data=args.data,
        arch=arch,
        widths=args.widths,
        base=args.base,
        out=args.out,
        mixed_precision={"auto": None, "mixed_bfloat16": True, "float32": False}[args.precision],
        tta=not args.no_tta,
        lookahead=not args.no_lookahead,
        seed=args.seed,
        checkpoint_dir=args.checkpoint_dir,
        resume=args.resume,
        max_per_class=args.max_per_class,
        vgg_weights=args.vgg_weights,
        strategy=args.strategy,
        **values,
    )


def train_path(args: argparse.Namespace) -> str:
    """'fast', 'deep', or 'refused' (after saying why): which trainer `train` runs."""
    from infinityvision_desktop.cli.parser import build_parser

    defaults = vars(build_parser().parse_args(["train", "--data", "-"]))
    deep_options = sorted(
        key
        for key, value in vars(args).items()
        if key in defaults and key not in FAST_OPTIONS and key != "verbose" and value != defaults[key]
    )
    if args.fast and deep_options:
        shown = ", ".join("--" + key.replace("_", "-") for key in deep_options)
        error(f"--fast takes only --data, --out and --seed; {shown} belong to the fine-tune pipeline (--deep)")
        return "refused"
    if args.deep or deep_options:
        return "deep"
    if str(args.data).lower() == "cifar10" and not Path(args.data).exists():
        return "deep"  # the CIFAR-10 download: 50,000 images, what the fine-tune pipeline is built for
    return "fast"


def cmd_train(args) -> int:
    path = train_path(args)
    if path != "deep":
        return cmd_teach(args) if path == "fast" else 2
    from infinityvision_desktop.core.architectures import ArchitectureError
    from infinityvision_desktop.core.datasets import DatasetError
    from infinityvision_desktop.core.modelfile import ModelFileError
    from infinityvision_desktop.core.training_config import plan_stages

    cfg = train_config(args)
    try:
        from infinityvision_desktop.core.pipeline import fine_tune

        result = fine_tune(cfg, TerminalProgress(plan_stages(cfg)))
    except (DatasetError, ModelFileError, ArchitectureError, ValueError) as exc:
        error(str(exc))
        return 1
    if result.model_path is None:
        error(result.message)
        return 1
    meta = result.metadata
    print(f"saved {result.model_path} ({result.message}; {duration(result.seconds)} wall)")
    if meta.validation:
        print(
            f"validation accuracy {meta.validation['accuracy']:.4f}; temperature {meta.temperature:.3f}; "
            f"not-sure threshold {meta.not_sure_threshold:.3f}"
        )
    if meta.evaluation:
        print(f"test accuracy {meta.evaluation['accuracy']:.4f} on {meta.evaluation['n']} images")
    return 0


def cmd_teach(args) -> int:
    """`train` with no other option: a linear head on the ImageNet backbone's cached features."""
    from infinityvision_desktop.core.datasets import DatasetError
    from infinityvision_desktop.core.modelfile import ModelFileError
    from infinityvision_desktop.core.teach import TeachError

    progress = TerminalProgress()
    shown = {"stage": ""}

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage == "features":
            progress.data_progress(done, total)  # throttled, one line
        elif stage != shown["stage"]:
            progress.message(
                {"fit": "fitting the head (cross-validated)", "save": "saving the model"}.get(stage, stage)
            )
        shown["stage"] = stage

    out = args.out
    if out is None:
        from infinityvision_desktop.paths import user_data_dir

        out = user_data_dir() / "models" / f"{Path(args.data).name or 'teach'}-{time.strftime('%Y%m%d-%H%M%S')}.h5"
    try:
        from infinityvision_desktop.core.teach.trainer import teach

        result = teach(args.data, out, on_progress=on_progress, seed=args.seed)
    except (TeachError, DatasetError, ModelFileError, ValueError) as exc:
        error(str(exc))
        return 1
    for name, reason in result.unreadable:
        error(f"skipped {name}: {reason}")
    meta = result.metadata
    held = meta.validation
    timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.timings.items())
    print(
        f"saved {result.model_path} ({meta.architecture}; {len(meta.labels)} classes, {result.images} images, "
        f"{result.corrections} corrections; features computed for {result.computed}, {result.cached} from the cache)"
    )
    print(
        f"held-out accuracy {held['accuracy']:.4f} ({held['n']} images, {held['method']}); temperature "
        f"{meta.temperature:.3f}; not-sure threshold {meta.not_sure_threshold:.3f}"
    )
    width = max(len(label) for label in meta.labels)
    print("confusion (rows: true class, columns: answer):")
    for label, row in zip(meta.labels, held["confusion"]):
        print(f"  {label:>{width}}  " + " ".join(f"{v:4d}" for v in row))
    if meta.evaluation:
        print(f"test accuracy {meta.evaluation['accuracy']:.4f} on {meta.evaluation['n']} images")
    print(f"time {result.seconds:.1f} s ({timing})")
    return 0


def cmd_combine(args) -> int:
    from infinityvision_desktop.core.datasets import DatasetError
    from infinityvision_desktop.core.ensemble import EnsembleError, build_ensemble, refit_cascade
    from infinityvision_desktop.core.modelfile import ModelFileError

    if len(args.models) > 2:
        error(f"combine takes two models (or one combined model to fit its cascade again), not {len(args.models)}")
        return 2
    refit = len(args.models) == 1
    if refit and (args.tta != "members" or args.tta_below is not None or args.not_sure_cost != 0.05):
        error("with one model only its cascade is fitted: --tta, --tta-below and --not-sure-cost do not apply")
        return 2
    common = {
        "weights_dtype": args.weights_dtype,
        "cascade": not args.no_cascade,
        "on_message": lambda text: print(text, file=sys.stderr),
    }
    try:
        if refit:
            meta = refit_cascade(args.models[0], args.data, args.out, **common)
        else:
            result = build_ensemble(
                list(args.models),
                args.data,
                args.out,
                not_sure_cost=args.not_sure_cost,
                tta=None if args.tta == "members" else () if args.tta == "none" else ("flip",),
                tta_below=args.tta_below,
                **common,
            )
    except (DatasetError, ModelFileError, EnsembleError, ValueError) as exc:
        error(str(exc))
        return 1
    if refit:
        above = f"at least {meta.cascade['above']:g} sure" if meta.cascade else "never"
        print(f"saved {args.out}: the first member answers alone where it is {above}")
        if meta.evaluation:
            print(f"test accuracy {meta.evaluation['accuracy']:.4f} on {meta.evaluation['n']} images")
        return 0
    meta = result.metadata
    print(
        f"saved {result.path}: weight {result.weight:.2f} / {1 - result.weight:.2f}; temperature "
        f"{meta.temperature:.3f}; not-sure threshold {meta.not_sure_threshold:.3f}"
    )
    members = ", ".join(f"{a:.4f}" if a is not None else "?" for a in result.members_test_accuracy)
    if meta.evaluation:
        print(f"test accuracy {meta.evaluation['accuracy']:.4f} (the models alone: {members})")
    return 0
