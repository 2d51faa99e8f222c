""" "None of the ten", and a second opinion: what the ImageNet backbone's own classifier says about a photo.

ImageNet's 1000 classes cover most things people photograph. Each of CIFAR-10's classes maps to
the ImageNet classes it contains (every dog breed is a dog; there is no deer in ImageNet, so its
nearest relatives stand in), and the rest of ImageNet is "none of the ten". A photo whose ImageNet
probability lies mostly outside the mapped classes (an espresso, a keyboard, a face) is answered
"not one of the ten: looks like an espresso" instead of the nearest CIFAR-10 class.

Inside the ten, the same classifier is a second opinion: it sees the photo at 224 px, where the
CIFAR-10 networks see it at 32 px and mistake a photographed dog for a cat. The answer for a photo
is the product of the two opinions (`fuse`), each floored at `FLOOR`: a class one of them all but
rules out can still be carried by the other (ImageNet stands in for deer with antelopes and has two
horse classes; the networks, sure of themselves on CIFAR-10's thumbnails, are often sure and wrong
on photos), and where both are sure of different classes the answer ends near even, below the
"not sure" threshold. The ImageNet shares are of its mass inside the classes, however small that
mass is. The two are not independent (the
EfficientNet network starts from the same weights), and the ImageNet opinion keeps ImageNet's
balance (118 dog breeds, 5 cats); dividing by that balance was measured and did worse
(docs/model.md, "Real photos").

The check needs detail: it runs on photos whose shorter side has at least `MIN_SIDE` pixels, at
the backbone's own 224 px. CIFAR-10's 32 px thumbnails are left to the classifier. The threshold
is fitted on held-out CIFAR-10 images (upscaled, so blurrier and less sure than a real photo),
which makes it conservative for real photos of the ten classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from infinityvision_desktop.core.labels import CIFAR10_LABELS

MIN_SIDE = 64
CHECK_SIZE = 224
# What each opinion adds to every class in `fuse`: a class one of them gives nothing still keeps
# about 1 in 1000, and the other opinion can carry it.
FLOOR = 1e-3

# CIFAR-10 class -> ImageNet-1k class indices (torchvision's order; names in the backbone's metadata)
_BIRDS = (*range(7, 25), *range(80, 101), *range(127, 147))
CIFAR10_IMAGENET: dict[str, tuple[int, ...]] = {
    "airplane": (404, 895, 908),  # airliner, warplane, wing
    "automobile": (407, 436, 468, 511, 609, 627, 656, 661, 717, 751, 817, 479, 581),
    "bird": _BIRDS,
    "cat": (281, 282, 283, 284, 285),  # the domestic cats
    "deer": (350, 351, 352, 353),  # ibex, hartebeest, impala, gazelle
    "dog": tuple(range(151, 269)),  # the dog breeds
    "frog": (30, 31, 32),
    "horse": (339, 603),  # sorrel, horse cart
    "ship": (403, 472, 484, 510, 554, 576, 625, 628, 724, 780, 814, 833, 871, 914),
    "truck": (555, 569, 675, 734, 803, 864, 867),
}


def judges(image: np.ndarray) -> bool:
    """Whether the check has detail enough to judge this RGB image (a photo, not a thumbnail)."""
    return min(image.shape[:2]) >= MIN_SIDE


def groups_for(names) -> np.ndarray:
    """(1000, len(names)) with 1 where an ImageNet class belongs to that CIFAR-10 class."""
    groups = np.zeros((1000, len(names)), dtype=np.float64)
    for column, name in enumerate(names):
        groups[list(CIFAR10_IMAGENET[name]), column] = 1.0
    return groups


def class_groups(labels) -> np.ndarray | None:
    """`groups_for(labels)`; None when the labels are not CIFAR-10's (no check for own classes)."""
    return groups_for(labels) if tuple(labels) == CIFAR10_LABELS else None


def outside_mass(imagenet_probabilities: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """The share of each row's ImageNet probability on classes that are none of the ten."""
    p = np.asarray(imagenet_probabilities, dtype=np.float64)
    return 1.0 - p[:, inside].sum(axis=1)


def class_shares(imagenet_probabilities: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each row's ImageNet probability per class of the model, as shares of its probability inside
    them (equal shares when there is none)."""
    mass = np.asarray(imagenet_probabilities, dtype=np.float64) @ groups
    total = mass.sum(axis=1, keepdims=True)
    even = np.full_like(mass, 1.0 / groups.shape[1])
    return np.divide(mass, total, out=even, where=total > 0)


def fuse(probabilities, shares, floor: float = FLOOR) -> np.ndarray:
    """The model's probabilities and the ImageNet classifier's shares (rows), each plus `floor`,
    multiplied and renormalised."""
    p = np.asarray(probabilities, dtype=np.float64) + floor
    p = p * (np.asarray(shares, dtype=np.float64) + floor)
    return p / p.sum(axis=-1, keepdims=True)


def short_name(name: str) -> str:
    """'espresso', 'tabby' ... : ImageNet's first synonym."""
    return name.split(",")[0].strip()


@dataclass(frozen=True)
class Outside:
    """A photo that looks like none of the ten classes."""

    looks_like: str
    probability: float  # the ImageNet classifier's, for that class
    mass: float  # its probability on everything outside the ten


@dataclass(frozen=True)
class Opinion:
    """What the ImageNet classifier says about one photo."""

    shares: tuple[float, ...]  # per class of the model (`class_shares`)
    mass: float  # its probability outside the classes
    outside: Outside | None  # set when `mass` reaches the threshold: it looks like none of the classes
    seen_as: str = ""  # its top ImageNet class, "golden retriever"
    seen_probability: float = 0.0


class ImageNetCheck:
    """The backbone's ImageNet classifier, asked whether large photos show one of the ten classes."""

    def __init__(self, model, imagenet_labels, groups: np.ndarray, threshold: float):
        import tensorflow as tf

        from infinityvision_desktop.core.folding import fold_batchnorm

        self.model = fold_batchnorm(model) or model  # the same answers, faster (core.folding)
        self.names = tuple(imagenet_labels)
        self.groups = groups
        self.inside = np.flatnonzero(groups.any(axis=1))
        self.threshold = float(threshold)
        self._forward = tf.function(
            lambda x: self.model(x, training=False),
            input_signature=[tf.TensorSpec((None, CHECK_SIZE, CHECK_SIZE, 3), tf.float32)],
            reduce_retracing=True,
        )

    @classmethod
    def load(cls, labels, threshold: float) -> ImageNetCheck | None:
        groups = class_groups(labels)
        if groups is None:
            return None
        from infinityvision_desktop.core.architectures import backbone_path
        from infinityvision_desktop.core.modelfile import load_model_file

        loaded = load_model_file(backbone_path())
        return cls(loaded.model, loaded.metadata.labels, groups, threshold)

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """ImageNet probabilities for images already at CHECK_SIZE."""
        return np.asarray(self._forward(np.asarray(batch, dtype=np.float32)), dtype=np.float64)

    def outside_masses(self, images, batch_size: int = 128) -> np.ndarray:
        """Each RGB uint8 image's ImageNet probability outside the ten classes, at CHECK_SIZE
        whatever its size (fitting the threshold, and the open-set benchmark, on 32 px images)."""
        from infinityvision_desktop.core.images import resize_for_model

        masses = [
            outside_mass(
                self.probabilities(
                    np.stack([resize_for_model(im, (CHECK_SIZE, CHECK_SIZE)) for im in images[i : i + batch_size]])
                ),
                self.inside,
            )
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(masses) if masses else np.zeros(0)

    def check(self, images) -> list[Opinion | None]:
        """For each RGB uint8 image: its `Opinion`, whose `outside` is set when it looks like none
        of the classes. Images too small to judge get None."""
        from infinityvision_desktop.core.images import resize_for_model

        result: list[Opinion | None] = [None] * len(images)
        large = [i for i, image in enumerate(images) if judges(image)]
        if not large:
            return result
        batch = np.stack([resize_for_model(images[i], (CHECK_SIZE, CHECK_SIZE)) for i in large])
        probs = self.probabilities(batch)
        mass = outside_mass(probs, self.inside)
        shares = class_shares(probs, self.groups)
        for row, i in enumerate(large):
            outside = None
            if mass[row] >= self.threshold:
                rest = probs[row].copy()
                rest[self.inside] = 0.0
                top = int(np.argmax(rest))
                outside = Outside(short_name(self.names[top]), float(probs[row, top]), float(mass[row]))
            best = int(np.argmax(probs[row]))
            result[i] = Opinion(
                tuple(float(v) for v in shares[row]),
                float(mass[row]),
                outside,
                short_name(self.names[best]),
                float(probs[row, best]),
            )
        return result
