"""Figures of the bundled model on this machine. Prints; asserts nothing.

    .venv/bin/python bench/bench_model.py [--model M] [--data data/cifar10]
        [--skip-accuracy] [--skip-training] [--activations] [--precision auto|float32]
        [--tta-levels] [--batch-sizes] [--compare-folding | --no-fold]

- test accuracy on the CIFAR-10 test split (10,000 images), with the model's own TTA and calibration,
  and how well its "not sure" picks out the wrong answers, beside the scores on its logits that
  bench_openset.py finds better at catching images of none of the classes (maxlogit, energy)
- training throughput (images/s) of its architecture in float32 and mixed_bfloat16
- with --activations: ReLU vs GELU training throughput (why the net uses ReLU)
- with --precision float32: inference in float32 instead of the app's bfloat16
- with --tta-levels: test accuracy with no TTA, flip, and flip + 1-pixel translations (6 views)
- single-image latency (median and 90th percentile of 200 warm calls, as the app calls it) and batch
  throughput, on test images (random ones with --skip-accuracy): the second TTA view is computed only
  for answers that are not sure, so the images matter
- with --batch-sizes: Predictor.predict() throughput at batch sizes 32-512
- with --compare-folding: all of it for the folded model (as the app runs it) and the Keras model as
  loaded, how often their top classes agree, and how often each agrees with the Keras model in
  float32; --no-fold: only the Keras model
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def main() -> int:
    from infinityvision_desktop.paths import bundled_model_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(bundled_model_path()))
    parser.add_argument(
        "--data",
        default=str(ROOT / "data" / "cifar10"),
        help="CIFAR-10 folder or archive (default: data/cifar10, the JPEG archive unpacked)",
    )
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--activations", action="store_true", help="also time ReLU vs GELU training (small widths)")
    parser.add_argument(
        "--precision",
        default="auto",
        choices=("auto", "float32", "mixed_bfloat16"),
        help="inference precision (auto: bfloat16 where the CPU has it, as the app does)",
    )
    parser.add_argument(
        "--batch-sizes", action="store_true", help="also throughput of Predictor.predict() at batch sizes 32-512"
    )
    parser.add_argument(
        "--no-fold", action="store_true", help="run the Keras model as loaded, without folding (core/folding.py)"
    )
    parser.add_argument(
        "--compare-folding",
        action="store_true",
        help="measure the folded and the unfolded model, and how often their answers agree",
    )
    parser.add_argument(
        "--tta-levels", action="store_true", help="also the test accuracy with no TTA, flip, and flip+translate"
    )
    args = parser.parse_args()

    from infinityvision_desktop.core.predictor import Predictor

    predictor = Predictor.load(args.model, precision=args.precision, fold=not args.no_fold)
    meta = predictor.metadata
    size = Path(args.model).stat().st_size
    print(
        f"model {args.model}: {meta.architecture}, {predictor.source.count_params():,} parameters, "
        f"{size / 1e6:.1f} MB, TTA {list(meta.tta) or 'none'}, inference precision {args.precision}"
    )
    variants = [("folded" if predictor.folded else "not folded", predictor)]
    if args.compare_folding and predictor.folded:
        variants.append(("not folded", Predictor.load(args.model, precision=args.precision, fold=False)))

    x = y = None
    if not args.skip_accuracy:
        from infinityvision_desktop.core.datasets import load_dataset

        x, y = load_dataset(args.data, input_size=tuple(meta.input_size)).splits["test"]
    answers = {}
    for name, variant in variants:
        print(f"[{name}]")
        answers[name] = measure(variant, x, y, args)
    if x is not None and len(answers) == 2:
        first, second = answers.values()
        print(
            f"folded and not folded give the same top class for {np.mean(first == second):.2%} "
            f"of the {len(x):,} test images"
        )
        reference = Predictor.load(args.model, precision="float32", fold=False).probabilities(x).argmax(axis=1)
        for name, answer in answers.items():
            print(f"[{name}] same top class as the Keras model in float32: {np.mean(answer == reference):.2%}")

    if not args.skip_training:
        arch = meta.architecture.split(" ")[0] or "airbench"
        widths = "large" if "large" in meta.architecture else "small"
        for policy in ("float32", "mixed_bfloat16"):
            rate = training_throughput(
                arch=arch, widths=widths, input_size=meta.input_size[0], num_classes=len(meta.labels), policy=policy
            )
            print(f"training throughput {policy}: {rate:,.0f} images/s")
    if args.activations:
        # why the bundled net uses ReLU, not airbench's GELU
        for activation in ("relu", "gelu"):
            rate = training_throughput(
                arch="airbench",
                widths="small",
                input_size=32,
                num_classes=10,
                policy="mixed_bfloat16",
                activation=activation,
            )
            print(f"training throughput airbench small, mixed_bfloat16, {activation}: {rate:,.0f} images/s")
    return 0


def not_sure_figures(probabilities: np.ndarray, y: np.ndarray, threshold: float) -> None:
    """How well "not sure" (top probability below the threshold) tells wrong answers from right ones."""
    from bench_openset import auroc

    top = probabilities.max(axis=1)
    wrong = probabilities.argmax(axis=1) != y
    flagged = top < threshold
    least_sure = top < np.quantile(top, 0.05)
    print(
        f"not sure (below {threshold:.3f}) for {flagged.mean():.1%} of test images, accuracy of the rest "
        f"{1 - wrong[~flagged].mean():.4f}; wrong answers among the 5% least sure: "
        f"{least_sure[wrong].mean():.1%}; AUROC of 1 - top probability, wrong against right: "
        f"{auroc(-top[~wrong], -top[wrong]):.3f}"
    )


def logit_figures(path, x: np.ndarray, wrong: np.ndarray) -> None:
    """The same for maxlogit and energy (logits averaged over the mirror), which catch more
    images of none of the classes on the 6/4 protocol: what a "not sure" on them would cost in
    wrong answers let through."""
    from bench_openset import auroc, logit_scores

    from infinityvision_desktop.core.ensemble import EnsembleError
    from infinityvision_desktop.core.modelfile import load_model_file

    try:
        scores = logit_scores(load_model_file(path), x)
    except EnsembleError as exc:  # no softmax layer to read the logits before
        print(f"logit scores: not available ({exc})")
        return
    for name, score in scores:
        most = score > np.quantile(score, 0.95)
        print(
            f"  {name}: wrong answers among the 5% it flags most: {most[wrong].mean():.1%}; "
            f"AUROC, wrong against right: {auroc(score[~wrong], score[wrong]):.3f}"
        )


def measure(predictor, x, y, args) -> np.ndarray | None:
    """Accuracy (when test data is given), latency and throughput of one predictor; its answers."""
    from infinityvision_desktop.core.evaluation import evaluate
    from infinityvision_desktop.core.predictor import Predictor

    meta = predictor.metadata
    answers = None
    if x is not None:
        started = time.perf_counter()
        probabilities = predictor.probabilities(x)
        result = evaluate(probabilities, y, meta.labels)
        answers = probabilities.argmax(axis=1)
        print(
            f"test accuracy {result.accuracy:.4f} on {result.n} images (ECE {result.ece:.4f}, "
            f"{time.perf_counter() - started:.1f} s with TTA)"
        )
        not_sure_figures(probabilities, y, meta.not_sure_threshold)
        logit_figures(args.model, x, probabilities.argmax(axis=1) != y)
        if args.tta_levels:
            forward = predictor._forward if predictor.folded else None
            for tta in ((), ("flip",), ("flip", "translate")):
                # every view for every image: the levels themselves, not the model's tta_below
                variant = Predictor(predictor.model, meta.replace(tta=tta, tta_below=1.0), forward=forward)
                started = time.perf_counter()
                accuracy = evaluate(variant.probabilities(x), y, meta.labels).accuracy
                print(
                    f"  TTA {'+'.join(tta) or 'none'}: test accuracy {accuracy:.4f} "
                    f"({len(x) / (time.perf_counter() - started):,.0f} images/s)"
                )

    # Latency and throughput on the test images when given: test-time augmentation's second view is
    # computed only for the answers that are not sure (metadata tta_below), so noise images would
    # not say what real ones cost.
    rng = np.random.default_rng(0)
    images = "random"
    if x is not None:
        pool, images = x[rng.permutation(len(x))[:4096]], "test"
        if meta.tta and meta.tta_below < 1.0:
            first = Predictor(predictor.model, meta.replace(tta=()), forward=predictor._forward).raw_probabilities(pool)
            unsure = first.max(axis=1) < meta.tta_below
            if meta.cascade:  # the images its first member answers alone get no second pass
                alone = predictor.first_member_probabilities(pool).max(axis=1) >= meta.cascade["above"]
                print(
                    f"the first member answers alone (at least {meta.cascade['above']:g} sure) for "
                    f"{alone.mean():.1%} of test images"
                )
                unsure &= ~alone
            print(f"second TTA pass for {np.mean(unsure):.1%} of test images")
    else:
        pool = rng.integers(0, 256, (4096, *meta.input_size, 3), dtype=np.uint8)
    for i in range(20):
        predictor.probabilities(pool[i : i + 1])
    times = []
    for i in range(200):
        started = time.perf_counter()
        predictor.probabilities(pool[i : i + 1])
        times.append(time.perf_counter() - started)
    print(
        f"single-image latency: median {statistics.median(times) * 1000:.2f} ms, 90th percentile "
        f"{np.percentile(times, 90) * 1000:.2f} ms (200 warm calls on {images} images, with TTA)"
    )

    batch = pool
    predictor.probabilities(batch[:512])
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        predictor.probabilities(batch)
        runs.append(len(batch) / (time.perf_counter() - started))
    print(f"batch throughput: {max(runs):,.0f} images/s (best of 3 x {len(batch)} {images} images, with TTA)")
    if args.batch_sizes:
        # as the window calls it, one batch at a time (the window's batch is gui.workers.BATCH_SIZE)
        for size in (32, 64, 128, 256, 512):
            predictor.predict(list(batch[:size]))
            done, started = 0, time.perf_counter()
            while time.perf_counter() - started < 3.0:
                predictor.predict(list(batch[done % 2048 : done % 2048 + size]))
                done += size
            print(f"  predict() in batches of {size}: {done / (time.perf_counter() - started):,.0f} images/s")

    return answers


def training_throughput(
    *,
    arch: str,
    widths: str,
    input_size: int,
    num_classes: int,
    policy: str,
    activation: str = "relu",
    batch_size: int = 512,
    batches: int = 8,
) -> float:
    """Images/s of training steps of an architecture (synthetic data, after warm-up)."""
    import keras

    from infinityvision_desktop.core.architectures import build_model

    model = build_model(
        arch,
        num_classes=num_classes,
        input_size=input_size,
        widths=widths,
        mixed_precision=policy == "mixed_bfloat16",
        vgg_weights=None,
        activation=activation,
    )
    model.compile(
        keras.optimizers.SGD(0.1, momentum=0.85, nesterov=True),
        keras.losses.CategoricalCrossentropy(label_smoothing=0.2),
    )
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (batch_size * batches, input_size, input_size, 3)).astype(np.float32)
    y = keras.utils.to_categorical(rng.integers(0, num_classes, len(x)), num_classes)
    model.fit(x[: batch_size * 2], y[: batch_size * 2], batch_size=batch_size, verbose=0)
    started = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, verbose=0)
    return len(x) / (time.perf_counter() - started)


if __name__ == "__main__":
    sys.exit(main())
