"""Training data: class-per-folder directories and .tar.gz archives of that layout.

Layout: ``root/<class>/...`` or ``root/train/<class>/...`` and ``root/test/<class>/...``
(a single enclosing folder, as in ``cifar10/train/...``, is looked through). Labels are the
sorted class-folder names, kept exactly as written. Images are decoded once, resized by the
one resize function the predictor also uses, and cached as an uncompressed .npz keyed by
the files' names, sizes and times, so later runs start in a second.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np

from infinityvision_desktop.core import atomic
from infinityvision_desktop.core.images import ImageLoadError, is_image_path, load_image, resize_for_model
from infinityvision_desktop.core.labels import CIFAR10_LABELS

SPLIT_NAMES = ("train", "test")
ALL = "all"  # the split name of a folder without train/ and test/
CACHE_VERSION = 1
CIFAR10_KEYWORD = "cifar10"
CIFAR10_HOST = "www.cs.toronto.edu"  # where keras.datasets.cifar10 downloads from
LOCAL_COPY_HINT = (
    "CIFAR-10 is published at https://www.cs.toronto.edu/~kriz/cifar.html (what --data cifar10 "
    "downloads); without a connection, point --data at a local copy with one sub-folder per class, "
    "such as a JPEG export of CIFAR-10: a folder of class folders (optionally inside train/ and "
    "test/), or a .tar.gz or .tar archive of that layout"
)

ProgressFn = Callable[[int, int], None]


class DatasetError(Exception):
    """A dataset that cannot be used, with the counts or reason for people."""

    def __init__(self, path: str | os.PathLike | None, reason: str):
        self.path = str(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path or 'dataset'}: {reason}")


@dataclass(frozen=True)
class LabelledFile:
    """One image file of a class-per-folder source, before decoding."""

    split: str  # "train", "test", or ALL for a folder without splits
    label: str  # its class folder's name
    name: str  # relative to the source: "test/cat/0001.jpg"
    locator: str  # the path on disk, or the member's name inside an archive


@dataclass(frozen=True)
class DatasetScan:
    """What a source holds, from the file listing alone (no decoding). `load_dataset` decodes its
    `files` rather than listing the source again."""

    source: str
    labels: tuple[str, ...]
    counts: dict[str, dict[str, int]]  # split -> label -> image files
    skipped: tuple[str, ...] = ()  # files that are not images by name
    files: tuple[LabelledFile, ...] = field(default=(), repr=False, compare=False)  # the image files, in order
    # (path, st_mtime_ns) of every folder listed, or of the archive: a file added or removed since
    # changes one of them, and the listing is then made again
    stamp: tuple[tuple[str, int], ...] = field(default=(), repr=False, compare=False)

    @property
    def splits(self) -> tuple[str, ...]:
        return tuple(self.counts)

    def total(self, split: str | None = None) -> int:
        splits = [split] if split else list(self.counts)
        return sum(sum(self.counts[s].values()) for s in splits)

    def describe(self) -> str:
        parts = []
        for split, per_class in self.counts.items():
            inner = ", ".join(f"{label}: {count}" for label, count in per_class.items())
            parts.append(f"{split} ({inner})")
        return "; ".join(parts)


@dataclass
class LoadedDataset:
    """Decoded images per split, as uint8 arrays at the model's input size."""

    source: str
    labels: tuple[str, ...]
    splits: dict[str, tuple[np.ndarray, np.ndarray]]
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    seconds: float = 0.0
    from_cache: bool = False


# ---------------------------------------------------------------- listing


def _classify_member(parts: tuple[str, ...]) -> tuple[str, str] | None:
    """(split, label) for a file path relative to the dataset root, or None."""
    if len(parts) >= 3 and parts[0] in SPLIT_NAMES:
        return parts[0], parts[1]
    if len(parts) >= 2 and parts[0] not in SPLIT_NAMES:
        return ALL, parts[0]
    return None


def _strip_enclosing_folder(paths: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    # "cifar10/train/cat/1.jpg" -> "train/cat/1.jpg" when everything sits in one folder
    while paths and all(len(p) > 2 for p in paths):
        first = {p[0] for p in paths}
        if len(first) != 1 or next(iter(first)) in SPLIT_NAMES:
            break
        paths = [p[1:] for p in paths]
    return paths


def _list_folder(root: Path, stamp: list | None = None) -> Iterator[tuple[tuple[str, ...], str]]:
    """(relative parts, full path) of every file; links are not followed into loops. Each folder's
    modification time goes into `stamp` when given."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        if stamp is not None:
            stamp.append((folder, _mtime_ns(folder)))
        rel = Path(folder).relative_to(root).parts
        for name in sorted(files):
            if name.startswith("."):
                continue
            yield (*rel, name), os.path.join(folder, name)


def _list_tar(path: Path) -> Iterator[tuple[tuple[str, ...], str]]:
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                if member.isfile():
                    parts = tuple(p for p in PurePosixPath(member.name).parts if p not in ("", ".", ".."))
                    if parts and not parts[-1].startswith("."):
                        yield parts, member.name
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise DatasetError(path, f"the archive is damaged or not a tar archive ({exc})") from None


def _entries(source: Path, stamp: list | None = None) -> list[tuple[str, str, str, str]]:
    """(split, label, display name, locator) for every image file, sorted; what was listed goes
    into `stamp` when given."""
    if source.is_dir():
        listing = list(_list_folder(source, stamp))
    elif source.is_file() and _is_archive(source):
        if stamp is not None:
            stamp.append((str(source), _mtime_ns(source)))
        listing = list(_list_tar(source))
    elif source.exists():
        raise DatasetError(source, "is neither a folder nor a .tar/.tar.gz archive")
    else:
        raise DatasetError(source, "not found")
    parts_list = _strip_enclosing_folder([parts for parts, _ in listing])
    entries = []
    for parts, (_, locator) in zip(parts_list, listing):
        where = _classify_member(parts)
        entries.append((where[0] if where else "", where[1] if where else "", "/".join(parts), locator))
    return entries


def _mtime_ns(path: str | os.PathLike) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _listing_of(scan: DatasetScan | None, source: Path) -> bool:
    """True when `scan` lists `source` as it is now: the same path, and no file added or removed."""
    if scan is None or not scan.files or not scan.stamp:
        return False
    try:
        if Path(scan.source).resolve() != source.resolve():
            return False
    except OSError:
        return False
    return all(_mtime_ns(path) == mtime for path, mtime in scan.stamp)


def _is_archive(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".tar.gz", ".tgz", ".tar"))


def scan_dataset(source: str | os.PathLike, *, check: bool = True) -> DatasetScan:
    """Count images per split and class; refuse what cannot be trained on, with the counts.

    With check=False the counts come back even for data that cannot be trained on (the
    training dialog shows them beside the reason from `check_trainable`)."""
    source = Path(source)
    stamp: list[tuple[str, int]] = []
    entries = _entries(source, stamp)
    counts: dict[str, dict[str, int]] = {}
    skipped = []
    class_folders: dict[str, set[str]] = {}
    for split, label, name, _ in entries:
        if not label:
            skipped.append(name)
            continue
        class_folders.setdefault(split, set()).add(label)
        if not is_image_path(name):
            skipped.append(name)
            continue
        counts.setdefault(split, {}).setdefault(label, 0)
        counts[split][label] += 1
    if source.is_dir():
        # empty class folders have no files to list: find them directly
        for split in (ALL, *SPLIT_NAMES):
            base = source if split == ALL else source / split
            if split != ALL and not base.is_dir():
                continue
            if split == ALL and any((source / s).is_dir() for s in SPLIT_NAMES):
                continue
            for child in sorted(base.iterdir()) if base.is_dir() else []:
                if child.is_dir() and not child.name.startswith(".") and child.name not in SPLIT_NAMES:
                    class_folders.setdefault(split, set()).add(child.name)
    for split, labels in class_folders.items():
        per_class = counts.setdefault(split, {})
        for label in labels:
            per_class.setdefault(label, 0)
    counts = {
        split: dict(sorted(per_class.items()))
        for split, per_class in sorted(counts.items(), key=lambda kv: _split_order(kv[0]))
    }
    train_split = ALL if ALL in counts else "train"
    labels = tuple(counts.get(train_split, {}))
    files = tuple(LabelledFile(*entry) for entry in entries if entry[1] and is_image_path(entry[2]))
    scan = DatasetScan(
        source=str(source), labels=labels, counts=counts, skipped=tuple(skipped), files=files, stamp=tuple(stamp)
    )
    if check:
        check_trainable(scan)
    return scan


def _split_order(split: str) -> int:
    return {"train": 0, ALL: 0, "test": 1}.get(split, 2)


def check_trainable(scan: DatasetScan) -> None:
    train_split = ALL if ALL in scan.counts else "train"
    per_class = scan.counts.get(train_split, {})
    counted = ", ".join(f"{label}: {count}" for label, count in per_class.items())
    if not per_class or sum(per_class.values()) == 0:
        raise DatasetError(
            scan.source,
            "no images found: expected one sub-folder of images per class" + (f" (found {counted})" if counted else ""),
        )
    if len(per_class) < 2:
        label, count = next(iter(per_class.items()))
        raise DatasetError(scan.source, f"only one class ('{label}', {count} images): at least two are needed")
    empty = [label for label, count in per_class.items() if count == 0]
    if empty:
        names = ", ".join(f"'{label}'" for label in empty)
        raise DatasetError(scan.source, f"class folder {names} has no images ({counted})")


# ---------------------------------------------------------------- decoding


def load_dataset(
    source: str | os.PathLike,
    *,
    input_size: tuple[int, int] = (32, 32),
    use_cache: bool = True,
    cache_folder: str | os.PathLike | None = None,
    on_progress: ProgressFn | None = None,
    should_stop: Callable[[], bool] | None = None,
    max_per_class: int | None = None,
    scan: DatasetScan | None = None,
) -> LoadedDataset:
    """Decode every image of every split; unreadable files are listed, never fatal.

    `scan`: a listing of `source` made already (the training dialog's), decoded as it is instead of
    listing the source again, unless it is of another source or files were added or removed since.
    """
    if str(source).lower() == CIFAR10_KEYWORD and not Path(source).exists():
        return load_cifar10_download(input_size=input_size)
    started = time.perf_counter()
    source = Path(source)
    if not _listing_of(scan, source):
        scan = scan_dataset(source, check=False)
    check_trainable(scan)
    entries = [(f.split, f.label, f.name, f.locator) for f in scan.files]
    if max_per_class:
        taken: dict[tuple[str, str], int] = {}
        kept = []
        for entry in entries:
            key = (entry[0], entry[1])
            if taken.get(key, 0) < max_per_class:
                taken[key] = taken.get(key, 0) + 1
                kept.append(entry)
        entries = kept
    key = _cache_key(source, entries, input_size)
    cache_file = Path(cache_folder) / f"{key}.npz" if cache_folder else None
    if use_cache and cache_folder is None:
        from infinityvision_desktop.paths import cache_dir

        cache_file = cache_dir() / f"{key}.npz"
    if use_cache and cache_file and cache_file.exists():
        try:
            return _read_cache(cache_file, str(source), scan.labels, started)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt below
    label_index = {label: i for i, label in enumerate(scan.labels)}
    images: dict[str, list[np.ndarray]] = {}
    targets: dict[str, list[int]] = {}
    unreadable: list[tuple[str, str]] = []
    total = len(entries)
    step = max(1, total // 100)
    for done, (split, label, name, data) in enumerate(_read_all(source, entries), start=1):
        if should_stop and done % 64 == 0 and should_stop():
            raise InterruptedError("stopped while reading the dataset")
        if label not in label_index:
            unreadable.append((name, f"class '{label}' is not in the training split"))
            continue
        try:
            if isinstance(data, Exception):
                raise data
            rgb = load_image(data, name=name, draft_size=input_size)
        except ImageLoadError as exc:
            unreadable.append((name, exc.reason))
            continue
        images.setdefault(split, []).append(resize_for_model(rgb, input_size))
        targets.setdefault(split, []).append(label_index[label])
        if on_progress and (done % step == 0 or done == total):
            on_progress(done, total)
    splits = {}
    for split in sorted(images, key=_split_order):
        splits[split] = (np.stack(images[split]), np.asarray(targets[split], dtype=np.int32))
    if not splits:
        raise DatasetError(source, f"none of the {total} image files could be read")
    dataset = LoadedDataset(str(source), scan.labels, splits, unreadable, time.perf_counter() - started)
    if use_cache and cache_file:
        _write_cache(cache_file, dataset)
    return dataset


def _read_all(source: Path, entries):
    """Yield (split, label, name, bytes or error) in entry order."""
    if source.is_dir():
        for split, label, name, locator in entries:
            try:
                with open(locator, "rb") as handle:
                    yield split, label, name, handle.read()
            except OSError as exc:
                yield split, label, name, ImageLoadError(locator, exc.strerror or str(exc))
        return
    wanted = {locator: (split, label, name) for split, label, name, locator in entries}
    found = {}
    with tarfile.open(source, "r:*") as archive:
        for member in archive:
            if member.name in wanted:
                handle = archive.extractfile(member)
                found[member.name] = handle.read() if handle else ImageLoadError(member.name, "not a regular file")
    for split, label, name, locator in entries:
        yield split, label, name, found.get(locator, ImageLoadError(name, "missing from the archive"))


def labelled_files(source: str | os.PathLike) -> list[LabelledFile]:
    """Every image file under a class folder, in the order training reads them (nothing decoded)."""
    return [LabelledFile(*entry) for entry in _entries(Path(source)) if entry[1] and is_image_path(entry[2])]


def read_labelled_files(
    source: str | os.PathLike, files: list[LabelledFile]
) -> Iterator[tuple[LabelledFile, bytes | ImageLoadError]]:
    """Each file's bytes, or the reason it could not be read, in the order given."""
    entries = [(f.split, f.label, f.name, f.locator) for f in files]
    for file, (_, _, _, data) in zip(files, _read_all(Path(source), entries)):
        yield file, data


def _cache_key(source: Path, entries, input_size) -> str:
    digest = hashlib.sha1(f"{CACHE_VERSION}|{source.resolve()}|{input_size}".encode())
    if source.is_file():
        stat = source.stat()
        digest.update(f"{stat.st_size}|{stat.st_mtime_ns}|{len(entries)}".encode())
    else:
        for _, _, name, locator in entries:
            try:
                stat = os.stat(locator)
                digest.update(f"{name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
            except OSError:
                digest.update(f"{name}|missing\n".encode())
    return digest.hexdigest()[:20]


def _write_cache(path: Path, dataset: LoadedDataset) -> None:
    arrays = {}
    for split, (x, y) in dataset.splits.items():
        arrays[f"x_{split}"] = x
        arrays[f"y_{split}"] = y
    unreadable = np.array(["\t".join(item) for item in dataset.unreadable], dtype=str)
    try:
        with atomic.atomic_path(path, make_parents=True) as temp:
            np.savez(temp, labels=np.array(dataset.labels, dtype=str), unreadable=unreadable, **arrays)
    except OSError:
        pass  # a cache is an optimisation: never fail the run for it


def _read_cache(path: Path, source: str, labels: tuple[str, ...], started: float) -> LoadedDataset:
    with np.load(path, allow_pickle=False) as data:
        cached_labels = tuple(str(v) for v in data["labels"])
        if cached_labels != labels:
            raise ValueError("labels changed")
        splits = {}
        for key in data.files:
            if key.startswith("x_"):
                split = key[2:]
                splits[split] = (data[key], data[f"y_{split}"])
        unreadable = [tuple(str(item).split("\t", 1)) for item in data["unreadable"]]
    return LoadedDataset(
        source,
        labels,
        dict(sorted(splits.items(), key=lambda kv: _split_order(kv[0]))),
        unreadable,
        time.perf_counter() - started,
        from_cache=True,
    )


# ---------------------------------------------------------------- CIFAR-10 download


def load_cifar10_download(*, input_size: tuple[int, int] = (32, 32), timeout: float = 3.0) -> LoadedDataset:
    """CIFAR-10 through keras.datasets (downloads once); fails within seconds offline."""
    started = time.perf_counter()
    # where keras.datasets.cifar10 (Keras 3.9+) extracts its download
    cached = (
        Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
        / "datasets"
        / "cifar-10-batches-py-target"
        / "cifar-10-batches-py"
    )
    if not cached.exists():
        try:
            socket.create_connection((CIFAR10_HOST, 443), timeout=timeout).close()
        except OSError as exc:
            raise DatasetError(
                CIFAR10_KEYWORD, f"cannot download CIFAR-10 (no connection: {exc.strerror or exc}); " + LOCAL_COPY_HINT
            ) from None
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    except Exception as exc:  # network and archive errors come in many types
        raise DatasetError(CIFAR10_KEYWORD, f"download failed ({exc}); " + LOCAL_COPY_HINT) from None
    splits = {}
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if tuple(input_size) != (32, 32):
            x = np.stack([resize_for_model(image, input_size) for image in x])
        splits[split] = (x, y.reshape(-1).astype(np.int32))
    return LoadedDataset(CIFAR10_KEYWORD, CIFAR10_LABELS, splits, [], time.perf_counter() - started)


# ---------------------------------------------------------------- splits and tf.data


def split_validation(x: np.ndarray, y: np.ndarray, share: float, *, seed: int = 0):
    """Stratified hold-out: (x_train, y_train, x_val, y_val); at least one image per class held out."""
    if share <= 0:
        return x, y, x[:0], y[:0]
    rng = np.random.default_rng(seed)
    val_index = []
    for cls in np.unique(y):
        members = np.flatnonzero(y == cls)
        rng.shuffle(members)
        take = max(1, int(round(len(members) * share))) if len(members) > 1 else 0
        val_index.extend(members[:take])
    mask = np.zeros(len(y), dtype=bool)
    mask[np.asarray(val_index, dtype=np.int64)] = True
    return x[~mask], y[~mask], x[mask], y[mask]


@dataclass(frozen=True)
class Augmentation:
    flip: bool = True
    translate: int = 2  # pixels, reflect-padded random crop
    cutout: int = 0  # side of a square blanked (mean colour) at a random place; 0 = off


def make_tf_dataset(
    x: np.ndarray,
    y: np.ndarray,
    *,
    num_classes: int,
    batch_size: int,
    shuffle: bool = False,
    augmentation: Augmentation | None = None,
    seed: int | None = None,
    drop_remainder: bool = False,
):
    """A tf.data pipeline of (float32 images 0-255, one-hot labels); augmentation per batch."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    height, width = int(x.shape[1]), int(x.shape[2])
    aug = augmentation or Augmentation(flip=False, translate=0, cutout=0)

    def transform(images, labels):
        images = tf.cast(images, tf.float32)
        batch = tf.shape(images)[0]
        if aug.flip:
            flip = tf.random.uniform([batch]) < 0.5
            images = tf.where(flip[:, None, None, None], tf.reverse(images, axis=[2]), images)
        if aug.translate:
            pad = aug.translate
            padded = tf.pad(images, [[0, 0], [pad, pad], [pad, pad], [0, 0]], mode="REFLECT")
            dy = tf.random.uniform([batch], 0, 2 * pad + 1, tf.int32)
            dx = tf.random.uniform([batch], 0, 2 * pad + 1, tf.int32)
            rows = dy[:, None] + tf.range(height)[None, :]
            cols = dx[:, None] + tf.range(width)[None, :]
            images = tf.gather(padded, rows, axis=1, batch_dims=1)
            images = tf.gather(images, cols, axis=2, batch_dims=1)
        if aug.cutout:
            cy = tf.random.uniform([batch], 0, height, tf.int32)
            cx = tf.random.uniform([batch], 0, width, tf.int32)
            ys = tf.range(height)[None, :, None]
            xs = tf.range(width)[None, None, :]
            top, left = cy[:, None, None] - aug.cutout // 2, cx[:, None, None] - aug.cutout // 2
            inside = (ys >= top) & (ys < top + aug.cutout) & (xs >= left) & (xs < left + aug.cutout)
            # filled with the batch's mean colour: after the model's normalisation that is ~0,
            # as in DeVries & Taylor's cutout, rather than black's strong negative input
            fill = tf.broadcast_to(tf.reduce_mean(images, axis=[0, 1, 2], keepdims=True), tf.shape(images))
            images = tf.where(inside[..., None], fill, images)
        return images, tf.one_hot(labels, num_classes)

    return dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
