"""Real photos: how often the app's answer is right on photos of its classes, and how often it
says "not sure" on photos of anything else.

Photos are read as the app reads them (`load_image` at `Predictor.decode_size`) and answered by
`Predictor.predict`, which weighs a photo's answer by the ImageNet classifier's opinion
(`core.openset`). Beside it: the network alone on the same 32 px input, and the scores "not
sure" can be built on (the check runs twice per photo, once inside `predict`: the time printed
is not the app's). It prints accuracy (the top class, "not sure" or not; overall and
class-balanced), the share of photos of
the classes that are "not sure" (the cost), the share of other photos caught, and for each
continuous score the AUROC (other photos against photos of the classes) and the share caught
when the score flags `--cost` of the photos of the classes.

Two layouts:
- `--photos DIR`: DIR/<class>/ for each of the model's classes; any other folder holds photos of
  none of them.
- `--imagenet-samples DIR`: one photo per ImageNet class, named `<wnid>_<name>.JPEG` (as in
  github.com/EliSchwartz/imagenet-sample-images; sorted by wnid they are in the classifier's
  order). A photo is of a CIFAR-10 class when its ImageNet class maps to one
  (`core.openset.CIFAR10_IMAGENET`), else of none of them. The labels come from the same mapping
  the ImageNet check uses: its own figures here are on home ground.

    .venv/bin/python bench/bench_photos.py --imagenet-samples ~/imagenet-sample-images
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_openset import auroc, caught_at  # noqa: E402


def imagenet_samples(root: Path) -> list[tuple[Path, str | None]]:
    from infinityvision_desktop.core.openset import CIFAR10_IMAGENET

    files = sorted(p for p in root.iterdir() if p.suffix.lower() in (".jpeg", ".jpg") and p.name.startswith("n"))
    if len(files) != 1000:
        raise SystemExit(f"{root}: expected 1000 photos named <wnid>_<name>.JPEG, found {len(files)}")
    truth = {index: name for name, indices in CIFAR10_IMAGENET.items() for index in indices}
    return [(path, truth.get(index)) for index, path in enumerate(files)]


def class_folders(root: Path, labels) -> list[tuple[Path, str | None]]:
    from infinityvision_desktop.core.images import is_image_path

    return [
        (path, folder.name if folder.name in labels else None)
        for folder in sorted(p for p in root.iterdir() if p.is_dir())
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and is_image_path(p))
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="a model file (default: the bundled model)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--photos", help="DIR/<class>/ photos of the model's classes, other folders: none of them")
    source.add_argument("--imagenet-samples", help="DIR of 1000 <wnid>_<name>.JPEG photos, one per ImageNet class")
    parser.add_argument("--cost", type=float, default=0.05, help="share of photos of the classes flagged")
    parser.add_argument("--list", action="store_true", help="print every photo's answer")
    args = parser.parse_args()

    from infinityvision_desktop.core.images import ImageLoadError, load_image
    from infinityvision_desktop.core.predictor import Predictor
    from infinityvision_desktop.paths import bundled_model_path

    predictor = Predictor.load(args.model or bundled_model_path())
    labels = predictor.metadata.labels
    items = (
        imagenet_samples(Path(args.imagenet_samples))
        if args.imagenet_samples
        else class_folders(Path(args.photos), labels)
    )
    check = predictor.open_set_check()
    started = time.perf_counter()
    truth, alone, answers, mass = [], [], [], []
    for start in range(0, len(items), 32):
        images, names = [], []
        for path, name in items[start : start + 32]:
            try:
                images.append(load_image(path, draft_size=predictor.decode_size))
                names.append(name)
            except ImageLoadError as exc:
                print(f"  skipped {exc}")
        if not images:
            continue
        truth += names
        alone.append(predictor.probabilities(np.stack([predictor.prepare(image) for image in images])))
        answers += predictor.predict(images)
        opinions = check.check(images) if check is not None else [None] * len(images)
        mass += [o.mass if o is not None else np.nan for o in opinions]
    seconds = time.perf_counter() - started
    alone = np.concatenate(alone)
    app = np.array([a.probabilities for a in answers])
    mass = np.array(mass)
    index = np.array([labels.index(t) if t is not None else -1 for t in truth])
    known = index >= 0
    counts = Counter(t for t in truth if t is not None)
    print(
        f"{predictor.path}: {known.sum()} photos of its classes ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}), "
        f"{(~known).sum()} of none of them; {seconds:.0f} s"
    )
    if args.list:
        for (path, _), name, answer in zip(items, truth, answers):
            print(
                f"  {name or 'other'}: {path.name}: {answer.label} {answer.confidence:.2f}"
                + (" not sure" if answer.not_sure else "")
                + (f", looks like {answer.looks_like}" if answer.looks_like else "")
            )

    threshold = predictor.metadata.not_sure_threshold
    flagged = np.array([a.not_sure for a in answers])
    looks = np.array([bool(a.looks_like) for a in answers])
    # "not sure" as the app decides it: below the threshold, or "none of the classes: looks like ..."
    for name, p, not_sure in (
        ('the network alone (32 px) with "looks like"', alone, (alone.max(axis=1) < threshold) | looks),
        ("the app's answer", app, flagged),
    ):
        right = p.argmax(axis=1) == index
        balanced = np.mean([right[index == k].mean() for k in range(len(labels)) if (index == k).any()])
        print(
            f"{name}: right on {right[known].mean():.1%} of the photos of the classes "
            f"(class-balanced {balanced:.1%}); not sure on {not_sure[known].mean():.1%} of them "
            f"and on {not_sure[~known].mean():.1%} of the others"
        )
    print(
        f'of which "none of the classes: looks like ...": {looks[known].mean():.1%} of the photos of the classes, '
        f"{looks[~known].mean():.1%} of the others"
    )
    everyone = np.ones(len(truth), bool)
    scores = [
        ("1 - top probability, network alone", 1 - alone.max(axis=1), everyone),
        ("1 - top probability, the app", 1 - app.max(axis=1), everyone),
    ]
    judged = ~np.isnan(mass)
    if check is not None and judged.any():
        scores.append((f"ImageNet probability outside the classes ({judged.sum()} photos large enough)", mass, judged))
    for name, score, mask in scores:
        inside, outside = score[known & mask], score[~known & mask]
        _, caught = caught_at(inside, outside, args.cost)
        print(
            f"{name}: AUROC {auroc(inside, outside):.3f}; "
            f"caught at {args.cost:.0%} of the photos of the classes flagged: {caught:.1%}"
        )
    print("per class, right (network alone -> the app):")
    for k, label in enumerate(labels):
        mask = index == k
        if mask.any():
            print(
                f"  {label:10s} {mask.sum():4d}: {np.mean(alone[mask].argmax(1) == k):.0%} -> {np.mean(app[mask].argmax(1) == k):.0%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
