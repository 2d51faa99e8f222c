"""Datasets: scanning class folders and archives, refusing what cannot be trained on, caching, splits."""

from __future__ import annotations

import os
import socket
import tarfile
import time

import numpy as np
import pytest
from generated_data import make_class_folders
from PIL import Image

from infinityvision_desktop.core.datasets import (
    ALL,
    Augmentation,
    DatasetError,
    load_dataset,
    make_tf_dataset,
    scan_dataset,
    split_validation,
)


def write_pngs(folder, count, colour=(90, 120, 150), size=(32, 32), start=0):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + count):
        Image.new("RGB", size, colour).save(folder / f"{i:03d}.png")
    return folder


def refused(source) -> str:
    with pytest.raises(DatasetError) as caught:
        scan_dataset(source)
    return str(caught.value)


# ---------------------------------------------------------------- scanning


def test_scan_counts_each_split_and_class(tmp_path):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog", "frog"), per_class=5, test_per_class=2)
    (root / "train" / "cat" / "notes.txt").write_text("not an image")

    scan = scan_dataset(root)

    assert scan.labels == ("cat", "dog", "frog")
    assert scan.counts == {"train": {"cat": 5, "dog": 5, "frog": 5}, "test": {"cat": 2, "dog": 2, "frog": 2}}
    assert scan.splits == ("train", "test")
    assert scan.total() == 21 and scan.total("test") == 6
    assert scan.skipped == ("train/cat/notes.txt",)
    assert scan.describe() == "train (cat: 5, dog: 5, frog: 5); test (cat: 2, dog: 2, frog: 2)"


def test_labels_are_the_sorted_folder_names_exactly(tmp_path):
    root = tmp_path / "pets"
    for i, name in enumerate(("кіт", "sea lion", "Dog", "cat")):
        write_pngs(root / name, 2 + i, colour=(40 * i, 80, 120))

    scan = scan_dataset(root)
    loaded = load_dataset(root, cache_folder=tmp_path / "cache")

    assert scan.labels == ("Dog", "cat", "sea lion", "кіт")
    assert scan.counts == {ALL: {"Dog": 4, "cat": 5, "sea lion": 3, "кіт": 2}}
    assert loaded.labels == scan.labels
    x, y = loaded.splits[ALL]
    assert x.shape == (14, 32, 32, 3) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [4, 5, 3, 2]
    # each label index points at the images of its own folder
    assert x[y == loaded.labels.index("кіт")][0, 0, 0].tolist() == [0, 80, 120]
    assert x[y == loaded.labels.index("cat")][0, 0, 0].tolist() == [120, 80, 120]


def test_an_empty_folder_is_refused(tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    assert "no images found" in refused(root)


def test_empty_class_folders_are_refused_with_the_counts(tmp_path):
    root = tmp_path / "data"
    for name in ("cat", "dog"):
        (root / name).mkdir(parents=True)

    message = refused(root)

    assert "no images found" in message and "cat: 0, dog: 0" in message


def test_a_single_class_is_refused(tmp_path):
    root = tmp_path / "data"
    write_pngs(root / "cat", 4)

    message = refused(root)

    assert "only one class ('cat', 4 images)" in message and "at least two" in message


def test_one_empty_class_among_several_is_refused_with_the_counts(tmp_path):
    root = tmp_path / "data"
    write_pngs(root / "cat", 3)
    write_pngs(root / "frog", 2)
    (root / "dog").mkdir()

    message = refused(root)

    assert "'dog' has no images" in message
    assert "cat: 3, dog: 0, frog: 2" in message


def test_an_empty_class_in_the_train_split_is_refused(tmp_path):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=3, test_per_class=1)
    (root / "train" / "ship").mkdir()

    assert "'ship' has no images (cat: 3, dog: 3, ship: 0)" in refused(root)


def test_missing_and_non_dataset_sources_are_refused(tmp_path):
    assert refused(tmp_path / "nowhere").endswith("not found")
    text = tmp_path / "list.txt"
    text.write_text("cat.png")
    assert "neither a folder nor a .tar/.tar.gz archive" in refused(text)
    fake = tmp_path / "data.tar.gz"
    fake.write_bytes(b"this is not gzip")
    assert "damaged or not a tar archive" in refused(fake)


# ---------------------------------------------------------------- decoding


def test_unreadable_files_are_listed_with_reasons_and_the_rest_load(tmp_path):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=4)
    (root / "cat" / "noise.png").write_bytes(np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8).tobytes())
    (root / "cat" / "page.jpg").write_text("<!DOCTYPE html><html><body>Not Found</body></html>")
    whole = (root / "dog" / "000.png").read_bytes()
    (root / "dog" / "cut.png").write_bytes(whole[: len(whole) // 2])
    (root / "dog" / "empty.jpg").write_bytes(b"")

    loaded = load_dataset(root, cache_folder=tmp_path / "cache")

    reasons = dict(loaded.unreadable)
    assert sorted(reasons) == ["cat/noise.png", "cat/page.jpg", "dog/cut.png", "dog/empty.jpg"]
    assert reasons["cat/noise.png"] == "not an image"
    assert reasons["cat/page.jpg"] == "not an image: a web page (HTML)"
    assert reasons["dog/cut.png"].startswith("truncated")
    assert reasons["dog/empty.jpg"] == "file is empty"
    x, y = loaded.splits[ALL]
    assert len(x) == 8 and np.bincount(y).tolist() == [4, 4]


def test_images_of_other_sizes_are_resized_to_the_input_size(tmp_path):
    root = tmp_path / "data"
    write_pngs(root / "cat", 2, size=(300, 200))
    write_pngs(root / "dog", 2, size=(8, 8))

    loaded = load_dataset(root, input_size=(24, 24), cache_folder=tmp_path / "cache")

    assert loaded.splits[ALL][0].shape == (4, 24, 24, 3)


def test_a_tar_gz_with_an_enclosing_folder_loads_like_the_folder(tmp_path):
    root = make_class_folders(tmp_path / "cifar10", labels=("cat", "dog", "ship"), per_class=4, test_per_class=2)
    archive = tmp_path / "cifar10.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="cifar10")

    from_folder = load_dataset(root, use_cache=False)
    from_archive = load_dataset(archive, use_cache=False)

    assert scan_dataset(archive).counts == scan_dataset(root).counts
    assert from_archive.labels == from_folder.labels == ("cat", "dog", "ship")
    assert list(from_archive.splits) == list(from_folder.splits) == ["train", "test"]
    for split in ("train", "test"):
        np.testing.assert_array_equal(from_archive.splits[split][0], from_folder.splits[split][0])
        np.testing.assert_array_equal(from_archive.splits[split][1], from_folder.splits[split][1])


def test_the_cache_is_used_and_rebuilt_when_a_file_changes(tmp_path):
    root = tmp_path / "data"
    write_pngs(root / "cat", 3, colour=(200, 0, 0))
    write_pngs(root / "dog", 3, colour=(0, 200, 0))
    (root / "dog" / "bad.png").write_bytes(b"not a png")
    cache = tmp_path / "cache"

    first = load_dataset(root, cache_folder=cache)
    second = load_dataset(root, cache_folder=cache)

    assert (first.from_cache, second.from_cache) == (False, True)
    assert len(list(cache.glob("*.npz"))) == 1
    np.testing.assert_array_equal(second.splits[ALL][0], first.splits[ALL][0])
    np.testing.assert_array_equal(second.splits[ALL][1], first.splits[ALL][1])
    assert second.unreadable == first.unreadable == [("dog/bad.png", "not an image: a text file")]

    changed = root / "cat" / "001.png"
    Image.new("RGB", (32, 32), (0, 0, 255)).save(changed)
    later = time.time() + 10
    os.utime(changed, (later, later))
    third = load_dataset(root, cache_folder=cache)

    assert third.from_cache is False
    assert third.splits[ALL][0][1, 0, 0].tolist() == [0, 0, 255]
    assert load_dataset(root, cache_folder=cache).from_cache is True


def test_a_damaged_cache_is_rebuilt(tmp_path):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=3)
    cache = tmp_path / "cache"
    first = load_dataset(root, cache_folder=cache)
    (cache_file,) = cache.glob("*.npz")
    cache_file.write_bytes(b"garbage")

    again = load_dataset(root, cache_folder=cache)

    assert again.from_cache is False
    np.testing.assert_array_equal(again.splits[ALL][0], first.splits[ALL][0])


def test_a_cache_that_cannot_be_written_does_not_fail_the_load(tmp_path):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=3)
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache folder should be")

    loaded = load_dataset(root, cache_folder=cache)

    assert loaded.from_cache is False and len(loaded.splits[ALL][0]) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "data"]  # no temp file either


def test_a_load_lists_the_source_once_and_not_at_all_when_given_its_scan(tmp_path, monkeypatch):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=3, test_per_class=2)
    listed = []
    walk = os.walk
    monkeypatch.setattr(os, "walk", lambda top, *args, **kwargs: listed.append(top) or walk(top, *args, **kwargs))

    alone = load_dataset(root, use_cache=False)
    assert len(listed) == 1

    scan = scan_dataset(root)
    listed.clear()
    with_scan = load_dataset(str(root / "." / ""), use_cache=False, scan=scan)  # the same folder, written otherwise
    assert listed == []
    assert with_scan.labels == alone.labels == scan.labels
    for split in ("train", "test"):
        np.testing.assert_array_equal(with_scan.splits[split][0], alone.splits[split][0])

    other = make_class_folders(tmp_path / "other", labels=("ship", "frog"), per_class=2)
    assert load_dataset(other, use_cache=False, scan=scan).labels == (
        "frog",
        "ship",
    )  # another source's scan is not used

    write_pngs(root / "train" / "cat", 1, start=50)  # added after the scan: listed again, and decoded
    later = time.time() + 10
    os.utime(root / "train" / "cat", (later, later))  # a coarse clock must not hide the change
    listed.clear()
    assert len(load_dataset(root, use_cache=False, scan=scan).splits["train"][0]) == 7
    assert len(listed) == 1


def test_max_per_class_limits_each_class(tmp_path):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=6, test_per_class=3)

    loaded = load_dataset(root, max_per_class=2, use_cache=False)

    assert np.bincount(loaded.splits["train"][1]).tolist() == [2, 2]
    assert np.bincount(loaded.splits["test"][1]).tolist() == [2, 2]


def test_a_stop_request_interrupts_reading(tmp_path):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=70)

    with pytest.raises(InterruptedError):
        load_dataset(root, use_cache=False, should_stop=lambda: True)


def test_progress_is_reported_up_to_the_total(tmp_path):
    root = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=5)
    calls = []

    load_dataset(root, use_cache=False, on_progress=lambda done, total: calls.append((done, total)))

    assert calls[-1] == (10, 10)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


# ---------------------------------------------------------------- CIFAR-10 download


def offline(monkeypatch):
    attempts = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_cifar10_offline_fails_quickly_naming_a_local_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))  # no real download cache can skip the check
    attempts = offline(monkeypatch)

    started = time.perf_counter()
    with pytest.raises(DatasetError) as caught:
        load_dataset("cifar10")
    seconds = time.perf_counter() - started

    assert seconds < 5
    assert attempts, "the connection check did not run"
    message = str(caught.value)
    assert "no connection: Network is unreachable" in message
    assert "https://www.cs.toronto.edu/~kriz/cifar.html" in message  # where to get CIFAR-10
    assert "one sub-folder per class" in message and ".tar.gz" in message  # which local copies work


def test_cifar10_offline_with_a_download_cache_loads_it(tmp_path, monkeypatch):
    keras_home = tmp_path / "keras"
    # where keras.datasets.cifar10 extracts its download
    (keras_home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    attempts = offline(monkeypatch)
    import keras

    x = np.zeros((4, 32, 32, 3), np.uint8)
    y = np.array([[0], [9], [3], [3]], np.uint8)
    monkeypatch.setattr(keras.datasets.cifar10, "load_data", lambda: ((x, y), (x[:2], y[:2])))

    loaded = load_dataset("cifar10")

    assert attempts == []
    assert loaded.labels[0] == "airplane" and len(loaded.labels) == 10
    assert loaded.splits["train"][1].tolist() == [0, 9, 3, 3]
    assert loaded.splits["test"][0].shape == (2, 32, 32, 3)


# ---------------------------------------------------------------- splits and tf.data


def test_split_validation_is_stratified_and_disjoint():
    y = np.array([0] * 40 + [1] * 20 + [2] * 10 + [3] * 1)
    x = np.arange(len(y))  # each "image" is its own index

    x_train, y_train, x_val, y_val = split_validation(x, y, 0.2, seed=3)

    assert set(x_train.tolist()).isdisjoint(x_val.tolist())
    assert sorted(x_train.tolist() + x_val.tolist()) == x.tolist()
    assert np.bincount(y_val, minlength=4).tolist() == [8, 4, 2, 0]  # a class of one stays in training
    np.testing.assert_array_equal(y[x_val], y_val)
    np.testing.assert_array_equal(y[x_train], y_train)
    # deterministic for a seed, different for another
    assert split_validation(x, y, 0.2, seed=3)[2].tolist() == x_val.tolist()
    assert split_validation(x, y, 0.2, seed=4)[2].tolist() != x_val.tolist()


def test_split_validation_holds_out_at_least_one_per_class():
    y = np.array([0] * 5 + [1] * 5)
    _, _, _, y_val = split_validation(np.arange(10), y, 0.01)
    assert np.bincount(y_val).tolist() == [1, 1]
    assert len(split_validation(np.arange(10), y, 0.0)[2]) == 0


def batches(dataset):
    return [(np.asarray(images), np.asarray(labels)) for images, labels in dataset]


def test_make_tf_dataset_yields_float_images_and_one_hot_labels():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (10, 32, 32, 3), dtype=np.uint8)
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], np.int32)

    out = batches(make_tf_dataset(x, y, num_classes=3, batch_size=4))

    assert [images.shape for images, _ in out] == [(4, 32, 32, 3), (4, 32, 32, 3), (2, 32, 32, 3)]
    assert all(images.dtype == np.float32 and labels.dtype == np.float32 for images, labels in out)
    np.testing.assert_array_equal(np.concatenate([images for images, _ in out]), x.astype(np.float32))
    np.testing.assert_array_equal(np.concatenate([labels for _, labels in out]), np.eye(3, dtype=np.float32)[y])
    dropped = batches(make_tf_dataset(x, y, num_classes=3, batch_size=4, drop_remainder=True))
    assert len(dropped) == 2


def test_augmentation_keeps_shapes_and_labels():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (16, 32, 32, 3), dtype=np.uint8)
    y = np.arange(16, dtype=np.int32) % 4
    augmentation = Augmentation(flip=True, translate=2, cutout=0)

    out = batches(make_tf_dataset(x, y, num_classes=4, batch_size=8, augmentation=augmentation, seed=0))

    images = np.concatenate([i for i, _ in out])
    labels = np.concatenate([label for _, label in out])
    assert images.shape == (16, 32, 32, 3) and images.dtype == np.float32
    np.testing.assert_array_equal(labels, np.eye(4, dtype=np.float32)[y])
    assert not np.array_equal(images, x.astype(np.float32))  # it did augment
    # moved and mirrored, never new colours: each image keeps (almost) its own pixel values
    for original, moved in zip(x, images):
        assert set(np.unique(moved)) <= set(np.unique(original).astype(np.float32))


def test_cutout_blanks_a_square_with_the_mean_colour_and_keeps_shapes():
    x = np.zeros((6, 32, 32, 3), np.uint8)
    x[:, :, 16:] = 200  # half black, half bright: the mean colour (100) appears only where blanked
    y = np.zeros(6, np.int32)
    augmentation = Augmentation(flip=False, translate=0, cutout=8)

    ((images, labels),) = batches(make_tf_dataset(x, y, num_classes=2, batch_size=6, augmentation=augmentation))

    assert images.shape == (6, 32, 32, 3) and labels.shape == (6, 2)
    assert set(np.unique(images)) <= {0.0, 100.0, 200.0}
    blanked = (images == 100).all(axis=3).sum(axis=(1, 2))
    assert np.all(blanked >= 1) and np.all(blanked <= 8 * 8)
    assert blanked.max() > 8 * 4  # at least one square lies mostly inside the image
