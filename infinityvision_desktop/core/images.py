"""Decode user images into RGB uint8 arrays, with reasons people can act on.

Qt-free and TensorFlow-free: training, evaluation and the GUI all decode and resize through here,
so the model sees the same pixels everywhere.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError, features

SUPPORTED_FORMATS = ("JPEG", "MPO", "PNG", "BMP", "WEBP", "GIF", "TIFF")  # MPO = phone JPEGs
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff"})
DEFAULT_MAX_PIXELS = 100_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024  # no supported photo is this big; refusing it keeps memory bounded

_ORIENTATION_TAG = 0x0112
_TRUNCATED = "truncated: the file ends after {} KB"
_HEIC = "not supported: HEIC, convert it to JPEG or PNG"
_AVIF = "not supported: AVIF, convert it to JPEG or PNG"
_EPS = "unsupported format: EPS/PostScript, export it as PNG or JPEG"
# Pillow stops unpacking a PNG text chunk at PngImagePlugin.MAX_TEXT_CHUNK (1 MB) and says so in a
# ValueError naming that limit: a "zip bomb" hidden in the metadata never reaches memory.
_TEXT_BOMB = "refused: a metadata text chunk unpacks to more than 1 MB (a decompression bomb)"
# Formats people do drop on an image classifier, named so they know what to do about it.
_UNSUPPORTED_MAGIC = (
    (b"%PDF", "not an image: a PDF document"),
    (b"8BPS", "unsupported format: Photoshop PSD, export it as PNG or JPEG"),
    (b"SIMPLE  =", "unsupported format: FITS data, export it as PNG or TIFF"),
    (b"%!PS", _EPS),
    (b"\xc5\xd0\xd3\xc6", _EPS),  # DOS EPS binary header
)
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_SUPPORTED_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
# Pillow's decompression-bomb limit is a process global; this lock guards our temporary changes.
_PILLOW_LIMIT_LOCK = threading.Lock()


class ImageLoadError(Exception):
    """A user-caused image problem. str(e) == f"{e.path_name}: {e.reason}"."""

    def __init__(self, path: str | os.PathLike | None, reason: str):
        self.path = None if path is None else os.fsdecode(path)
        self.reason = reason
        super().__init__(self.path, reason)  # args rebuild the error when pickled

    @property
    def path_name(self) -> str:
        if not self.path:
            return "<image data>"
        return PurePath(self.path).name or self.path

    def __str__(self) -> str:
        return f"{self.path_name}: {self.reason}"


@dataclass(frozen=True)
class ImageInfo:
    """The image as stored: upright size before any draft reduction, format, frame count."""

    width: int
    height: int
    format: str
    frames: int  # > 1 for animations (GIF, WebP, APNG) and multi-page TIFF
    # The file's bytes, when asked for (keep_small_jpeg) and it is an RGB or grey JPEG that small
    # and upright: it can serve as its own thumbnail, with no decoding and encoding again.
    small_jpeg: bytes | None = None


def is_image_path(path: str | os.PathLike) -> bool:
    """Whether a folder scan should treat the file as an image, by suffix."""
    return PurePath(os.fsdecode(path)).suffix.lower() in IMAGE_SUFFIXES


def load_image(
    source: str | os.PathLike | bytes,
    *,
    name: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    draft_size: tuple[int, int] | None = None,
) -> np.ndarray:
    """Decode a file or bytes to an upright RGB uint8 array (H, W, 3); raises ImageLoadError."""
    return load_image_with_info(source, name=name, max_pixels=max_pixels, draft_size=draft_size)[0]


def load_image_with_info(
    source: str | os.PathLike | bytes,
    *,
    name: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    draft_size: tuple[int, int] | None = None,
    keep_small_jpeg: int = 0,
) -> tuple[np.ndarray, ImageInfo]:
    """Like load_image, and tell the original size, format and frame count.

    name: shown in error messages instead of the path (the only name bytes have).
    draft_size: (height, width) like resize_for_model's size; a JPEG then decodes at the smallest
    1/2, 1/4 or 1/8 scale that still covers it. Other formats ignore it.
    keep_small_jpeg: a long side in pixels; an upright RGB or grey JPEG no larger is returned in
    `info.small_jpeg` (CIFAR-10's 32x32 images: a thumbnail as is).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        label, data = name, bytes(source)
    else:
        path = os.fsdecode(source)
        label, data = (path if name is None else name), _read_file(path, name)
    if not data:
        raise ImageLoadError(label, "file is empty")
    plain = _plain_jpeg(data, max_pixels, draft_size, keep_small_jpeg)
    if plain is not None:
        return plain
    reason = _unsupported_reason(data)
    if reason:
        raise ImageLoadError(label, reason)

    try:
        im = _open(data)
    except Exception as exc:
        raise ImageLoadError(label, _failure_reason(exc, data)) from exc
    with im:
        width, height = im.size
        if width * height > max_pixels:  # from the header, before any pixel is decoded
            raise ImageLoadError(
                label, f"too large: {round(width * height / 1e6)} megapixels (limit {round(max_pixels / 1e6)})"
            )
        try:
            rgb, swapped = _decode(im, width * height, draft_size)
        except Exception as exc:
            raise ImageLoadError(label, _failure_reason(exc, data)) from exc
        small_jpeg = None
        if (
            keep_small_jpeg
            and im.format == "JPEG"
            and max(width, height) <= keep_small_jpeg
            and not swapped
            and im.mode in ("RGB", "L")
            and _orientation(im) == 1
        ):
            small_jpeg = data
        info = ImageInfo(*((height, width) if swapped else (width, height)), im.format, _frame_count(im), small_jpeg)
    return rgb, info


def resize_for_model(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Squash the whole image to size = (height, width); the one resize used everywhere.

    No crop: a CIFAR-style classifier copes with a changed aspect ratio better than with half an object.
    """
    height, width = size
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 array, got {rgb.shape} {rgb.dtype}")
    if rgb.shape[:2] == (height, width):
        return rgb
    image = Image.fromarray(np.ascontiguousarray(rgb))
    if height < rgb.shape[0] or width < rgb.shape[1]:
        # Lanczos antialiases; the reducing gap box-reduces big photos first, fast and nearly identical.
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    else:
        image = image.resize((width, height), Image.Resampling.BICUBIC)
    return np.array(image)


# --- the plain small JPEG: most of a dataset, all of CIFAR-10 ----------------------------------------

_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def _plain_jpeg(
    data: bytes, max_pixels: int, draft_size: tuple[int, int] | None, keep_small_jpeg: int
) -> tuple[np.ndarray, ImageInfo] | None:
    """The pixels of an 8-bit, 3-component JPEG with no EXIF (so upright), Adobe (so not CMYK) or
    multi-picture segment, which draft mode would not shrink; None for anything else.

    Pillow's JPEG plugin walks the header in Python; here one short walk finds the size and the
    same libjpeg decoder makes the same pixels in less time (`bench/bench_decode.py` times both),
    time the model waits for in the inference worker. Anything unusual, damaged or too large
    takes the full path, which has the reasons for people.
    """
    if data[:3] != b"\xff\xd8\xff":
        return None
    size = None
    position, end = 2, len(data)
    while position + 4 <= end:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        length = (data[position + 2] << 8) | data[position + 3]
        segment = data[position + 4 : position + 2 + length]
        if marker in _SOF_MARKERS:
            if len(segment) < 6 or segment[0] != 8 or segment[5] != 3:
                return None
            size = ((segment[3] << 8) | segment[4], (segment[1] << 8) | segment[2])  # width, height
        elif marker == 0xDA:  # start of scan: the header is over
            break
        elif marker in (0xE1, 0xEE) or (marker == 0xE2 and segment.startswith(b"MPF\0")):
            return None  # EXIF (orientation), Adobe (colour transform), multi-picture
        position += 2 + length
    else:
        return None
    if size is None or min(size) < 1 or size[0] * size[1] > max_pixels:
        return None
    if draft_size and min(size[0] // draft_size[1], size[1] // draft_size[0]) >= 2:
        return None  # large enough that a reduced-scale decode pays
    try:
        rgb = np.array(Image.frombytes("RGB", size, data, "jpeg", "RGB", ""))
    except Exception:  # noqa: BLE001 - damaged: the full path names the problem
        return None
    small = data if keep_small_jpeg and max(size) <= keep_small_jpeg else None
    return rgb, ImageInfo(size[0], size[1], "JPEG", 1, small)


# --- reading and sniffing -------------------------------------------------------------------------


def _read_file(path: str, name: str | None) -> bytes:
    """The whole file, read once, so later changes to it cannot matter mid-decode."""
    label = path if name is None else name
    try:
        # Non-blocking so a named pipe cannot hang the scan; no effect on regular files.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            status = os.fstat(fd)
            if stat.S_ISDIR(status.st_mode):
                raise ImageLoadError(label, "is a folder, not an image")
            if not stat.S_ISREG(status.st_mode):
                raise ImageLoadError(label, "not a regular file")
            limit = MAX_FILE_BYTES + 1
            with open(fd, "rb", closefd=False) as file:
                # A buffer of the file's size, not of the limit: read(limit) allocates 512 MB and
                # hands it back for every file, which cost more than decoding a small JPEG (and,
                # mapped and unmapped, slowed the inference threads beside it).
                data = file.read(min(status.st_size + 1, limit))
                if len(data) == status.st_size + 1 < limit:
                    # it grew since fstat, or its size is not known (/proc and some FUSE files say
                    # 0): the rest in 1 MB reads, up to the limit
                    parts, size = [data], len(data)
                    while size < limit and (part := file.read(min(1 << 20, limit - size))):
                        parts.append(part)
                        size += len(part)
                    data = b"".join(parts)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise ImageLoadError(
            label, "broken link: the file it points to is missing" if os.path.islink(path) else "file not found"
        ) from None
    except PermissionError:  # Windows refuses to open folders this way
        raise ImageLoadError(
            label, "is a folder, not an image" if os.path.isdir(path) else "permission denied"
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ImageLoadError(label, "a symbolic link that points back to itself (a link loop)") from None
        raise ImageLoadError(label, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ImageLoadError(label, f"too large: the file is over {MAX_FILE_BYTES >> 20} MB")
    return data


def _unsupported_reason(data: bytes) -> str | None:
    """Name formats outside the allowlist by their magic bytes, before Pillow sees them."""
    for magic, reason in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            return reason
    if data[4:8] == b"ftyp":  # ISO-BMFF: HEIF family, AVIF, also MP4 video
        brands = _ftyp_brands(data)
        if brands & {b"avif", b"avis"}:
            return None if "AVIF" in _allowed_formats() else _AVIF
        if brands & _HEIC_BRANDS:
            return _HEIC
    return None


def _ftyp_brands(data: bytes) -> set[bytes]:
    end = min(int.from_bytes(data[:4], "big"), len(data), 1024)
    return {data[8:12]} | {data[i : i + 4] for i in range(16, end - 3, 4)}


@cache
def _allowed_formats() -> tuple[str, ...]:
    """The allowlist as this Pillow registers it: names it lacks would make Image.open fail."""
    Image.init()
    # Recent Pillow opens MPO through its JPEG opener and has no "MPO" opener of its own.
    allowed = [fmt for fmt in SUPPORTED_FORMATS if fmt in Image.OPEN]
    # Pillow 11.2+ can be built with AVIF; decode it when this build can, name it otherwise.
    if "avif" in features.modules and features.check("avif") and "AVIF" in Image.OPEN:
        allowed.append("AVIF")
    return tuple(allowed)


def _failure_reason(exc: Exception, data: bytes) -> str:
    """Turn whatever Pillow raised (it raises many types) into a reason for people."""
    if isinstance(exc, (MemoryError, Image.DecompressionBombError)):
        return "too large to decode"
    if isinstance(exc, ValueError) and ("MAX_TEXT_CHUNK" in str(exc) or "MAX_TEXT_MEMORY" in str(exc)):
        return _TEXT_BOMB
    if isinstance(exc, EOFError) or "truncated" in str(exc).lower() or _declared_length(data) > len(data):
        return _TRUNCATED.format(max(1, len(data) // 1024))
    if isinstance(exc, UnidentifiedImageError):
        head = data[:1024]
        if _looks_like_text(head):
            return _text_reason(head)
        fmt = next((fmt for magic, fmt in _SUPPORTED_MAGIC if head.startswith(magic)), None)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            fmt = "WebP"
        return f"damaged: the {fmt} header cannot be read" if fmt else "not an image"
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"damaged: {message[:80]}"


def _declared_length(data: bytes) -> int:
    """The length a RIFF (WebP) container says it has: its decoder only says "could not decode"."""
    return int.from_bytes(data[4:8], "little") + 8 if data[:4] == b"RIFF" else 0


def _looks_like_text(head: bytes) -> bool:
    return not any(byte < 32 and byte not in b"\t\n\r\f" for byte in head)


def _text_reason(head: bytes) -> str:
    lower = head.lower()
    if b"<svg" in lower:
        return "unsupported format: an SVG drawing, export it as PNG"
    if b"<html" in lower or b"<!doctype html" in lower:  # "Save link as" on an image saves its page
        return "not an image: a web page (HTML)"
    return "not an image: a text file"


# --- decoding -------------------------------------------------------------------------------------


def _open(data: bytes) -> Image.Image:
    """Parse the header with Pillow's bomb limit lifted: our own limit, with our message, comes next."""
    with _PILLOW_LIMIT_LOCK:
        saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            return Image.open(io.BytesIO(data), formats=_allowed_formats())
        finally:
            Image.MAX_IMAGE_PIXELS = saved


@contextmanager
def _pillow_limit_at_least(pixels: int):
    """Some decoders recheck the limit on frames and tiles; an image we accepted must not warn."""
    limit = Image.MAX_IMAGE_PIXELS
    if limit is None or pixels <= limit:
        yield
        return
    with _PILLOW_LIMIT_LOCK:  # rare: only images between Pillow's limit (89 MP) and ours
        saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, pixels
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def _decode(im: Image.Image, pixels: int, draft_size: tuple[int, int] | None) -> tuple[np.ndarray, bool]:
    """The first frame, upright, as RGB; and whether upright swapped width and height."""
    if draft_size and im.format in ("JPEG", "MPO"):
        height, width = draft_size
        if _orientation(im) in (5, 6, 7, 8):  # stored sideways: the draft box is too
            height, width = width, height
        im.draft("RGB", (width, height))
    with _pillow_limit_at_least(pixels):
        im.load()
    stored = im.size
    try:
        ImageOps.exif_transpose(im, in_place=True)
    except Exception:  # broken EXIF should not cost a photo whose pixels are fine
        pass
    swapped = im.size != stored
    return _to_rgb(im), swapped


def _orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:
        return 1


def _frame_count(im: Image.Image) -> int:
    if im.format == "MPO":  # the extra images are previews or depth maps, not animation
        return 1
    try:
        return int(getattr(im, "n_frames", 1))
    except Exception:  # counting walks the file; a damaged later frame does not spoil the first
        return 1


def _to_rgb(im: Image.Image) -> np.ndarray:
    if im.mode.startswith("I") or im.mode == "F":
        return np.repeat(_grey_to_uint8(im)[:, :, None], 3, axis=2)
    if im.mode in ("RGBA", "RGBa", "LA", "PA") or "transparency" in im.info:
        # Transparent means "nothing there": white, as viewers and browsers show it.
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im.convert("RGBA"))
    return np.array(im.convert("RGB"))  # also CMYK (Adobe inversion handled by Pillow), YCbCr, LAB, HSV, 1, L, P


def _grey_to_uint8(im: Image.Image) -> np.ndarray:
    """Scale 16/32-bit integer and float greyscale to 0-255 (clipping would turn most of it white)."""
    values = np.asarray(im, dtype=np.float32)
    if im.mode == "F":  # no fixed range: stretch what is there
        finite = np.isfinite(values)
        low, high = (values[finite].min(), values[finite].max()) if finite.any() else (0.0, 0.0)
        values = np.where(finite, values - low, 0) * (255 / (high - low) if high > low else 0)
    else:
        values *= 255 / _integer_peak(im)
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def _integer_peak(im: Image.Image) -> int:
    if im.mode.startswith("I;16") or im.format == "PNG":  # PNG integer greyscale is at most 16-bit
        return 65535
    bits = getattr(im, "tag_v2", {}).get(258)  # TIFF BitsPerSample
    bits = bits[0] if isinstance(bits, tuple) else bits
    return 2 ** min(int(bits or 32), 31) - 1  # mode I is signed 32-bit


def find_images(paths) -> tuple[list[str], int]:
    """Files as given, folders expanded recursively to their image files (sorted), and how
    many files inside the folders were left out as not images.

    os.walk does not follow symbolic links to folders, so a link loop cannot hang a scan;
    links to files (broken ones too) are listed like files and say what is wrong when read.
    """
    result: list[str] = []
    not_images = 0
    for given in paths:
        path = os.fspath(given)
        if os.path.isdir(path):
            found = []
            for folder, dirs, files in os.walk(path):
                dirs.sort()
                for name in files:
                    if is_image_path(name):
                        found.append(os.path.join(folder, name))
                    elif not name.startswith("."):  # .DS_Store and friends are not worth a mention
                        not_images += 1
            result.extend(sorted(found))
        elif path:
            result.append(path)
    return result, not_images


def thumbnail(rgb: np.ndarray, side: int) -> np.ndarray:
    """The app's one thumbnail: RGB uint8 with a long side of at most `side` (smaller images as they are)."""
    height, width = rgb.shape[:2]
    if max(height, width) <= side:
        return rgb
    image = Image.fromarray(rgb)
    image.thumbnail((side, side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(image)
