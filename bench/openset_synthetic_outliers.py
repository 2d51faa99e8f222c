"""The 6/4 open-set recipe with synthetic outliers in every training batch (tried 2026-12-04, worse:
docs/model.md). Prints nothing of its own; asserts nothing.

Each shuffled training batch of N images gets `--share` x N more: pixel mixes (weight 0.35-0.65)
of two images of the batch, with a uniform target where their classes differ (outlier exposure on
near-outliers made from the known classes, after PROSER and OpenMix); a pair of the same class
keeps its label. Everything else is `infinityvision train`, whose arguments follow:

    .venv/bin/python bench/openset_synthetic_outliers.py [--share 0.25] --data data/cifar6 \\
        --arch efficientnet-lite0 --epochs 6 ... --out runs/open6_oe_e6.h5
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def with_outliers(make_tf_dataset, share: float):
    """`make_tf_dataset` whose shuffled (training) batches carry the synthetic outliers."""

    def make(x, y, *, num_classes, batch_size, shuffle=False, **kwargs):
        import tensorflow as tf

        dataset = make_tf_dataset(x, y, num_classes=num_classes, batch_size=batch_size, shuffle=shuffle, **kwargs)
        if not shuffle:
            return dataset
        extra = max(1, int(batch_size * share))

        def mix(images, labels):
            n = tf.shape(images)[0]
            m = tf.minimum(extra, n)
            order = tf.random.shuffle(tf.range(n))
            first, second = order[:m], tf.roll(order, 1, 0)[:m]
            weight = tf.random.uniform([m, 1, 1, 1], 0.35, 0.65)
            mixed = weight * tf.gather(images, first) + (1 - weight) * tf.gather(images, second)
            a, b = tf.gather(labels, first), tf.gather(labels, second)
            same = tf.reduce_all(tf.equal(a, b), axis=1, keepdims=True)
            target = tf.where(same, a, tf.fill(tf.shape(a), 1.0 / num_classes))
            return tf.concat([images, mixed], 0), tf.concat([labels, target], 0)

        return dataset.map(mix, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

    return make


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--share", type=float, default=0.25, help="outliers added per training image")
    args, train_args = parser.parse_known_args()
    from infinityvision_desktop.cli import main as cli_main
    from infinityvision_desktop.core import datasets, pipeline

    pipeline.make_tf_dataset = with_outliers(datasets.make_tf_dataset, args.share)
    return cli_main(["train", *train_args])


if __name__ == "__main__":
    sys.exit(main())
