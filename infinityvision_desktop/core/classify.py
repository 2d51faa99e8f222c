"""Classifying images: the one decode -> predict loop of the app.

The window's inference worker, `infinityvision classify`, Evaluate on Folder and `--selftest`
all run `classify()` (Orange's headless `run(data, state)` shape): items in, one `on_batch`
call per batch of results, `should_stop()` polled between images. The caller's "not sure"
threshold (the user's own, or None for the model's) goes to the predictor, which decides it
in one place (`core.predictor.is_not_sure`).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice

import numpy as np

from infinityvision_desktop.core.images import ImageInfo, ImageLoadError, load_image_with_info, thumbnail

# Images per predict() call: big enough for throughput, small enough that results and progress
# move several times a second and a stop request is answered within one batch.
BATCH_SIZE = 128

# a file path, encoded bytes, RGB uint8 pixels (H, W, 3), or why the bytes could not be read
ImageSource = str | bytes | np.ndarray | ImageLoadError


@dataclass(frozen=True)
class ImageItem:
    """One image to classify: a file path, encoded bytes, or RGB uint8 pixels (H, W, 3); or the
    reason its bytes could not be read (a member of a damaged archive), which becomes its result."""

    key: int  # the caller's identifier, returned with the result
    source: ImageSource
    name: str  # shown in error messages; for files, usually the path


@dataclass(frozen=True, eq=False)
class ImageResult:
    """One image's outcome: a prediction, or the reason it could not be read. A value: safe to
    send across threads."""

    key: int
    prediction: object | None  # a core.predictor.Prediction
    error: str | None  # str(ImageLoadError): "photo.jpg: file is empty"
    # RGB uint8, long side <= the thumbnail side asked for (None when none was asked for)
    thumbnail: np.ndarray | None = None
    frames: int = 1  # > 1: an animation (or multi-page file) of which the first frame was classified
    # the file's own bytes when it is a JPEG no larger than the thumbnail side (CIFAR-10's): a
    # thumbnail that needs no encoding
    thumbnail_jpeg: bytes | None = None
    reason: str | None = None  # the error without the file's name: "file is empty"


@dataclass(frozen=True)
class ClassifySummary:
    classified: int
    skipped: int  # unreadable
    stopped: bool
    not_done: int  # images never reached (stopped)


def _never() -> bool:
    return False


def classify(
    items: Iterable[ImageItem],
    predictor,
    *,
    total: int | None = None,
    threshold: float | None = None,
    batch_size: int = BATCH_SIZE,
    thumbnail_side: int = 0,
    on_batch: Callable[[tuple[ImageResult, ...]], None] = lambda results: None,
    should_stop: Callable[[], bool] = _never,
    between_batches: Callable[[], None] | None = None,
    decoder: ThreadPoolExecutor | None = None,
) -> ClassifySummary:
    """Classify `items` with `predictor`, batch by batch, in their order. Items are taken as
    needed (a generator reading an archive works); `total` is their number when `items` has no len.

    Unreadable images are results with an error, never fatal. `thumbnail_side` > 0 adds a
    thumbnail made from the decoded image. `between_batches` runs after each batch (the
    window's worker answers a heatmap request there). With a `decoder` (one thread), the next
    batch is decoded while the model works on this one.
    """
    total = len(items) if total is None else total
    draft_size = predictor.decode_size
    classified = skipped = done = 0

    def decode(batch):
        return _decode_batch(batch, draft_size, thumbnail_side, should_stop)

    batches = _batches(items, batch_size)
    if decoder is None:
        decoded_batches: Iterator = (decode(batch) for batch in batches)
    else:
        decoded_batches = _decoded_ahead(batches, decode, decoder, should_stop)
    for decoded, failed in decoded_batches:
        results = dict(failed)  # position in the batch -> result: reported in the items' order
        if decoded:
            predictions = predictor.predict([rgb for _, _, rgb, _ in decoded], threshold=threshold)
            for (position, item, rgb, info), prediction in zip(decoded, predictions):
                small = thumbnail(rgb, thumbnail_side) if thumbnail_side else None
                results[position] = ImageResult(item.key, prediction, None, small, info.frames, info.small_jpeg)
        results = [results[position] for position in sorted(results)]
        if results:
            classified += len(decoded)
            skipped += len(results) - len(decoded)
            done += len(results)
            on_batch(tuple(results))
        if between_batches is not None:
            between_batches()
        if should_stop():
            break
    return ClassifySummary(classified, skipped, done < total, total - done)


def _batches(items: Iterable[ImageItem], size: int) -> Iterator[tuple[ImageItem, ...]]:
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch


def _decoded_ahead(batches: Iterable, decode, decoder: ThreadPoolExecutor, should_stop) -> Iterator:
    """Decode batch n+1 in `decoder` while the caller predicts batch n."""
    batches = iter(batches)
    first = next(batches, None)
    if first is None:
        return
    upcoming = decoder.submit(decode, first)
    try:
        for following in batches:
            current = upcoming.result()
            upcoming = decoder.submit(decode, following) if not should_stop() else None
            yield current
            if upcoming is None:
                return
        yield upcoming.result()
        upcoming = None
    finally:
        if upcoming is not None:
            upcoming.result()  # a decode under way ends (early: it polls should_stop) before the next job


def _decode_batch(items, draft_size, thumbnail_side: int, should_stop) -> tuple[list, list]:
    """Decoded images (position, item, pixels, info) and (position, result) for those that could not be read."""
    decoded: list[tuple[int, ImageItem, np.ndarray, ImageInfo]] = []
    failed: list[tuple[int, ImageResult]] = []
    for position, item in enumerate(items):
        if should_stop():
            break
        try:
            rgb, info = decode_item(item, draft_size, keep_small_jpeg=thumbnail_side)
        except ImageLoadError as exc:
            failed.append((position, ImageResult(item.key, None, str(exc), reason=exc.reason)))
            continue
        decoded.append((position, item, rgb, info))
    return decoded, failed


def decode_item(
    item: ImageItem, draft_size: tuple[int, int], *, keep_small_jpeg: int = 0
) -> tuple[np.ndarray, ImageInfo]:
    """The item's pixels and what it is (the first frame of an animation is classified).

    Draft mode: a JPEG decodes at 1/2..1/8 scale when the model needs no more; the preview is
    read separately, by the GUI, at screen size."""
    if isinstance(item.source, ImageLoadError):
        raise item.source
    if isinstance(item.source, np.ndarray):
        height, width = item.source.shape[:2]
        return item.source, ImageInfo(width, height, "", 1)
    return load_image_with_info(
        item.source,
        name=item.name if isinstance(item.source, bytes) else None,
        draft_size=draft_size,
        keep_small_jpeg=keep_small_jpeg,
    )


def decoding_thread() -> ThreadPoolExecutor:
    """The decode-ahead thread: one, at a lower priority than the model's threads."""
    return ThreadPoolExecutor(1, thread_name_prefix="decode", initializer=_lower_priority)


def _lower_priority() -> None:
    """Let the model's threads go first (Linux's per-thread nice value): at equal priority the
    decoder interrupts a convolution thread and holds up the whole batch; at nice 10 it runs in
    the gaps the model leaves."""
    if not sys.platform.startswith("linux"):  # elsewhere the id given would name a process
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except OSError:
        pass
