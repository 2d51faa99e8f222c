"""Write a file so that a reader sees the old one or the new one, never half of either.

Every file the app writes for the user (models, reports, charts, CSVs, caches) goes through
`atomic_path`: the writer fills a temp file beside the target, and only a complete write is
renamed over it. A full disk, a crash or a cancel leaves the old file and no debris.
"""

from __future__ import annotations

import glob
import itertools
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_serial = itertools.count()  # two threads of one process must not share a temp name
# ".<target name>.<writer's pid>-<serial>.tmp<target suffix>"
_TEMP_NAME = re.compile(r"^\..+\.(\d+)-\d+\.tmp(?:\.[^.]*)?$")


def temp_path(target: str | os.PathLike) -> Path:
    """A hidden name beside `target` that keeps its suffix (np.savez and Keras look at it) and
    names the writing process, so a killed writer's leftovers can be found (`writer_pid`)."""
    target = Path(target)
    return target.with_name(f".{target.name}.{os.getpid()}-{next(_serial)}.tmp{target.suffix}")


def writer_pid(path: str | os.PathLike) -> int | None:
    """The process that was writing `path`, if it is one of our temp files; else None."""
    match = _TEMP_NAME.match(Path(path).name)
    return int(match.group(1)) if match else None


def temp_files(target: str | os.PathLike, pid: int) -> list[Path]:
    """What process `pid` left beside `target` when it was killed mid-write."""
    target = Path(target)
    pattern = f".{glob.escape(target.name)}.{pid}-*.tmp{glob.escape(target.suffix)}"
    return sorted(target.parent.glob(pattern))


@contextmanager
def atomic_path(target: str | os.PathLike, *, make_parents: bool = False) -> Iterator[Path]:
    """Yield a temp path to write (a file, or a folder); on success it replaces `target`, on any
    error it is deleted."""
    target = Path(target)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(target)
    try:
        yield temp
        os.replace(temp, target)
    except BaseException:
        if temp.is_dir():  # a folder written whole (a SavedModel)
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)
        raise


def write_bytes(target: str | os.PathLike, data: bytes, *, make_parents: bool = False) -> Path:
    with atomic_path(target, make_parents=make_parents) as temp:
        temp.write_bytes(data)
    return Path(target)


def write_text(target: str | os.PathLike, text: str, *, encoding: str = "utf-8", make_parents: bool = False) -> Path:
    with atomic_path(target, make_parents=make_parents) as temp:
        temp.write_text(text, encoding=encoding)
    return Path(target)


def copy_file(source: str | os.PathLike, target: str | os.PathLike, *, make_parents: bool = False) -> Path:
    """Copy with metadata; a full disk leaves no half a file at `target`."""
    with atomic_path(target, make_parents=make_parents) as temp:
        shutil.copy2(source, temp)
    return Path(target)
