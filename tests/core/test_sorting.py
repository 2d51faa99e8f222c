"""Sorting into class folders: copies only, never overwrites, not-sure images apart, a CSV of everything."""

from __future__ import annotations

import csv
import os

import pytest

from infinityvision_desktop.core.predictor import Prediction
from infinityvision_desktop.core.sorting import (
    NOT_SURE_FOLDER,
    SortError,
    SortItem,
    class_folders,
    folder_name,
    sort_into_folders,
)

LABELS = ("cat", "dog", "frog")


def prediction(label: str, confidence: float, not_sure: bool = False) -> Prediction:
    index = LABELS.index(label)
    rest = (1 - confidence) / (len(LABELS) - 1)
    return Prediction(LABELS, tuple(confidence if i == index else rest for i in range(len(LABELS))), index, not_sure)


def photo(folder, name, content: bytes):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_images_are_copied_into_their_class_and_not_sure_folders_and_the_originals_stay(tmp_path):
    src = tmp_path / "photos"
    a, b, c = photo(src, "a.jpg", b"A"), photo(src, "b.jpg", b"B"), photo(src, "c.jpg", b"C")
    broken = photo(src, "broken.jpg", b"")
    items = [
        SortItem(str(a), prediction("cat", 0.9)),
        SortItem(str(b), prediction("dog", 0.8)),
        SortItem(str(c), prediction("frog", 0.4, not_sure=True)),
        SortItem(str(broken), None, "file is empty"),
    ]
    progress = []

    report = sort_into_folders(items, tmp_path / "sorted", on_progress=lambda done, total: progress.append(done))

    out = tmp_path / "sorted"
    assert (out / "cat" / "a.jpg").read_bytes() == b"A"
    assert (out / "dog" / "b.jpg").read_bytes() == b"B"
    assert (out / NOT_SURE_FOLDER / "c.jpg").read_bytes() == b"C"
    assert not (out / "frog").exists()
    assert [p.read_bytes() for p in (a, b, c)] == [b"A", b"B", b"C"]  # copied, never moved
    assert report.copied == {"cat": 1, "dog": 1, "not_sure": 1} and report.total_copied == 3
    assert report.skipped == ((str(broken), "file is empty"),)
    assert progress == [1, 2, 3, 4]
    rows = read_csv(out / "predictions.csv")
    assert report.csv_path == str(out / "predictions.csv")
    assert [(r["path"], r["copied_to"], r["folder"], r["label"], r["not_sure"]) for r in rows] == [
        (str(a), os.path.join("cat", "a.jpg"), "cat", "cat", "false"),
        (str(b), os.path.join("dog", "b.jpg"), "dog", "dog", "false"),
        (str(c), os.path.join("not_sure", "c.jpg"), "not_sure", "frog", "true"),
        (str(broken), "", "", "", ""),
    ]
    assert rows[0]["cat"] == "0.900000" and rows[3]["error"] == "file is empty"


def test_names_that_are_taken_are_never_overwritten(tmp_path):
    first = photo(tmp_path / "one", "IMG_1.jpg", b"first")
    second = photo(tmp_path / "two", "IMG_1.jpg", b"second")  # the same name from another folder
    out = tmp_path / "sorted"
    photo(out / "cat", "IMG_1.jpg", b"already there")
    photo(out, "predictions.csv", b"an earlier run")

    report = sort_into_folders(
        [SortItem(str(first), prediction("cat", 0.9)), SortItem(str(second), prediction("cat", 0.9))], out
    )

    assert (out / "cat" / "IMG_1.jpg").read_bytes() == b"already there"
    assert (out / "cat" / "IMG_1 (1).jpg").read_bytes() == b"first"
    assert (out / "cat" / "IMG_1 (2).jpg").read_bytes() == b"second"
    assert report.renamed == 2
    assert (out / "predictions.csv").read_bytes() == b"an earlier run"
    assert report.csv_path == str(out / "predictions (1).csv")

    again = sort_into_folders(
        [SortItem(str(first), prediction("cat", 0.9))], out
    )  # a second run adds, replaces nothing
    assert again.copied == {"cat": 1} and (out / "cat" / "IMG_1 (3).jpg").read_bytes() == b"first"


def test_a_file_that_vanished_is_reported_and_the_rest_sorted(tmp_path):
    gone = tmp_path / "gone.jpg"
    here = photo(tmp_path, "here.jpg", b"H")
    report = sort_into_folders(
        [SortItem(str(gone), prediction("dog", 0.9)), SortItem(str(here), prediction("dog", 0.9))], tmp_path / "sorted"
    )
    assert report.copied == {"dog": 1}
    assert report.skipped == ((str(gone), "not copied: No such file or directory"),)
    assert not (tmp_path / "sorted" / "dog" / "gone.jpg").exists()  # no empty file left behind


def test_a_destination_that_cannot_be_used_says_why(tmp_path):
    blocker = photo(tmp_path, "file", b"x")
    with pytest.raises(SortError, match="file: the folder cannot be created"):
        sort_into_folders([], blocker)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(SortError, match="locked: permission denied"):
            sort_into_folders([], locked)
    finally:
        locked.chmod(0o700)


def test_class_names_become_safe_distinct_folder_names():
    assert folder_name("cat/dog") == "cat_dog"
    assert folder_name("..") == "_" and folder_name("CON") == "_CON" and folder_name("a: b?") == "a_ b_"
    assert class_folders(["Cat", "cat", "not_sure"]) == {"Cat": "Cat", "cat": "cat_2", "not_sure": "not_sure_2"}


def test_a_stop_request_keeps_what_was_copied_and_its_csv(tmp_path):
    paths = [photo(tmp_path / "p", f"{i}.jpg", bytes([i])) for i in range(5)]
    calls = []
    report = sort_into_folders(
        [SortItem(str(p), prediction("cat", 0.9)) for p in paths],
        tmp_path / "sorted",
        should_stop=lambda: calls.append(1) or len(calls) > 2,
    )
    assert report.cancelled and report.copied == {"cat": 2}
    assert len(read_csv(report.csv_path)) == 2
