""" "None of the ten": what the ImageNet backbone's own classifier says about a photo.

ImageNet's 1000 classes cover most things people photograph. Each of CIFAR-10's classes maps to
the ImageNet classes it contains (every dog breed is a dog; there is no deer in ImageNet, so its
nearest relatives stand in), and the rest of ImageNet is "none of the ten". A photo whose ImageNet
probability lies mostly outside the mapped classes (an espresso, a keyboard, a face) is answered
"not one of the ten: looks like an espresso" instead of the nearest CIFAR-10 class.

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


def mapped_indices(labels) -> np.ndarray | None:
    """The ImageNet classes inside any of `labels`; None when the labels are not CIFAR-10's."""
    if tuple(labels) != CIFAR10_LABELS:
        return None
    return np.array(sorted({i for indices in CIFAR10_IMAGENET.values() for i in indices}))


def outside_mass(imagenet_probabilities: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """The share of each row's ImageNet probability on classes that are none of the ten."""
    p = np.asarray(imagenet_probabilities, dtype=np.float64)
    return 1.0 - p[:, inside].sum(axis=1)


def short_name(name: str) -> str:
    """'espresso', 'tabby' ... : ImageNet's first synonym."""
    return name.split(",")[0].strip()


@dataclass(frozen=True)
class Outside:
    """A photo that looks like none of the ten classes."""

    looks_like: str
    probability: float  # the ImageNet classifier's, for that class
    mass: float  # its probability on everything outside the ten


class ImageNetCheck:
    """The backbone's ImageNet classifier, asked whether large photos show one of the ten classes."""

    def __init__(self, model, imagenet_labels, inside: np.ndarray, threshold: float):
        import tensorflow as tf

        self.model = model
        self.names = tuple(imagenet_labels)
        self.inside = inside
        self.threshold = float(threshold)
        self._forward = tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec((None, CHECK_SIZE, CHECK_SIZE, 3), tf.float32)],
            reduce_retracing=True,
        )

    @classmethod
    def load(cls, labels, threshold: float) -> ImageNetCheck | None:
        inside = mapped_indices(labels)
        if inside is None:
            return None
        from infinityvision_desktop.core.architectures import backbone_path
        from infinityvision_desktop.core.modelfile import load_model_file

        loaded = load_model_file(backbone_path())
        return cls(loaded.model, loaded.metadata.labels, inside, threshold)

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

    def check(self, images) -> list[Outside | None]:
        """For each RGB uint8 image: `Outside` when it looks like none of the ten, else None.
        Images too small to judge get None."""
        from infinityvision_desktop.core.images import resize_for_model

        result: list[Outside | None] = [None] * len(images)
        large = [i for i, image in enumerate(images) if judges(image)]
        if not large:
            return result
        batch = np.stack([resize_for_model(images[i], (CHECK_SIZE, CHECK_SIZE)) for i in large])
        probs = self.probabilities(batch)
        mass = outside_mass(probs, self.inside)
        for row, i in enumerate(large):
            if mass[row] >= self.threshold:
                outside = probs[row].copy()
                outside[self.inside] = 0.0
                top = int(np.argmax(outside))
                result[i] = Outside(short_name(self.names[top]), float(probs[row, top]), float(mass[row]))
        return result
