"""InfinityVision Desktop: classify photos into the ten CIFAR-10 classes, see why, retrain the model."""

__version__ = "0.1.0"
APP_NAME = "InfinityVision"
ORGANIZATION = "InfinityVision"
