"""WhooshBackend: today's Whoosh index (generations in a folder) behind the backend seam."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import generations as gens
from ..build import BuildReport, CheckReport, build_index, check_index
from ..config import SearchConfig
from ..document import Document
from ..live import IndexInfo, LiveIndex, warm
from ..related import related
from ..search import Hit, SearchRequest, SearchResponse, get_document, search


class WhooshBackend:
    """The index in `index_dir`, read through one LiveIndex (its searchers stay open)."""

    kind = "whoosh"

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.live = LiveIndex(self.index_dir)

    def search(self, request: SearchRequest, limits: SearchConfig) -> SearchResponse:
        return search(self.live.searcher(), request, limits)

    def document(self, doc_id: str) -> Document | None:
        return get_document(self.live.searcher(), doc_id)

    def related(self, doc_id: str, n: int = 5) -> list[Hit]:
        return related(self.live.searcher(), doc_id, n=n)

    def info(self) -> IndexInfo:
        return self.live.info()

    def has_index(self) -> bool:
        return gens.read_pointer(self.index_dir) is not None

    def build(
        self, corpus_dir: Path, *, full: bool = False, progress: Callable | None = None
    ) -> BuildReport:
        return build_index(corpus_dir, self.index_dir, full=full, progress=progress)

    def rollback(self) -> tuple[str, str | None]:
        with gens.build_lock(self.index_dir):
            was = gens.read_pointer(self.index_dir)
            return gens.rollback(self.index_dir), was

    def check(self, corpus_dir: Path) -> CheckReport:
        return check_index(corpus_dir, self.index_dir)

    def warm(self) -> None:
        warm(self.index_dir)
