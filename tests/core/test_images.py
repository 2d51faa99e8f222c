import io
import os
import pickle
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image

from infinityvision_desktop.core import images
from infinityvision_desktop.core.images import (
    DEFAULT_MAX_PIXELS,
    ImageInfo,
    ImageLoadError,
    is_image_path,
    load_image,
    load_image_with_info,
    resize_for_model,
)

RED, BLUE = (255, 0, 0), (0, 0, 255)


def encode(image, fmt, **params):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def noise(width, height, seed=0):
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def refused(source, **kwargs):
    with pytest.raises(ImageLoadError) as caught:
        load_image(source, **kwargs)
    return caught.value


def forged_png(width, height):
    """A 1x1 PNG whose IHDR claims another size, with a valid CRC so Pillow trusts the header."""
    data = bytearray(encode(Image.new("RGB", (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def halves(width, height, left, right):
    image = Image.new("RGB", (width, height), right)
    image.paste(left, (0, 0, width // 2, height))
    return image


# --- refused, with the file named and a reason -----------------------------------------------------


def test_empty_file(tmp_path):
    error = refused(write(tmp_path, "photo.jpg", b""))
    assert str(error) == "photo.jpg: file is empty"
    assert error.path == str(tmp_path / "photo.jpg")


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"shopping list\neggs\nmilk\n", "not an image: a text file"),
        (b"<!DOCTYPE html><html><body>cat</body></html>", "not an image: a web page (HTML)"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "unsupported format: an SVG drawing"),
        (b"\x00\x01\x02\x03garbage" * 10, "not an image"),
    ],
)
def test_not_an_image(tmp_path, content, reason):
    assert str(refused(write(tmp_path, "cat.jpg", content))).startswith(f"cat.jpg: {reason}")


@pytest.mark.parametrize(
    "magic, reason",
    [
        (b"%PDF-1.7\n", "not an image: a PDF document"),
        (b"8BPS\x00\x01", "unsupported format: Photoshop PSD, export it as PNG or JPEG"),
        (b"SIMPLE  =                    T", "unsupported format: FITS"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n", "unsupported format: EPS/PostScript"),
        (b"\xc5\xd0\xd3\xc6\x20\x00\x00\x00", "unsupported format: EPS/PostScript"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "not supported: HEIC, convert it to JPEG or PNG"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heix", "not supported: HEIC, convert it to JPEG or PNG"),
    ],
)
@pytest.mark.parametrize("name", ["photo.jpg", "scan.png"])
def test_other_formats_named_by_magic(tmp_path, magic, reason, name):
    error = refused(write(tmp_path, name, magic + bytes(200)))
    assert str(error).startswith(f"{name}: {reason}")


@pytest.mark.parametrize(
    "fmt, name", [("JPEG", "cut.jpg"), ("PNG", "cut.png"), ("GIF", "cut.gif"), ("WEBP", "cut.webp"), ("BMP", "cut.bmp")]
)
def test_truncated_is_refused_never_grey_filled(tmp_path, fmt, name):
    data = encode(noise(160, 120), fmt)
    cut = data[: len(data) * 2 // 3]
    error = refused(write(tmp_path, name, cut))
    assert str(error) == f"{name}: truncated: the file ends after {max(1, len(cut) // 1024)} KB"


def test_truncated_message_counts_kilobytes(tmp_path):
    data = encode(noise(400, 300), "JPEG", quality=95)
    cut = data[: 19 * 1024 + 300]
    assert len(data) > len(cut)
    assert refused(write(tmp_path, "big.jpg", cut)).reason == "truncated: the file ends after 19 KB"


def test_damaged_png_names_the_problem(tmp_path):
    data = bytearray(encode(noise(32, 32), "PNG"))
    data[-40:-20] = bytes(20)  # inside IDAT: the zlib stream no longer checks out
    error = refused(write(tmp_path, "bad.png", bytes(data)))
    assert error.reason.startswith(("damaged: ", "truncated: "))


def test_forged_huge_header_refused_before_decoding(tmp_path):
    path = write(tmp_path, "bomb.png", forged_png(20000, 20000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither Pillow's warning nor its error may come first
        error = refused(path)
    assert str(error) == "bomb.png: too large: 400 megapixels (limit 100)"
    assert Image.MAX_IMAGE_PIXELS is not None  # Pillow's own limit is back in place


def test_lower_pixel_limit_uses_our_message(tmp_path):
    path = write(tmp_path, "pano.png", forged_png(10000, 9000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = refused(path, max_pixels=50_000_000)
    assert error.reason == "too large: 90 megapixels (limit 50)"


def test_missing_file(tmp_path):
    assert str(refused(tmp_path / "gone.jpg")) == "gone.jpg: file not found"


def test_folder(tmp_path):
    folder = tmp_path / "holiday.jpg"
    folder.mkdir()
    assert str(refused(folder)) == "holiday.jpg: is a folder, not an image"


def test_permission_denied(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.png", encode(noise(4, 4), "PNG"))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)  # chmod does not stop root, which CI often is
    assert str(refused(path)) == "secret.png: permission denied"


def test_file_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, "huge.png", encode(noise(64, 64), "PNG"))
    assert refused(path).reason.startswith("too large: the file is over")


def peak_allocated_reading(path) -> int:
    """Python's peak allocation in bytes while a 32x32 image file is loaded."""
    import tracemalloc

    tracemalloc.start()
    try:
        assert images.load_image(path).shape == (32, 32, 3)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_small_image_is_read_without_reserving_the_size_cap(tmp_path):
    # Reading up to the cap allocated 512 MB for every file (slower than decoding a CIFAR-10
    # JPEG); the memory a file takes follows its own size.
    path = write(tmp_path, "small.jpg", encode(noise(32, 32), "JPEG"))
    assert peak_allocated_reading(path) < 4 << 20


def test_a_file_that_grows_while_read_is_still_capped(tmp_path, monkeypatch):
    path = write(tmp_path, "growing.png", encode(noise(64, 64), "PNG"))
    monkeypatch.setattr(images, "MAX_FILE_BYTES", os.path.getsize(path) - 10)
    real_fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    assert refused(path).reason.startswith("too large: the file is over")
    monkeypatch.setattr(images, "MAX_FILE_BYTES", os.path.getsize(path))
    assert images.load_image(path).shape == (64, 64, 3)  # the whole file, though fstat said 10 bytes


def test_a_file_whose_size_is_not_known_is_read_without_reserving_the_size_cap(tmp_path, monkeypatch):
    # /proc and some FUSE file systems give 0 as the size: the rest is read in small pieces
    path = write(tmp_path, "unsized.jpg", encode(noise(32, 32), "JPEG"))
    real_fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 0, *real_fstat(fd)[7:])))
    assert peak_allocated_reading(path) < 4 << 20


def test_bytes_use_the_given_name():
    assert str(refused(b"hello", name="cats/tabby.jpg")) == "tabby.jpg: not an image: a text file"
    error = refused(b"")
    assert error.path is None and str(error) == "<image data>: file is empty"


def test_error_survives_pickling():
    error = pickle.loads(pickle.dumps(ImageLoadError("/x/a.png", "not an image")))
    assert (error.path, error.reason, str(error)) == ("/x/a.png", "not an image", "a.png: not an image")


# --- decoded right ------------------------------------------------------------------------------


def test_rgba_composited_on_white(tmp_path):
    pixels = np.array([[[255, 0, 0, 255], [0, 0, 0, 0]], [[0, 0, 0, 128], [0, 255, 0, 255]]], np.uint8)
    rgb = load_image(write(tmp_path, "a.png", encode(Image.fromarray(pixels), "PNG")))
    assert rgb.dtype == np.uint8 and rgb.shape == (2, 2, 3)
    assert rgb[0, 0].tolist() == [255, 0, 0]
    assert rgb[0, 1].tolist() == [255, 255, 255]
    assert abs(int(rgb[1, 0, 0]) - 127) <= 1
    assert rgb[1, 1].tolist() == [0, 255, 0]


def test_palette_with_transparency(tmp_path):
    image = Image.new("P", (4, 1))
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.putdata([0, 1, 1, 0])
    rgb = load_image(write(tmp_path, "p.png", encode(image, "PNG", transparency=0)))
    assert rgb[0].tolist() == [[255, 255, 255], [255, 0, 0], [255, 0, 0], [255, 255, 255]]


def test_grey_alpha_and_one_bit(tmp_path):
    la = Image.fromarray(np.array([[[50, 255], [50, 0]]], np.uint8), "LA")
    assert load_image(write(tmp_path, "la.png", encode(la, "PNG")))[0].tolist() == [[50] * 3, [255] * 3]
    bits = Image.new("1", (2, 1))
    bits.putpixel((1, 0), 1)
    assert load_image(write(tmp_path, "b.png", encode(bits, "PNG")))[0].tolist() == [[0] * 3, [255] * 3]


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path):
    image = Image.fromarray(np.array([[0, 257, 32768, 65535]], np.uint16))
    rgb, info = load_image_with_info(write(tmp_path, "depth.png", encode(image, "PNG")))
    assert rgb[0, :, 0].tolist() == [0, 1, 128, 255]
    assert (rgb[..., 0] == rgb[..., 2]).all() and info.format == "PNG"


def test_float_tiff_stretched(tmp_path):
    image = Image.fromarray(np.array([[-1.0, 0.0, 1.0]], np.float32))
    assert load_image(write(tmp_path, "f.tif", encode(image, "TIFF")))[0, :, 1].tolist() == [0, 128, 255]


def test_cmyk_jpeg(tmp_path):
    red = Image.new("CMYK", (16, 16), (0, 255, 255, 0))
    r, g, b = load_image(write(tmp_path, "print.jpg", encode(red, "JPEG", quality=95)))[8, 8].tolist()
    assert r > 200 and g < 60 and b < 60


@pytest.mark.parametrize("orientation, red_half", [(6, "top"), (8, "bottom")])
def test_exif_orientation_applied(tmp_path, orientation, red_half):
    exif = Image.Exif()
    exif[274] = orientation
    data = encode(halves(40, 20, RED, BLUE), "JPEG", exif=exif, quality=95)
    rgb, info = load_image_with_info(write(tmp_path, "phone.jpg", data))
    assert rgb.shape == (40, 20, 3)
    assert (info.width, info.height) == (20, 40)
    top, bottom = rgb[5, 10], rgb[35, 10]
    red, blue = (top, bottom) if red_half == "top" else (bottom, top)
    assert red[0] > 200 and red[2] < 60
    assert blue[2] > 200 and blue[0] < 60


def test_animated_gif_first_frame(tmp_path):
    frames = [Image.new("RGB", (8, 8), RED), Image.new("RGB", (8, 8), BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    rgb, info = load_image_with_info(write(tmp_path, "anim.gif", data))
    assert rgb[4, 4].tolist() == list(RED)
    assert info == ImageInfo(width=8, height=8, format="GIF", frames=2)


def test_gif_frames_larger_than_canvas(tmp_path):
    frames = [Image.new("RGB", (16, 16), RED), Image.new("RGB", (16, 16), BLUE)]
    data = bytearray(encode(frames[0], "GIF", save_all=True, append_images=frames[1:]))
    data[6:10] = struct.pack("<HH", 4, 4)  # logical screen smaller than every frame
    rgb, info = load_image_with_info(bytes(data), name="odd.gif")
    assert rgb.ndim == 3 and rgb.shape[2] == 3 and info.frames == 2


def test_mpo_is_one_frame(tmp_path):
    data = encode(noise(32, 24), "MPO", save_all=True, append_images=[noise(32, 24, seed=1)])
    rgb, info = load_image_with_info(data)
    assert rgb.shape == (24, 32, 3) and (info.format, info.frames) == ("MPO", 1)


def test_draft_decodes_big_jpeg_smaller(tmp_path):
    path = write(tmp_path, "photo.jpg", encode(noise(2000, 1500), "JPEG"))
    rgb, info = load_image_with_info(path, draft_size=(300, 400))
    assert 300 <= rgb.shape[0] <= 600 and 400 <= rgb.shape[1] <= 800
    assert (info.width, info.height) == (2000, 1500)
    assert load_image(path).shape == (1500, 2000, 3)


def test_draft_follows_exif_orientation(tmp_path):
    exif = Image.Exif()
    exif[274] = 6
    path = write(tmp_path, "portrait.jpg", encode(noise(2000, 1500), "JPEG", exif=exif))
    rgb, info = load_image_with_info(path, draft_size=(400, 300))
    assert 400 <= rgb.shape[0] <= 800 and 300 <= rgb.shape[1] <= 600
    assert (info.width, info.height) == (1500, 2000)


def test_draft_ignored_for_png(tmp_path):
    path = write(tmp_path, "p.png", encode(noise(64, 48), "PNG"))
    assert load_image(path, draft_size=(8, 8)).shape == (48, 64, 3)


def test_bytes_and_path_decode_alike(tmp_path):
    data = encode(noise(20, 10), "PNG")
    from_path = load_image(write(tmp_path, "same.png", data))
    from_bytes = load_image(data, name="same.png")
    assert np.array_equal(from_path, from_bytes) and from_bytes.flags.writeable


def test_pixel_limit_default():
    assert DEFAULT_MAX_PIXELS == 100_000_000


# --- resize and suffixes ------------------------------------------------------------------------


def test_resize_for_model_squashes_whole_image():
    rgb = np.asarray(halves(100, 60, RED, BLUE))
    small = resize_for_model(rgb, (32, 32))
    assert small.shape == (32, 32, 3) and small.dtype == np.uint8
    assert small[16, 2].tolist() == list(RED) and small[16, 29].tolist() == list(BLUE)  # nothing cut off
    assert resize_for_model(rgb[:8, :8], (32, 48)).shape == (32, 48, 3)


def test_resize_for_model_identity_and_bad_input():
    rgb = np.zeros((32, 32, 3), np.uint8)
    assert resize_for_model(rgb, (32, 32)) is rgb
    with pytest.raises(ValueError):
        resize_for_model(np.zeros((32, 32), np.uint8), (16, 16))


@pytest.mark.parametrize(
    "path, expected",
    [
        ("a.JPG", True),
        ("b.jpeg", True),
        ("c.Tiff", True),
        ("d.webp", True),
        ("x/e.jfif", True),
        ("notes.txt", False),
        ("photo.heic", False),
        ("archive.png.zip", False),
        ("jpg", False),
    ],
)
def test_is_image_path(path, expected):
    assert is_image_path(path) is expected


def test_a_small_upright_jpeg_is_kept_as_its_own_thumbnail(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    small = tmp_path / "small.jpg"
    Image.fromarray(pixels).save(small, quality=75)
    rgb, info = load_image_with_info(small, keep_small_jpeg=96)
    assert info.small_jpeg == small.read_bytes() and rgb.shape == (32, 32, 3)
    assert load_image_with_info(small)[1].small_jpeg is None  # only when asked

    large = tmp_path / "large.jpg"
    Image.fromarray(np.repeat(np.repeat(pixels, 4, axis=0), 4, axis=1)).save(large)  # 128 px
    png = tmp_path / "small.png"
    Image.fromarray(pixels).save(png)
    sideways = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: the file's pixels are not what is shown
    Image.fromarray(pixels[:, :20]).save(sideways, exif=exif)
    cmyk = tmp_path / "cmyk.jpg"
    Image.fromarray(pixels).convert("CMYK").save(cmyk)
    for path in (large, png, sideways, cmyk):
        assert load_image_with_info(path, keep_small_jpeg=96)[1].small_jpeg is None, path.name


@pytest.mark.parametrize(
    "size, params",
    [
        ((32, 32), {"quality": 75}),  # CIFAR-10's files
        ((17, 9), {"quality": 95, "subsampling": 0}),  # odd sizes, 4:4:4
        ((60, 40), {"quality": 60, "subsampling": 2, "progressive": True}),
        ((64, 48), {"quality": 90, "icc_profile": b"\0" * 200}),  # an ICC profile changes nothing
    ],
)
def test_a_plain_jpeg_takes_the_short_path_to_the_same_pixels(size, params):
    data = encode(noise(*size, seed=3), "JPEG", **params)
    expected = np.array(Image.open(io.BytesIO(data)).convert("RGB"))

    assert images._plain_jpeg(data, DEFAULT_MAX_PIXELS, (32, 32), 0) is not None  # the short path is taken
    rgb, info = load_image_with_info(data, name="x.jpg", draft_size=(32, 32))

    np.testing.assert_array_equal(rgb, expected)
    assert (info.width, info.height, info.format, info.frames) == (*size, "JPEG", 1)
    rgb[0, 0] = 0  # the caller's own array


def test_jpegs_the_short_path_cannot_read_right_take_the_full_path(tmp_path):
    pixels = noise(64, 40, seed=4)
    exif = Image.Exif()
    exif[0x0112] = 6
    for data in (
        encode(pixels, "JPEG", exif=exif),  # EXIF: may be stored rotated
        encode(pixels.convert("CMYK"), "JPEG"),  # Adobe segment, 4 components
        encode(pixels.convert("L"), "JPEG"),  # grey: one component
        encode(noise(400, 300), "JPEG"),  # draft mode decodes it at 1/4 scale
        encode(pixels, "JPEG")[:600],
    ):  # truncated: the full path says so
        assert images._plain_jpeg(data, DEFAULT_MAX_PIXELS, (32, 32), 0) is None
    assert images._plain_jpeg(encode(pixels, "JPEG"), 64 * 40 - 1, None, 0) is None  # over the pixel limit
    assert "truncated" in str(refused(encode(pixels, "JPEG")[:600], name="cut.jpg"))
