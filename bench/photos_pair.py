"""Real photos: does the networks' own score add to the ImageNet probability outside the ten, as it
does on the open-set protocol's thumbnails (docs/model.md, "The network and the ImageNet
classifier together")? Prints, for the ImageNet probability outside the ten (log-odds), the
networks' energy and their standardised sum: the AUROC (photos of other things against photos of
the ten), the share caught when 5% of the photos of the ten are flagged, and the cost and share
caught at the threshold the app would fit (the 95th percentile on CIFAR-10 test images). Means
and spreads come from the same CIFAR-10 images, never from the photos.

Last, why the app does not ask the ImageNet classifier about thumbnails: the rate of the answers
and of the ImageNet pass at 224 px on 1,000 of those thumbnails, two rounds (time it on an idle
machine).

    .venv/bin/python bench/photos_pair.py --imagenet-samples PATH/imagenet-sample-images --data data/cifar10
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_openset import auroc, caught_at, log_odds, logit_scores, standardised  # noqa: E402
from bench_photos import imagenet_samples  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--imagenet-samples", required=True, help="DIR of 1000 <wnid>_<name>.JPEG photos")
    parser.add_argument("--data", required=True, help="CIFAR-10 folder (test/ split is used)")
    parser.add_argument("--cifar-images", type=int, default=2000, help="test images the means and spreads come from")
    parser.add_argument("--model", default=None, help="a model file of CIFAR-10's classes (default: the bundled one)")
    args = parser.parse_args()

    from infinityvision_desktop.core.datasets import load_dataset
    from infinityvision_desktop.core.images import load_image
    from infinityvision_desktop.core.modelfile import load_model_file
    from infinityvision_desktop.core.openset import judges
    from infinityvision_desktop.core.predictor import Predictor
    from infinityvision_desktop.paths import bundled_model_path

    path = args.model or bundled_model_path()
    predictor = Predictor.load(path)
    check = predictor.open_set_check()
    if check is None:
        raise SystemExit(f"{path}: no ImageNet check (its classes are not CIFAR-10's)")
    loaded = load_model_file(path)

    def scores(thumbnails, images):
        """(log-odds of the ImageNet probability outside the ten, the networks' energy)"""
        energy = dict(logit_scores(loaded, np.asarray(thumbnails)))["energy"]
        return log_odds(check.outside_masses(images, batch_size=64)), energy

    x, _ = load_dataset(args.data, input_size=(32, 32)).splits["test"]
    chosen = x[np.random.default_rng(0).permutation(len(x))[: args.cifar_images]]
    cifar = scores(chosen, list(chosen))

    items = imagenet_samples(Path(args.imagenet_samples))
    photos, truth = [], []
    for file, name in items:
        image = load_image(file, draft_size=predictor.decode_size)
        if judges(image):  # as the app: the check needs a photo of 64 px and more
            photos.append(image)
            truth.append(name is not None)
    of_ten = np.array(truth)
    seen = scores(np.stack([predictor.prepare(image) for image in photos]), photos)
    print(
        f"{path}: {of_ten.sum()} photos of the ten, {(~of_ten).sum()} of other things; "
        f"means and spreads from {len(chosen)} CIFAR-10 test images"
    )

    on_cifar = np.arange(len(chosen) + len(photos)) < len(chosen)  # CIFAR-10's rows, then the photos'
    imagenet, energy = (standardised(np.concatenate([c, p]), on_cifar) for c, p in zip(cifar, seen))
    rows = {"ImageNet outside (log-odds)": imagenet, "the networks' energy": energy, "the two added": imagenet + energy}
    for name, score in rows.items():
        inside, outside = score[~on_cifar][of_ten], score[~on_cifar][~of_ten]
        threshold = np.percentile(score[on_cifar], 95)
        print(
            f"{name:28s} AUROC {auroc(inside, outside):.3f}; caught at 5% of the photos of the ten flagged: "
            f"{caught_at(inside, outside)[1]:.1%}; at CIFAR-10's 95th percentile: "
            f"{np.mean(inside >= threshold):.1%} of the ten flagged, {np.mean(outside >= threshold):.1%} caught"
        )

    thumbnails = x[:1000]
    for _ in range(2):
        started = time.perf_counter()
        for i in range(0, len(thumbnails), 64):
            predictor.probabilities(thumbnails[i : i + 64])
        answers = time.perf_counter() - started
        started = time.perf_counter()
        check.outside_masses(list(thumbnails), batch_size=64)
        imagenet_pass = time.perf_counter() - started
        print(
            f"{len(thumbnails)} CIFAR-10 thumbnails in batches of 64: the answers {len(thumbnails) / answers:.0f} "
            f"images/s, the ImageNet pass at 224 px {len(thumbnails) / imagenet_pass:.0f} images/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
