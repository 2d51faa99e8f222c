"""The history database, headless: recording, search and filters, changes, export, damage, migration."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from PIL import Image

from infinityvision_desktop.core import atomic, history, history_query, history_schema
from infinityvision_desktop.core.history import (
    SCHEMA_VERSION,
    HistoryEntry,
    HistoryError,
    HistoryFilter,
    HistoryStore,
    decode_thumbnail,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def entry(
    name: str,
    label: str = "cat",
    *,
    confidence: float = 0.9,
    not_sure: bool = False,
    model: str = "m1",
    folder: str = "/photos",
    created: datetime | None = None,
    thumbnail=None,
    path: str | None = "",
) -> HistoryEntry:
    other = "dog" if label != "dog" else "cat"
    return HistoryEntry(
        file_name=name,
        label=label,
        confidence=confidence,
        not_sure=not_sure,
        probabilities={label: confidence, other: round(1 - confidence, 6)},
        model_name=model,
        model_path=f"/models/{model}.h5",
        path=f"{folder}/{name}" if path == "" else path,
        created=created,
        thumbnail=thumbnail,
    )


@pytest.fixture
def store(tmp_path):
    with HistoryStore(tmp_path / "history.sqlite3") as opened:
        yield opened


@pytest.fixture
def sample(store):
    """Ten entries over ten days: cats, dogs and a frog, two models, some not sure."""
    store.add_many(
        [
            entry("Cat_01.jpg", "cat", created=T0),
            entry("cat_02.png", "cat", confidence=0.41, not_sure=True, created=T0 + timedelta(days=1)),
            entry("DOG_01.jpg", "dog", created=T0 + timedelta(days=2)),
            entry("dog_02.jpg", "dog", model="m2", created=T0 + timedelta(days=3)),
            entry("dog_03.jpg", "dog", confidence=0.35, not_sure=True, model="m2", created=T0 + timedelta(days=4)),
            entry("frog.jpg", "frog", created=T0 + timedelta(days=5)),
            entry("100%_cat.jpg", "cat", created=T0 + timedelta(days=6)),
            entry("under_score.jpg", "dog", created=T0 + timedelta(days=7)),
            entry("Élan.jpg", "cat", model="m2", created=T0 + timedelta(days=8)),
            entry("Pasted image 1", "frog", path=None, created=T0 + timedelta(days=9)),
        ]
    )
    return store


def names(rows) -> list[str]:
    return [row.name for row in rows]


# ---------------------------------------------------------------- recording


def test_a_new_store_has_the_current_schema_wal_and_no_entries(store):
    assert store.schema_version() == SCHEMA_VERSION
    assert store._conn().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.count() == 0 and store.query() == []
    assert store.recovery_message == "" and store.damaged_path is None


def test_add_many_keeps_every_field_and_the_thumbnail(store):
    rgb = np.random.default_rng(0).integers(0, 256, (300, 200, 3), dtype=np.uint8)
    ids = store.add_many([entry("a.jpg", thumbnail=rgb, created=T0), entry("b.jpg", "dog", not_sure=True)])
    assert len(ids) == 2 and store.count() == 2
    row = store.get(ids[0])
    assert (row.path, row.folder, row.file_name, row.display_name, row.name) == (
        "/photos/a.jpg",
        "/photos",
        "a.jpg",
        None,
        "a.jpg",
    )
    assert (row.label, row.confidence, row.not_sure, row.model_name, row.model_path) == (
        "cat",
        0.9,
        False,
        "m1",
        "/models/m1.h5",
    )
    assert row.probabilities == {"cat": 0.9, "dog": 0.1}
    assert row.created == "2024-05-01T12:00:00.000000+00:00" and row.created_at == T0
    thumbnail = decode_thumbnail(store.thumbnail(ids[0]))
    assert thumbnail.shape == (96, 64, 3)  # the long side 96 px, the shape kept
    assert store.thumbnail(ids[1]) is None
    assert datetime.now(timezone.utc) - store.get(ids[1]).created_at < timedelta(minutes=1)


def test_a_stored_row_becomes_the_prediction_it_was(store):
    entry_id = store.add(entry("a.jpg", "dog", confidence=0.4, not_sure=True))
    prediction = store.get(entry_id).to_prediction()
    assert prediction.labels == ("dog", "cat") and prediction.label == "dog"
    assert prediction.probabilities == (0.4, 0.6) and prediction.not_sure


def test_a_photo_of_none_of_the_classes_keeps_what_it_looked_like(store, tmp_path):
    # the window said "None of the ten: looks like an espresso"; the History must not forget it
    from infinityvision_desktop.core.predictor import Prediction

    answer = Prediction(labels=("cat", "dog"), probabilities=(0.6, 0.4), index=0, not_sure=True, looks_like="espresso")
    entry_id = store.add(HistoryEntry.from_prediction(answer, name="coffee.jpg", path="/photos/coffee.jpg"))
    plain = store.add(entry("cat.jpg"))

    assert store.get(entry_id).looks_like == "espresso" and store.get(plain).looks_like is None
    assert store.get(entry_id).to_prediction().looks_like == "espresso"
    target = tmp_path / "history.csv"
    store.export_csv(target, order_by="name", descending=False)
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert [(row["file_name"], row["looks_like"]) for row in rows] == [("cat.jpg", ""), ("coffee.jpg", "espresso")]


def test_add_many_is_one_transaction_all_or_nothing(store):
    store.add(entry("kept.jpg"))
    broken = HistoryEntry(file_name="x", label=None, confidence=0.5, not_sure=False, probabilities={})  # label NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        store.add_many([entry("first.jpg"), broken])
    assert names(store.query()) == ["kept.jpg"]


def test_writes_from_many_threads_at_once_are_all_kept(store):
    def write(thread: int) -> None:
        for batch in range(10):
            store.add_many([entry(f"t{thread}_{batch}_{i}.jpg") for i in range(20)])
        store.close_thread_connection()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.count() == 4 * 10 * 20
    assert len(set(row.id for row in store.query())) == 800


def test_a_second_store_on_the_same_file_reads_what_the_first_wrote(store):
    store.add(entry("a.jpg"))
    with HistoryStore(store.path) as other:
        assert names(other.query()) == ["a.jpg"]
        other.add(entry("b.jpg"))
    assert store.count() == 2


CRASHING_WRITER = """
import os, sys
from infinityvision_desktop.core.history import HistoryEntry, HistoryStore
store = HistoryStore(sys.argv[1])
for batch in range(3):
    store.add_many([HistoryEntry(file_name=f"{batch}_{i}.jpg", label="cat", confidence=0.9, not_sure=False,
                                 probabilities={"cat": 0.9}) for i in range(64)])
os._exit(3)  # no close, no checkpoint: as if the app had crashed
"""


def test_a_crash_loses_nothing_that_was_committed(tmp_path):
    path = tmp_path / "history.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 3, done.stderr
    assert (tmp_path / "history.sqlite3-wal").stat().st_size > 0  # the batches are still in the log only
    with HistoryStore(path) as reopened:
        assert reopened.damaged_path is None
        assert reopened.count() == 3 * 64


# ---------------------------------------------------------------- search, filters, order


def test_search_matches_part_of_the_file_name_in_any_case(sample):
    assert sorted(names(sample.query(text="CAT"))) == ["100%_cat.jpg", "Cat_01.jpg", "cat_02.png"]
    assert names(sample.query(text="dog_0", order_by="name", descending=False)) == [
        "DOG_01.jpg",
        "dog_02.jpg",
        "dog_03.jpg",
    ]
    assert names(sample.query(text="élan")) == ["Élan.jpg"]  # beyond ASCII too
    assert sample.count(text="cat") == 3 and sample.count(text="nothing like it") == 0


def test_search_text_is_literal_not_a_like_pattern(sample):
    assert names(sample.query(text="%")) == ["100%_cat.jpg"]
    assert sorted(names(sample.query(text="_"))) == sorted(
        ["Cat_01.jpg", "cat_02.png", "DOG_01.jpg", "dog_02.jpg", "dog_03.jpg", "100%_cat.jpg", "under_score.jpg"]
    )
    assert names(sample.query(text="c_t")) == []  # "_" would match the "a" of every cat
    assert names(sample.query(text="\\")) == []


def test_filters_by_class_model_not_sure_and_dates_combine(sample):
    assert sample.count(label="dog") == 4
    assert sample.count(model="m2") == 3
    assert sorted(names(sample.query(not_sure=True))) == ["cat_02.png", "dog_03.jpg"]
    assert sample.count(not_sure=False) == 8
    assert names(sample.query(label="dog", model="m2", not_sure=True)) == ["dog_03.jpg"]
    # since inclusive, until exclusive, in UTC whatever the given zone
    since, until = T0 + timedelta(days=2), T0 + timedelta(days=5)
    assert names(sample.query(since=since, until=until, order_by="created", descending=False)) == [
        "DOG_01.jpg",
        "dog_02.jpg",
        "dog_03.jpg",
    ]
    plus_two = timezone(timedelta(hours=2))
    assert sample.count(since=since.astimezone(plus_two), until=until.astimezone(plus_two)) == 3
    assert sample.count(text="dog", since=T0 + timedelta(days=3)) == 2
    assert sample.count(**HistoryFilter(label="frog").kwargs()) == 2


def test_every_sort_key_orders_the_rows_and_pages_do_not_overlap(sample):
    assert names(sample.query(limit=2)) == ["Pasted image 1", "Élan.jpg"]  # newest first by default
    assert [row.confidence for row in sample.query(order_by="confidence")][:2] == [0.9, 0.9]
    by_name = names(sample.query(order_by="name", descending=False))
    assert by_name == sorted(by_name, key=str.lower)
    assert [row.label for row in sample.query(order_by="label", descending=False)][0] == "cat"
    assert [row.model_name for row in sample.query(order_by="model", descending=True)][0] == "m2"
    assert [row.not_sure for row in sample.query(order_by="not_sure")][:2] == [True, True]
    pages = [sample.query(order_by="label", limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert [len(page) for page in pages] == [3, 3, 3, 1]
    assert len({row.id for page in pages for row in page}) == 10
    with pytest.raises(ValueError):
        sample.query(order_by="probabilities; DROP TABLE entries")


def test_a_name_search_with_few_matches_reads_them_by_id_and_finds_the_same_rows(sample):
    cases = [
        dict(text="cat"),
        dict(text="%"),
        dict(text="_"),
        dict(text="c_t"),
        dict(text="élan"),
        dict(text="dog", label="dog", not_sure=False),
        dict(text="dog", since=T0 + timedelta(days=3)),
        dict(text="nothing like it"),
    ]
    for filters in cases:
        total = sample.count(**filters)
        for order_by in history.SORT_KEYS:
            for descending in (True, False):
                walked = sample.query(**filters, order_by=order_by, descending=descending)
                by_id = sample.query(**filters, order_by=order_by, descending=descending, expected=total)
                assert [row.id for row in by_id] == [row.id for row in walked], (filters, order_by, descending)
        pages = [sample.query(**filters, limit=2, offset=offset, expected=total) for offset in range(0, total + 2, 2)]
        assert [row.id for page in pages for row in page] == [row.id for row in sample.query(**filters)]
    where, _ = history_query.where_clause(text="cat", few=True)
    plan = " ".join(
        str(row)
        for row in sample._conn().execute(
            f"EXPLAIN QUERY PLAN SELECT id FROM entries{where} ORDER BY created DESC LIMIT 100", ["%cat%"]
        )
    )
    assert "COVERING INDEX entries_name_lower" in plan  # the ids from the small name index


def test_statistics_let_a_common_filter_walk_the_sort_order(store):
    # Two in three entries "not sure": walking the date index finds a page at once; without
    # statistics SQLite takes the not_sure index and sorts every match, slow on a long history.
    store.add_many(
        entry(f"img_{i:05d}.jpg", not_sure=i % 3 != 0, created=T0 + timedelta(minutes=i)) for i in range(3000)
    )
    sql = "EXPLAIN QUERY PLAN SELECT id FROM entries WHERE not_sure = 1 ORDER BY created DESC, id DESC LIMIT 100"
    assert store.update_statistics() is True
    store.close()
    reopened = HistoryStore(store.path)
    plan = " ".join(str(row) for row in reopened._conn().execute(sql))
    assert "entries_created" in plan and "TEMP B-TREE" not in plan, plan
    assert reopened.update_statistics() is False  # not again until the history doubles or halves
    reopened.add_many(entry(f"more_{i:05d}.jpg", created=T0) for i in range(3500))
    assert reopened.update_statistics() is True
    reopened.close()


def test_labels_and_models_list_what_is_there(sample):
    assert sample.labels() == ["cat", "dog", "frog"]
    assert sample.models() == ["m1", "m2"]


def test_searches_use_the_indexes(sample):
    plan = " ".join(
        str(row)
        for row in sample._conn().execute("EXPLAIN QUERY PLAN SELECT count(*) FROM entries WHERE name_lower LIKE '%a%'")
    )
    assert "entries_name_lower" in plan  # a scan of the small name index, not of the table
    for key in history.SORT_KEYS:
        plan = " ".join(
            str(row)
            for row in sample._conn().execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM entries{history_query.order_clause(key, True)} LIMIT 200"
            )
        )
        assert "TEMP B-TREE" not in plan, (key, plan)  # sorted by an index, not in memory


# ---------------------------------------------------------------- changes


def test_rename_gives_a_display_name_that_search_and_sort_use(sample):
    entry_id = sample.query(text="frog.jpg")[0].id
    assert sample.rename(entry_id, "  Kermit  ")
    row = sample.get(entry_id)
    assert (row.name, row.display_name, row.file_name) == ("Kermit", "Kermit", "frog.jpg")
    assert names(sample.query(text="kerm")) == ["Kermit"]
    assert names(sample.query(text="frog.j")) == ["Kermit"]  # the file name is still found
    assert names(sample.query(order_by="name", descending=False, limit=1)) == ["100%_cat.jpg"]
    assert names(sample.query(order_by="name", descending=True, limit=1)) == ["Élan.jpg"]  # é after u
    assert sample.rename(entry_id, "")
    assert sample.get(entry_id).name == "frog.jpg" and sample.count(text="kermit") == 0
    assert not sample.rename(99999, "nobody")


def test_delete_forgets_entries_and_their_thumbnails_but_never_touches_the_image(store, tmp_path):
    image_path = tmp_path / "photo.png"
    Image.fromarray(np.full((40, 40, 3), 200, np.uint8)).save(image_path)
    before = (image_path.read_bytes(), image_path.stat().st_mtime_ns)
    kept, gone = store.add_many(
        [entry("kept.png"), entry("photo.png", path=str(image_path), thumbnail=np.zeros((8, 8, 3), np.uint8))]
    )
    assert store.delete([gone, 12345]) == 1
    assert names(store.query()) == ["kept.png"]
    assert store.thumbnail(gone) is None
    assert store._conn().execute("SELECT count(*) FROM thumbnails").fetchone()[0] == 0
    assert (image_path.read_bytes(), image_path.stat().st_mtime_ns) == before


def test_delete_many_ids_at_once(store):
    ids = store.add_many([entry(f"{i}.jpg") for i in range(1500)])
    assert store.delete(ids[:1200]) == 1200 and store.count() == 300


def test_clear_and_forget_older_than(sample):
    now = T0 + timedelta(days=10)
    assert sample.forget_older_than(5, now=now) == 5  # days 0..4
    assert sample.count() == 5
    assert min(row.created_at for row in sample.query()) == T0 + timedelta(days=5)
    assert sample.forget_older_than(30, now=now) == 0
    assert sample.clear() == 5 and sample.count() == 0 and sample.labels() == []


# ---------------------------------------------------------------- export


def test_export_csv_writes_the_filtered_rows_atomically(sample, tmp_path):
    target = tmp_path / "out" / "history.csv"
    target.parent.mkdir()
    target.write_text("old contents")
    count = sample.export_csv(target, HistoryFilter(label="dog"), order_by="name", descending=False)
    assert count == 4
    text = target.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["file_name"] for row in rows] == ["DOG_01.jpg", "dog_02.jpg", "dog_03.jpg", "under_score.jpg"]
    assert rows[2]["not_sure"] == "true" and rows[2]["confidence"] == "0.350000" and rows[2]["dog"] == "0.350000"
    assert rows[0]["created_utc"].startswith("2024-05-03T12:00:00") and rows[0]["model"] == "m1"
    assert os.listdir(target.parent) == ["history.csv"]  # no temporary file left behind


def test_a_failed_export_leaves_the_previous_file_and_no_temporary(sample, tmp_path, monkeypatch):
    target = tmp_path / "history.csv"
    target.write_text("old contents")

    def broken_replace(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)  # where the export's rename is looked up
    with pytest.raises(OSError):
        sample.export_csv(target)
    assert target.read_text() == "old contents"
    assert [name for name in os.listdir(tmp_path) if not name.startswith("history.sqlite3")] == ["history.csv"]


# ---------------------------------------------------------------- damage


def _filled(path) -> None:
    with HistoryStore(path) as filled:
        filled.add_many([entry(f"{i}.jpg", thumbnail=np.full((96, 96, 3), i % 256, np.uint8)) for i in range(300)])
    assert not os.path.exists(f"{path}-wal")  # closed cleanly: everything is in the main file


def _assert_set_aside(path, original: bytes, reopened: HistoryStore) -> None:
    assert reopened.damaged_path is not None
    assert reopened.damaged_path.name.startswith("history.sqlite3.damaged-")
    assert reopened.damaged_path.read_bytes() == original  # kept for whoever wants to rescue it
    assert reopened.damaged_path.name in reopened.recovery_message
    assert reopened.count() == 0 and reopened.schema_version() == SCHEMA_VERSION
    reopened.add(entry("fresh.jpg"))  # and the fresh one works
    assert names(reopened.query()) == ["fresh.jpg"]


def test_a_truncated_file_is_set_aside_and_a_fresh_history_started(tmp_path):
    path = tmp_path / "history.sqlite3"
    _filled(path)
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 2)
    original = path.read_bytes()
    with HistoryStore(path) as reopened:
        _assert_set_aside(path, original, reopened)


@pytest.mark.parametrize(
    "garbage", [os.urandom(20_000), b"this is not a database\n" * 100, b"SQLite format 3\x00" + b"\xff" * 5000]
)
def test_a_file_of_garbage_is_set_aside_and_a_fresh_history_started(tmp_path, garbage):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(garbage)
    with HistoryStore(path) as reopened:
        _assert_set_aside(path, garbage, reopened)


def test_a_file_with_damaged_pages_inside_is_caught_by_the_integrity_check(tmp_path):
    path = tmp_path / "history.sqlite3"
    _filled(path)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(3 * page, len(data) - page, 7 * page):  # scribble over some pages after the header
        data[offset + 8 : offset + 400] = os.urandom(392)
    path.write_bytes(bytes(data))
    with HistoryStore(path) as reopened:
        _assert_set_aside(path, bytes(data), reopened)


def test_a_stale_log_of_the_damaged_file_is_not_replayed_into_the_new_one(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    (tmp_path / "history.sqlite3-wal").write_bytes(b"old log")
    with HistoryStore(path) as reopened:
        assert reopened.damaged_path is not None
        assert reopened.count() == 0
        reopened.add(entry("fresh.jpg"))
        # SQLite drops a log it cannot use; if it had not, it would have been moved aside with the file
        assert b"old log" not in (tmp_path / "history.sqlite3-wal").read_bytes()
    with HistoryStore(path) as again:
        assert names(again.query()) == ["fresh.jpg"]


def test_an_empty_file_is_simply_a_new_history(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"")
    with HistoryStore(path) as opened:
        assert opened.damaged_path is None and opened.schema_version() == SCHEMA_VERSION


def test_a_file_from_a_newer_version_is_left_alone(tmp_path):
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer version"):
        HistoryStore(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "damaged" in p.name] == []


def test_an_unusable_folder_is_a_history_error(tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(HistoryError):
        HistoryStore(blocker / "history.sqlite3")


def test_a_closed_store_says_so(tmp_path):
    opened = HistoryStore(tmp_path / "history.sqlite3")
    opened.close()
    with pytest.raises(HistoryError):
        opened.count()


# ---------------------------------------------------------------- migration

V1_SCHEMA = """
CREATE TABLE entries (
    id INTEGER PRIMARY KEY, path TEXT, folder TEXT NOT NULL DEFAULT '', file_name TEXT NOT NULL,
    label TEXT NOT NULL, confidence REAL NOT NULL, not_sure INTEGER NOT NULL DEFAULT 0,
    probabilities TEXT NOT NULL DEFAULT '{}', model_name TEXT NOT NULL DEFAULT '',
    model_path TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, thumbnail BLOB);
CREATE INDEX entries_created ON entries(created);
PRAGMA user_version = 1;
"""


def test_a_version_1_file_is_migrated_and_every_row_survives(tmp_path):
    """A history written by the first release (thumbnails inline, no display names), built by hand."""
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    jpeg = io.BytesIO()
    Image.fromarray(np.full((20, 30, 3), 90, np.uint8)).save(jpeg, "JPEG")
    old_rows = []
    for i in range(250):
        name = ["Cat.JPG", "Élan.png", "dog 2.jpg"][i % 3]
        old_rows.append(
            (
                i + 1,
                f"/old/{i}/{name}" if i % 10 else None,
                f"/old/{i}" if i % 10 else "",
                name,
                ["cat", "dog"][i % 2],
                0.5 + i / 1000,
                i % 4 == 0,
                json.dumps({"cat": 0.5 + i / 1000, "dog": 0.5 - i / 1000}),
                f"model{i % 2}",
                f"/m/model{i % 2}.h5",
                (T0 + timedelta(minutes=i)).isoformat(timespec="microseconds"),
                jpeg.getvalue() if i % 5 else None,
            )
        )
    conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", old_rows)
    conn.commit()
    conn.close()

    with HistoryStore(path) as migrated:
        assert migrated.damaged_path is None
        assert migrated.schema_version() == SCHEMA_VERSION
        rows = {row.id: row for row in migrated.query(order_by="id", descending=False)}
        assert len(rows) == len(old_rows)
        for (
            entry_id,
            path_,
            folder,
            name,
            label,
            confidence,
            not_sure,
            probabilities,
            model,
            model_path,
            created,
            thumbnail,
        ) in old_rows:
            row = rows[entry_id]
            assert (row.path, row.folder, row.file_name, row.display_name) == (path_, folder, name, None)
            assert (row.label, row.confidence, row.not_sure) == (label, pytest.approx(confidence), bool(not_sure))
            assert row.probabilities == json.loads(probabilities)
            assert (row.model_name, row.model_path, row.created) == (model, model_path, created)
            assert migrated.thumbnail(entry_id) == thumbnail
        # the new columns work on the old rows: search beyond ASCII, sort by name, rename
        assert migrated.count(text="élan") == 83 and migrated.count(text="CAT.jpg") == 84
        assert migrated.query(order_by="name", descending=False, limit=1)[0].file_name == "Cat.JPG"
        assert migrated.rename(1, "first") and migrated.get(1).name == "first"
        columns = [row[1] for row in migrated._conn().execute("PRAGMA table_info(entries)")]
        assert "thumbnail" not in columns
        migrated.add(entry("new.jpg"))
        assert migrated.count() == 251

    with HistoryStore(path) as again:  # opening a migrated file changes nothing
        assert again.schema_version() == SCHEMA_VERSION and again.count() == 251


def test_an_interrupted_migration_leaves_the_old_version(tmp_path, monkeypatch):
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.execute(
        "INSERT INTO entries (file_name, label, confidence, created) VALUES ('a.jpg', 'cat', 0.9, ?)", (T0.isoformat(),)
    )
    conn.commit()
    conn.close()

    steps = dict(history_schema.MIGRATIONS)

    def failing_step(conn):
        steps[2](conn)
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(history_schema, "MIGRATIONS", [(1, steps[1]), (2, failing_step)])
    with pytest.raises(HistoryError):
        HistoryStore(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT file_name, thumbnail FROM entries").fetchall() == [("a.jpg", None)]
    conn.close()
    monkeypatch.undo()
    with HistoryStore(path) as migrated:  # and the next start migrates it
        assert migrated.schema_version() == SCHEMA_VERSION and names(migrated.query()) == ["a.jpg"]
