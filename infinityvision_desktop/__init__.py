"""InfinityVision Desktop: classify photos into the ten CIFAR-10 classes, see why, retrain the model."""

# Python's sqlite3 before anything can import TensorFlow: TensorFlow's libraries carry their own
# SQLite (3.50 beside the system's 3.40 here), and whichever is loaded first serves every later
# user; the History's query plans were tuned on Python's (tests/core/test_history.py).
import sqlite3  # noqa: F401

__version__ = "0.1.0"
APP_NAME = "InfinityVision"
ORGANIZATION = "InfinityVision"
