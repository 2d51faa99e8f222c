"""The one atomic-write helper: a failed write keeps the old file and leaves no temp file."""

import pytest

from infinityvision_desktop.core import atomic


def test_a_failed_write_keeps_the_old_file_and_no_debris(tmp_path):
    target = tmp_path / "model.h5"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as temp:
            temp.write_bytes(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.h5"]


def test_a_finished_write_replaces_the_file_and_keeps_the_suffix(tmp_path):
    target = tmp_path / "sub" / "cache.npz"
    with atomic.atomic_path(target, make_parents=True) as temp:
        assert temp.suffix == ".npz" and temp.parent == target.parent
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    atomic.write_text(target.with_suffix(".txt"), "é")
    assert target.with_suffix(".txt").read_text(encoding="utf-8") == "é"
    assert atomic.temp_path(target) != atomic.temp_path(target)  # two writers never share a name


def test_a_temp_file_names_its_process_so_a_killed_writers_leftover_is_cleaned_up(tmp_path):
    from infinityvision_desktop.core.modelfile import clean_stale_temp_files

    leftover = atomic.temp_path(tmp_path / "model.h5")
    dead_pid = 2**22 + 12345  # beyond the default pid_max: no such process
    leftover = leftover.with_name(leftover.name.replace(f".{__import__('os').getpid()}-", f".{dead_pid}-"))
    leftover.write_bytes(b"half")
    assert clean_stale_temp_files(tmp_path) == [leftover]
    assert not leftover.exists()
