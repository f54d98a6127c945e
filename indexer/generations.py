"""Index generations on disk: each build is a new folder; a pointer file names the live one.

Layout of an index folder:
    CURRENT       name of the live generation (replaced atomically)
    PREVIOUS      the generation before it, kept for `seedsearch index --rollback`
    gen-000007/   a complete Whoosh index plus manifest.json
    .tmp-.../     a build in progress; removed by the next build if it was interrupted
    build.lock    held (flock) by the one running build
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

CURRENT = "CURRENT"
PREVIOUS = "PREVIOUS"
MANIFEST = "manifest.json"
LOCK = "build.lock"
PREFIX = "gen-"
TMP_PREFIX = ".tmp-"


class IndexBusy(Exception):
    """Another build holds the lock."""


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Flush every file of a finished generation: Whoosh itself never fsyncs."""
    for file in path.iterdir():
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(path)


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` so a reader sees the old or the new content, never a torn one."""
    tmp = path.with_name(f"{TMP_PREFIX}{path.name}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def read_pointer(index_dir: Path, name: str = CURRENT) -> str | None:
    try:
        value = (index_dir / name).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return value if value.startswith(PREFIX) and (index_dir / value).is_dir() else None


def generation_number(name: str) -> int:
    return int(name.removeprefix(PREFIX))


def next_generation(index_dir: Path) -> str:
    numbers = [
        generation_number(p.name)
        for p in index_dir.iterdir()
        if p.name.startswith(PREFIX) and p.name.removeprefix(PREFIX).isdigit()
    ]
    return f"{PREFIX}{max(numbers, default=0) + 1:06d}"


def read_manifest(generation_dir: Path) -> dict:
    with open(generation_dir / MANIFEST, encoding="utf-8") as handle:
        return json.load(handle)


def publish(index_dir: Path, built: Path, name: str) -> None:
    """Move a finished build into place and make it the live generation."""
    fsync_tree(built)
    os.replace(built, index_dir / name)
    fsync_dir(index_dir)
    old = read_pointer(index_dir)
    # CURRENT first: a build killed between the two writes is then live, with an older but
    # distinct PREVIOUS. The other order left PREVIOUS naming the live generation, so
    # --rollback "rolled back" to where it already was.
    write_atomic(index_dir / CURRENT, name + "\n")
    if old:
        write_atomic(index_dir / PREVIOUS, old + "\n")


def rollback(index_dir: Path) -> str:
    """Make the previous generation live again (and keep the rolled-back one as previous)."""
    current, previous = read_pointer(index_dir), read_pointer(index_dir, PREVIOUS)
    if not previous or previous == current:  # the latter only after a crash mid-rollback
        raise FileNotFoundError("no previous index generation to roll back to")
    write_atomic(index_dir / PREVIOUS, f"{current}\n")
    write_atomic(index_dir / CURRENT, f"{previous}\n")
    return previous


def sweep(index_dir: Path) -> None:
    """Remove interrupted builds and generations that are neither live nor previous."""
    keep = {read_pointer(index_dir), read_pointer(index_dir, PREVIOUS)}
    for path in index_dir.iterdir():
        stale_build = path.name.startswith(TMP_PREFIX)
        old_generation = path.name.startswith(PREFIX) and path.name not in keep
        if stale_build or old_generation:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


@contextmanager
def build_lock(index_dir: Path):
    """Hold the single-writer lock; the kernel drops it if the build dies: never stale."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another 'seedsearch index' is running on {index_dir}") from None
        yield
