"""Class names of CIFAR-10, in the dataset's own order (also the sorted folder names)."""

CIFAR10_LABELS: tuple[str, ...] = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
