"""Sums of the open-set scores `bench_openset.py --features --save-scores` wrote, per split and as
the literature's five-split mean (docs/model.md, "The network and the ImageNet classifier
together"). Each score is standardised by its mean and spread on the known test images, the
ImageNet probability taken as log-odds first, and the standardised scores are added.

    .venv/bin/python bench/openset_pairs.py runs/osr_a_scores.npz runs/osr_a_scores.npz \
        runs/osr_b_scores.npz runs/osr_c_scores.npz runs/osr_d_scores.npz

A file given twice counts twice in the mean (splits 0 and 1 are the same six classes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_openset import auroc, caught_at, log_odds, standardised  # noqa: E402

PAIRS = (
    ("react",),
    ("imagenet",),
    ("react", "imagenet"),
    ("maxlogit", "imagenet"),
    ("energy", "imagenet"),
    ("maxlogit", "knn", "imagenet"),
    ("react", "knn", "imagenet"),
    ("msp", "imagenet"),
    ("react", "knn"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scores", nargs="+", help="files bench_openset.py --save-scores wrote")
    parser.add_argument("--cost", type=float, default=0.05)
    args = parser.parse_args()
    results = {pair: [] for pair in PAIRS}
    for path in args.scores:
        saved = np.load(path)
        is_known = np.isin(saved["names"], saved["known"])
        for pair in PAIRS:
            parts = [log_odds(saved[name]) if name == "imagenet" else saved[name] for name in pair]
            score = sum(standardised(s, is_known) for s in parts)
            known, unknown = score[is_known], score[~is_known]
            results[pair].append((auroc(known, unknown), caught_at(known, unknown, args.cost)[1]))
    print(f"AUROC / caught at {args.cost:.0%} of knowns flagged; files: {' '.join(args.scores)}")
    for pair, figures in results.items():
        per_file = "  ".join(f"{a:.3f} / {c:.1%}" for a, c in figures)
        a, c = np.mean(figures, axis=0)
        print(f"{' + '.join(pair):28s} mean {a:.3f} / {c:.1%}   ({per_file})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
