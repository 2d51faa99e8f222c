"""The ImageNet backbone's pooled features of each image, computed once and kept.

A teach model is the backbone up to ``head_pool`` (1280 averages of its last feature maps) plus
one linear layer. Only that layer is fitted, so each image passes through the backbone once, ever:
its features are stored under the SHA-256 of the file's bytes (a renamed or copied photo is the
same photo; an edited one is a new one), in one .npz per backbone in the user's cache folder.
The file's name carries the backbone's own SHA-256 and the precision the features were computed
in, so a new backbone file starts a new store and the old one is removed.

Each image is stored with its mirror image's features: flipping is the one augmentation that is
nearly free here and helps most with 20 photos a class, and the saved model answers with flip
test-time augmentation, so both views are needed at prediction too.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from infinityvision_desktop.core.atomic import atomic_path
from infinityvision_desktop.core.images import ImageLoadError, load_image, resize_for_model

FEATURE_SIZE = 224  # the backbone's own input size: ImageNet features need the detail
FEATURE_LAYER = "head_pool"
FEATURES = 1280
VIEWS = 2  # the image and its mirror
BATCH = 16  # images per backbone call: a Cancel is answered within about a second
STORE_PREFIX = "teach-features-"

log = logging.getLogger(__name__)
_identity_lock = threading.Lock()
_identities: dict[tuple[str, int, int], str] = {}


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backbone_identity(path: str | os.PathLike) -> str:
    """SHA-256 of the backbone file, remembered per (path, size, mtime) for this process."""
    path = os.path.abspath(os.fspath(path))
    stat = os.stat(path)
    memo = (path, stat.st_size, stat.st_mtime_ns)
    with _identity_lock:
        if memo in _identities:
            return _identities[memo]
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    with _identity_lock:
        _identities[memo] = digest.hexdigest()
    return _identities[memo]


def feature_precision() -> str:
    """'bfloat16' where the CPU computes it natively (several times faster, and its features are
    as good as float32's for a linear head), else 'float32'; the same rule and override as
    `Predictor.load`."""
    from infinityvision_desktop.core.architectures import bfloat16_supported

    wanted = os.environ.get("INFINITYVISION_PRECISION", "auto")
    if wanted == "float32":
        return "float32"
    return "bfloat16" if wanted == "mixed_bfloat16" or bfloat16_supported() else "float32"


class FeatureStore:
    """Features by content key for one backbone identity. Not thread-safe: one user at a time."""

    def __init__(self, identity: str, folder: str | os.PathLike | None = None):
        if folder is None:
            from infinityvision_desktop.paths import cache_dir

            folder = cache_dir()
        self.folder = Path(folder)
        self.identity = identity
        self._features: dict[str, np.ndarray] | None = None
        self._read_stamp: int | None = None  # the file's mtime when read: merge only when it changed since
        self._dirty = False

    @property
    def path(self) -> Path:
        return self.folder / f"{STORE_PREFIX}{self.identity}.npz"

    def __len__(self) -> int:
        return len(self._loaded())

    def get(self, key: str) -> np.ndarray | None:
        """(VIEWS, FEATURES) float32, or None."""
        found = self._loaded().get(key)
        return None if found is None else found.astype(np.float32)

    def put(self, key: str, views: np.ndarray) -> None:
        # float16: 5 KB an image instead of 10, and a linear head cannot tell the difference
        self._loaded()[key] = np.asarray(views, dtype=np.float16)
        self._dirty = True

    def save(self) -> None:
        """Write atomically, keeping what another process added meanwhile; remove stores of
        other backbones (their features can never be used again)."""
        if not self._dirty:
            return
        features = self._loaded()
        if _stamp(self.path) != self._read_stamp:  # another process (the CLI, a second window) wrote it
            for key, value in _read_store(self.path).items():
                features.setdefault(key, value)
        keys = sorted(features)
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            with atomic_path(self.path) as temp:  # the temp name ends in .npz, so np.savez adds none
                np.savez(
                    temp,
                    keys=np.array(keys, dtype="S64"),
                    features=np.stack([features[k] for k in keys])
                    if keys
                    else np.zeros((0, VIEWS, FEATURES), np.float16),
                )
        except OSError:
            log.warning("the feature cache %s could not be written", self.path, exc_info=True)
            return
        self._read_stamp = _stamp(self.path)
        self._dirty = False
        backbone = self.identity.split("-")[0]
        for other in self.folder.glob(f"{STORE_PREFIX}*.npz"):
            if not other.name.startswith(f"{STORE_PREFIX}{backbone}"):
                other.unlink(missing_ok=True)

    def _loaded(self) -> dict[str, np.ndarray]:
        if self._features is None:
            self._read_stamp = _stamp(self.path)
            self._features = _read_store(self.path)
        return self._features


def _stamp(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _read_store(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, features = data["keys"], data["features"]
            if features.shape[1:] != (VIEWS, FEATURES) or len(keys) != len(features):
                raise ValueError(f"unexpected shapes {keys.shape} {features.shape}")
            return {key.decode("ascii"): features[i] for i, key in enumerate(keys)}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError) as exc:  # a damaged cache is rebuilt, never fatal
        log.warning("ignoring the damaged feature cache %s (%s)", path, exc)
        return {}


class FeatureExtractor:
    """The loaded backbone: image batches in, pooled features of both views out.

    Holds a Keras model: use it on the thread that loaded it (the GUI keeps one in its teach worker,
    so retraining after one more photo does not load the backbone again).
    """

    def __init__(self, model, *, path: str | os.PathLike, precision: str = "float32"):
        import keras
        import tensorflow as tf

        from infinityvision_desktop.core.architectures import convert_dtype

        self.model = model  # the whole float32 ImageNet model: the saved teach model is built from it
        self.path = Path(path)
        self.precision = precision
        self.identity = f"{backbone_identity(path)[:32]}-{precision}"
        pooled = keras.Model(model.inputs, model.get_layer(FEATURE_LAYER).output, name="teach_features")
        if precision == "bfloat16":
            pooled = convert_dtype(pooled, "mixed_bfloat16")
        self._forward = tf.function(
            lambda x: tf.cast(pooled(x, training=False), tf.float32),
            input_signature=[tf.TensorSpec((None, FEATURE_SIZE, FEATURE_SIZE, 3), tf.float32)],
            reduce_retracing=True,
        )

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, precision: str | None = None) -> FeatureExtractor:
        """Load the backbone safely (`load_model_file`); raises ModelFileError."""
        from infinityvision_desktop.core.architectures import backbone_path
        from infinityvision_desktop.core.modelfile import load_model_file

        path = Path(path) if path is not None else backbone_path()
        loaded = load_model_file(path)
        return cls(loaded.model, path=path, precision=precision or feature_precision())

    def views(self, batch: np.ndarray) -> np.ndarray:
        """(N, VIEWS, FEATURES) float32 for uint8 images (N, 224, 224, 3): each image and its mirror."""
        x = np.asarray(batch, dtype=np.float32)
        both = np.concatenate([x, x[:, :, ::-1, :]])
        out = np.asarray(self._forward(both))
        return np.stack([out[: len(x)], out[len(x) :]], axis=1)


@dataclass(frozen=True)
class FeatureSource:
    """One image to have features for: its bytes (or why they could not be read) and a name."""

    name: str
    data: bytes | ImageLoadError


@dataclass
class FeatureBatch:
    """Features of many images: rows of `features` follow `ok` (the readable ones, in order)."""

    features: np.ndarray  # (n_ok, VIEWS, FEATURES) float32
    ok: list[int]  # indices into the sources
    keys: list[str]  # content keys of those
    unreadable: list[tuple[str, str]]  # (name, reason)
    computed: int  # images run through the backbone now (the rest came from the store)
    stopped: bool = False


def decode_for_features(data: bytes, name: str) -> np.ndarray:
    """The 224x224 pixels the backbone sees: the same decode and resize as the predictor's."""
    rgb = load_image(data, name=name, draft_size=(FEATURE_SIZE, FEATURE_SIZE))
    return resize_for_model(rgb, (FEATURE_SIZE, FEATURE_SIZE))


def features_for(
    sources: Sequence[FeatureSource],
    store: FeatureStore,
    *,
    extractor: FeatureExtractor | Callable[[], FeatureExtractor],
    on_progress: Callable[[int, int], None] = lambda done, total: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> FeatureBatch:
    """Features of every readable source: from the store, else computed (and stored).

    `extractor` may be a function that loads one: it is called only when something is missing,
    so a fully cached run never loads the backbone. Decoding runs in a helper thread while the
    backbone works on the previous batch.
    """
    keys: list[str | None] = []
    unreadable: list[tuple[str, str]] = []
    for source in sources:
        if isinstance(source.data, ImageLoadError):
            keys.append(None)
            unreadable.append((source.name, source.data.reason))
        else:
            keys.append(content_key(source.data))
    found: dict[str, np.ndarray] = {}
    missing: list[int] = []  # one source per key not in the store (a photo added twice is computed once)
    wanted: set[str] = set()
    for index, key in enumerate(keys):
        if key is None or key in found or key in wanted:
            continue
        cached = store.get(key)
        if cached is not None:
            found[key] = cached
        else:
            wanted.add(key)
            missing.append(index)
    total = len(missing)
    done = 0
    stopped = False
    if missing:
        model = extractor if isinstance(extractor, FeatureExtractor) else extractor()
        batches = [missing[i : i + BATCH] for i in range(0, total, BATCH)]
        on_progress(0, total)
        with ThreadPoolExecutor(1, thread_name_prefix="teach-decode") as pool:
            upcoming = pool.submit(_decode_batch, sources, batches[0])
            for number in range(len(batches)):
                decoded, failed = upcoming.result()
                if should_stop():
                    stopped = True
                    break
                if number + 1 < len(batches):
                    upcoming = pool.submit(_decode_batch, sources, batches[number + 1])
                for index, reason in failed:
                    bad = keys[index]
                    for other, key in enumerate(keys):
                        if key == bad:  # the same bytes under another name fail the same way
                            keys[other] = None
                            unreadable.append((sources[other].name, reason))
                if decoded:
                    views = model.views(np.stack([pixels for _, pixels in decoded]))
                    for (index, _), row in zip(decoded, views):
                        found[keys[index]] = row
                        store.put(keys[index], row)
                done += len(batches[number])
                on_progress(done, total)
            upcoming.cancel()  # after a stop: the next batch need not be decoded
        store.save()  # even after a stop: what was computed is kept
    computed = sum(1 for i in missing if keys[i] is not None and keys[i] in found)
    ok = [i for i, key in enumerate(keys) if key is not None and key in found]
    features = np.stack([found[keys[i]] for i in ok]) if ok else np.zeros((0, VIEWS, FEATURES), np.float32)
    return FeatureBatch(features.astype(np.float32), ok, [keys[i] for i in ok], unreadable, computed, stopped)


def _decode_batch(sources: Sequence[FeatureSource], indices: list[int]):
    decoded, failed = [], []
    for index in indices:
        source = sources[index]
        try:
            decoded.append((index, decode_for_features(source.data, source.name)))
        except ImageLoadError as exc:
            failed.append((index, exc.reason))
    return decoded, failed
