"""Read-only access to the live index generation, for long-running readers such as the web app."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from . import generations as gens
from . import suggest
from .ranking import WEIGHTING


class IndexMissing(Exception):
    """There is no built index in the folder yet."""


@dataclass(frozen=True)
class IndexInfo:
    generation: str
    doc_count: int
    built_at: str | None


class _Generation:
    """One opened generation: its Whoosh index and facts, shared by every thread."""

    def __init__(self, index_dir: Path, name: str):
        self.name = name
        self.index = whoosh_index.open_dir(str(index_dir / name))
        try:
            built_at = gens.read_manifest(index_dir / name).get("built_at")
        except (OSError, ValueError):
            built_at = None
        self.info = IndexInfo(name, self.index.doc_count(), built_at)


def _stamp(path: Path) -> tuple | None:
    """What changes whenever the pointer file is written: gens.write_atomic replaces it (a
    new inode and new times), so an equal stamp means the same pointer."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class LiveIndex:
    """Keeps searchers open on the live generation and moves to a new one when it appears.

    Whoosh searchers hold file positions, so each thread gets its own; opening one per
    request would cost far more than the search itself.
    """

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._pointer = self.index_dir / gens.CURRENT
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._local = threading.local()
        # (pointer stamp, its generation) as last read, one tuple so threads see both or
        # neither: a stat per request instead of reading the pointer (~4 against ~20 µs).
        self._seen: tuple[tuple | None, _Generation | None] = (None, None)

    def _current(self) -> _Generation:
        stamp = _stamp(self._pointer)
        seen_stamp, seen = self._seen
        if stamp is not None and stamp == seen_stamp:
            return seen
        name = gens.read_pointer(self.index_dir)
        if name is None:
            if self._generation is not None:
                # The pointer vanished (folder wiped?): keep serving what is open.
                return self._generation
            raise IndexMissing(f"no index in {self.index_dir}; run 'seedsearch index'")
        generation = self._generation
        if generation is None or generation.name != name:
            with self._lock:
                if self._generation is None or self._generation.name != name:
                    self._generation = _Generation(self.index_dir, name)
                generation = self._generation
        self._seen = (stamp, generation)  # stamped before the read: a change is read again
        return generation

    def searcher(self) -> Searcher:
        """This thread's searcher on the live generation (related articles score with WEIGHTING)."""
        generation = self._current()
        local = self._local
        if getattr(local, "name", None) != generation.name:
            local.searcher = generation.index.searcher(weighting=WEIGHTING)
            local.name = generation.name
        return local.searcher

    def info(self) -> IndexInfo:
        return self._current().info


def warm(index_dir: Path) -> None:
    """Load what every search process needs of the live generation and keeps (did-you-mean's
    term lists), for a parent process to do before it forks its workers: they then share
    those pages rather than each reading its own copy (~9 MiB a worker at 19,000 stories)."""
    name = gens.read_pointer(Path(index_dir))
    if name is None:
        return
    try:
        index = whoosh_index.open_dir(str(Path(index_dir) / name))
    except (OSError, whoosh_index.IndexError):
        return  # unreadable: each worker reports it on its requests, as without this
    with index.reader() as reader:
        suggest.warm(reader)
