"""The chunk store (SQLite): reports with their canonical text and sections, chunks with offsets."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

from corpus.types import Chunk, Report, ReportMeta, Section
from index.types import IndexedChunk

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    source TEXT PRIMARY KEY, path TEXT NOT NULL, fingerprint TEXT NOT NULL, file_format TEXT NOT NULL,
    text TEXT NOT NULL, meta TEXT NOT NULL, sections TEXT NOT NULL, pages TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    row_id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL REFERENCES reports(source), ordinal INTEGER NOT NULL, text TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, section_id INTEGER NOT NULL, section_path TEXT NOT NULL,
    section_kind TEXT NOT NULL, sentence_spans TEXT NOT NULL, n_tokens INTEGER NOT NULL,
    embed_hash TEXT NOT NULL, bm25_tokens TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_source ON chunks(source);
"""


_CHUNK_COLUMNS = ('row_id, chunk_id, source, ordinal, text, start, "end", section_id, section_path, section_kind, '
                  "sentence_spans, n_tokens")


def connect(path: Path, readonly: bool, schema: str) -> sqlite3.Connection:
    """An index version's SQLite file: read-only, or writable with its schema created if missing."""
    if readonly:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    db = sqlite3.connect(path, check_same_thread=False)
    db.executescript(schema)
    return db


class ChunkStore:
    """One SQLite file of an index version."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = path
        self._db = connect(path, readonly, _SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def fingerprints(self) -> dict[str, str]:
        """Report file name -> fingerprint of every stored report."""
        return dict(self._db.execute("SELECT source, fingerprint FROM reports"))

    def next_row_id(self) -> int:
        """The id above every stored row's (a removed report that held the top ids leaves them to be given out
        again; a replaced report's new rows come after its old ones, which are removed as it is stored)."""
        (top,) = self._db.execute("SELECT COALESCE(MAX(row_id), -1) FROM chunks").fetchone()
        return int(top) + 1

    def remove_reports(self, sources: Iterable[str]) -> list[int]:
        """Delete reports and their chunks; returns the removed chunk row ids."""
        removed: list[int] = []
        for source in sources:
            removed += [r for (r,) in self._db.execute("SELECT row_id FROM chunks WHERE source = ?", (source,))]
            self._db.execute("DELETE FROM chunks WHERE source = ?", (source,))
            self._db.execute("DELETE FROM reports WHERE source = ?", (source,))
        return removed

    def add_report(self, report: Report, chunks: Sequence[Chunk], row_ids: Sequence[int],
                   embed_hashes: Sequence[str], bm25_tokens: Sequence[str]) -> None:
        """Insert one report and its chunks; bm25_tokens holds each chunk's tokens joined by spaces."""
        self._db.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (report.source, report.path, report.content_hash, report.file_format, report.text,
             json.dumps(asdict(report.meta), ensure_ascii=False),
             json.dumps([asdict(s) for s in report.sections], ensure_ascii=False), json.dumps(report.pages)))
        self._db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(row_id, c.chunk_id, c.source, c.ordinal, c.text, c.start, c.end, c.section_id, c.section_path,
              c.section_kind, json.dumps(c.sentence_spans), c.n_tokens, embed_hash, tokens)
             for c, row_id, embed_hash, tokens in zip(chunks, row_ids, embed_hashes, bm25_tokens, strict=True)])

    def commit(self) -> None:
        """Make the changes durable."""
        self._db.commit()

    def iter_chunks(self) -> Iterator[IndexedChunk]:
        """Every chunk with its report metadata, by row id, one at a time."""
        metas = self.report_metas()
        for row in self._db.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks ORDER BY row_id"):
            yield _indexed_chunk(row, metas)

    def chunks(self, row_ids: Sequence[int], metas: dict[str, ReportMeta]) -> list[IndexedChunk]:
        """The chunks of these row ids (unknown ones left out), by row id, read in one query."""
        marks = ", ".join("?" * len(row_ids))
        rows = self._db.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE row_id IN ({marks}) ORDER BY row_id",
                                [int(r) for r in row_ids]).fetchall()
        return [_indexed_chunk(row, metas) for row in rows]

    def report_metas(self) -> dict[str, ReportMeta]:
        """Report file name -> metadata of every stored report."""
        return {source: ReportMeta(**json.loads(meta))
                for source, meta in self._db.execute("SELECT source, meta FROM reports")}

    def chunk_offsets(self) -> list[tuple[int, str, int, int, str]]:
        """(row id, report file name, start, end, section kind) of every chunk, by row id."""
        return self._db.execute('SELECT row_id, source, start, "end", section_kind FROM chunks ORDER BY row_id'
                                ).fetchall()

    def row_hashes(self) -> list[tuple[int, str]]:
        """(row id, embedding hash) of every chunk, by row id."""
        return list(self._db.execute("SELECT row_id, embed_hash FROM chunks ORDER BY row_id"))

    def iter_tokens(self) -> Iterator[tuple[int, list[str]]]:
        """(row id, BM25 tokens) of every chunk, by row id, one at a time (a large corpus's tokens never all
        sit in memory as strings)."""
        for row_id, tokens in self._db.execute("SELECT row_id, bm25_tokens FROM chunks ORDER BY row_id"):
            yield row_id, tokens.split(" ") if tokens else []

    def tokens_and_hashes(self) -> list[tuple[int, str, list[str]]]:
        """(row id, embedding hash, BM25 tokens) of every chunk, by row id."""
        return [(row_id, embed_hash, tokens.split(" ") if tokens else [])
                for row_id, embed_hash, tokens in
                self._db.execute("SELECT row_id, embed_hash, bm25_tokens FROM chunks ORDER BY row_id")]

    def sentence_spans(self, source: str) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
        """(row id, section id, sentence spans) of a report's chunks, by row id."""
        return [(row_id, section_id, tuple(map(tuple, json.loads(spans)))) for row_id, section_id, spans in
                self._db.execute("SELECT row_id, section_id, sentence_spans FROM chunks WHERE source = ? "
                                 "ORDER BY row_id", (source,))]

    def report(self, source: str) -> Report | None:
        """A stored report with its canonical text and section tree."""
        row = self._db.execute("SELECT source, path, fingerprint, file_format, text, meta, sections, pages "
                               "FROM reports WHERE source = ?", (source,)).fetchone()
        if row is None:
            return None
        source, path, fingerprint, file_format, text, meta, sections, pages = row
        parsed = tuple(Section(**{**s, "labels": tuple(s["labels"])}) for s in json.loads(sections))
        return Report(source, path, file_format, text, fingerprint, ReportMeta(**json.loads(meta)), parsed,
                      tuple(json.loads(pages)))

    def page_starts(self, sources: Sequence[str]) -> dict[str, tuple[int, ...]]:
        """Where the pages of these reports start in their texts (empty for a report without pages; unknown
        reports left out)."""
        marks = ", ".join("?" * len(sources))
        rows = self._db.execute(f"SELECT source, pages FROM reports WHERE source IN ({marks})", list(sources))
        return {source: tuple(json.loads(pages)) for source, pages in rows}

    def sources(self) -> list[str]:
        """File names of every stored report."""
        return [s for (s,) in self._db.execute("SELECT source FROM reports ORDER BY source")]


def _indexed_chunk(row: tuple, metas: dict[str, ReportMeta]) -> IndexedChunk:
    row_id, chunk_id, source, ordinal, text, start, end, section_id, section_path, section_kind, spans, n_tokens = row
    chunk = Chunk(chunk_id, source, ordinal, text, start, end, section_id, section_path, section_kind,
                  tuple(map(tuple, json.loads(spans))), n_tokens)
    return IndexedChunk(row_id, chunk, metas[source])
