"""The chunks of an open index version, read from its chunk store on demand.

Building every chunk as an object when an index opens took longer than the rest of opening it at 1000
reports, and held them all in memory, while an answer reads a few hundred. Opening now reads the row
ids, reports, offsets and section kinds of the chunks into arrays; a chunk's text, section and sentences
are read when it is asked for, and the most recent ones are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import ItemsView, Iterator, Mapping, Sequence, ValuesView

import numpy as np

from corpus.types import ReportMeta
from index.store import ChunkStore
from index.types import IndexedChunk

CACHE_SIZE = 4096  # chunks kept: more than one answer reads (a listing answer: about 2,000)
_READ_BATCH = 500  # row ids per query, well inside SQLite's limit on parameters


class ChunkView(Mapping[int, IndexedChunk]):
    """Row id -> IndexedChunk of one chunk store, in row id order; safe to share between threads."""

    def __init__(self, store: ChunkStore, cache_size: int = CACHE_SIZE) -> None:
        self._store = store
        self._cache_size = cache_size
        self._cache: OrderedDict[int, IndexedChunk] = OrderedDict()
        self._lock = threading.Lock()
        offsets = store.chunk_offsets()
        self.rows = np.fromiter((r[0] for r in offsets), dtype=np.int64, count=len(offsets))
        names: dict[str, int] = {}
        self._source_ids = np.fromiter((names.setdefault(r[1], len(names)) for r in offsets), dtype=np.int32,
                                       count=len(offsets))
        self._starts = np.fromiter((r[2] for r in offsets), dtype=np.int64, count=len(offsets))
        self._ends = np.fromiter((r[3] for r in offsets), dtype=np.int64, count=len(offsets))
        kinds: dict[str, int] = {}
        self._kind_ids = np.fromiter((kinds.setdefault(r[4], len(kinds)) for r in offsets), dtype=np.int32,
                                     count=len(offsets))
        self._kinds = list(kinds)
        self._sources = list(names)  # in the order of each report's first chunk
        all_metas = store.report_metas()
        self.metas: dict[str, ReportMeta] = {source: all_metas[source] for source in self._sources}
        by_source = np.argsort(self._source_ids, kind="stable")  # positions grouped by report, rows ascending
        bounds = np.searchsorted(self._source_ids[by_source], np.arange(len(self._sources) + 1))
        self._positions = {source: by_source[bounds[i]:bounds[i + 1]] for i, source in enumerate(self._sources)}

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[int]:
        return iter(self.rows.tolist())

    def __contains__(self, row: object) -> bool:
        return isinstance(row, int | np.integer) and self._position(int(row)) is not None

    def __getitem__(self, row: int) -> IndexedChunk:
        return self.many([row])[0]

    def many(self, rows: Sequence[int]) -> list[IndexedChunk]:
        """The chunks of these rows, in the order given; those not kept are read in one query per 500."""
        wanted = [int(row) for row in rows]
        with self._lock:
            found = {row: self._cache[row] for row in wanted if row in self._cache}
            for row in found:
                self._cache.move_to_end(row)
        missing = sorted(set(wanted) - found.keys())
        self._positions_of(missing)  # KeyError for a row not in this version
        for start in range(0, len(missing), _READ_BATCH):
            items = self._store.chunks(missing[start:start + _READ_BATCH], self.metas)
            found.update((item.row_id, item) for item in items)
            with self._lock:
                for item in items:
                    self._cache[item.row_id] = item
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return [found[row] for row in wanted]

    def items(self) -> ItemsView[int, IndexedChunk]:
        """(row id, chunk) of every chunk in row id order, streamed from the store when iterated."""
        return _StreamedItems(self)

    def values(self) -> ValuesView[IndexedChunk]:
        """Every chunk in row id order, streamed from the store when iterated."""
        return _StreamedValues(self)

    def stream(self) -> Iterator[IndexedChunk]:
        """Every chunk in row id order, read in one pass (none is kept)."""
        return self._store.iter_chunks()

    def sources(self, rows: Sequence[int]) -> list[str]:
        """The report file name of each chunk, without reading the chunks."""
        return [self._sources[s] for s in self._source_ids[self._positions_of(rows)]]

    def section_kinds(self, rows: Sequence[int]) -> list[str]:
        """The section kind of each chunk, without reading the chunks."""
        return [self._kinds[k] for k in self._kind_ids[self._positions_of(rows)]]

    def rows_of(self, source: str) -> list[int]:
        """Row ids of a report's chunks, ascending (empty for a report without chunks)."""
        positions = self._positions.get(source)
        return [] if positions is None else self.rows[positions].tolist()

    def row_at(self, source: str, offset: int) -> int | None:
        """The first chunk of a report (by row id) whose text holds a character offset of the report, or None."""
        positions = self._positions.get(source)
        if positions is None:
            return None
        holding = positions[(self._starts[positions] <= offset) & (offset < self._ends[positions])]
        return int(self.rows[holding[0]]) if len(holding) else None

    def _positions_of(self, rows: Sequence[int]) -> np.ndarray:
        """Array positions of row ids; KeyError if any is not in this version."""
        wanted = np.asarray(rows, dtype=np.int64)
        positions = np.minimum(np.searchsorted(self.rows, wanted), max(len(self.rows) - 1, 0))
        if len(wanted) and (not len(self.rows) or np.any(self.rows[positions] != wanted)):
            raise KeyError(f"rows not in this index: {sorted(set(wanted.tolist()) - set(self.rows.tolist()))}")
        return positions

    def _position(self, row: int) -> int | None:
        position = int(np.searchsorted(self.rows, row))
        return position if position < len(self.rows) and self.rows[position] == row else None


class _StreamedItems(ItemsView[int, IndexedChunk]):
    """A whole-table pass instead of one read per row."""

    _mapping: ChunkView

    def __iter__(self) -> Iterator[tuple[int, IndexedChunk]]:
        return ((item.row_id, item) for item in self._mapping.stream())


class _StreamedValues(ValuesView[IndexedChunk]):
    """A whole-table pass instead of one read per row."""

    _mapping: ChunkView

    def __iter__(self) -> Iterator[IndexedChunk]:
        return self._mapping.stream()
