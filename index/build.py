"""Building and updating an index folder: only added, changed and removed reports are processed.

Layout of an index folder:
    CURRENT                  name of the live version (replaced atomically)
    versions/<name>/         manifest.json, chunks.sqlite, dense.faiss, bm25/
    embeddings.sqlite        embedding cache shared by all versions
    .lock                    held by the one writer at a time

An update writes a new version beside the live one and then swaps CURRENT, so killing the
process at any moment leaves the previous version loadable.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.ingest import IngestOptions, Progress, ReportFile, discover, ingest_file, page_progress
from corpus.load import IngestError
from corpus.types import Chunk, IngestedReport, Report, ReportMeta, SkippedFile
from index import dense, sparse
from index.analysis import Bm25Tokenizer, make_bm25_tokenizer
from index.cache import EmbeddingCache
from index.embedders import Embedder
from index.figures import FIGURES_FILE, update_figures
from index.layout import IndexLayout, Manifest, writer_lock
from index.store import ChunkStore
from index.types import UpdateSummary
from index.units import ChunkUnits, UnitIndex, build_units

EMBED_BATCH = 32
# Room left in the embedder's window for the context line put before each chunk.
CONTEXT_TOKEN_RESERVE = 64


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """How an index is built; a change of any of these needs a rebuild."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    dense_kind: str = "flat"
    bm25_tokenizer: str = "rjieba+bigrams"  # measured better than words alone (eval/retrieval_study.py)


def passage_text(chunk: Chunk, meta: ReportMeta) -> str:
    """What is embedded and BM25-indexed for a chunk: a context line, then the chunk's own text."""
    section = chunk.section_path.rsplit(" › ", 1)[-1] if chunk.section_path else ""
    context = " ".join(filter(None, [meta.title, section]))
    return f"{context}\n{chunk.text}"


def text_hash(text: str) -> str:
    """Content hash used as the embedding cache key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def update_index(index_dir: Path, paths: Iterable[str | Path], embedder: Embedder,
                 options: IndexOptions | None = None, rebuild: bool = False,
                 progress: Progress | None = None, exclude: Iterable[str] = ()) -> UpdateSummary:
    """Make the index at index_dir hold exactly the reports under paths (minus excluded file names)."""
    folders = [Path(p) for p in paths]
    excluded = set(exclude)
    options = options or IndexOptions()
    layout = IndexLayout(index_dir)
    started = time.perf_counter()
    with writer_lock(layout):
        wanted = Manifest.for_build(embedder, options.dense_kind, options.bm25_tokenizer,
                                    options.ingest.chunk_tokens)
        live = layout.live_version()
        old_fingerprints: dict[str, str] = {}
        if live is not None and not rebuild:
            layout.read_manifest(live).ensure_compatible(wanted, index_dir)
            old_store = ChunkStore(live / "chunks.sqlite", readonly=True)
            old_fingerprints = old_store.fingerprints()
            old_store.close()

        files, skipped = discover(folders)
        files = [f for f in files if f.source not in excluded]
        by_source = {f.source: f for f in files}
        removed = sorted(set(old_fingerprints) - set(by_source))
        todo = [f for f in files if old_fingerprints.get(f.source) != f.fingerprint]
        unchanged = sorted(s for s, f in by_source.items() if old_fingerprints.get(s) == f.fingerprint)
        if live is not None and not rebuild and not todo and not removed:
            return UpdateSummary(unchanged=tuple(unchanged), skipped=tuple(skipped), reports=len(unchanged),
                                 chunks=layout.read_manifest(live).chunks, seconds=time.perf_counter() - started)

        timings: dict[str, float] = {}
        clock = time.perf_counter()
        ingested, failed = _ingest_all(todo, options.ingest, embedder, progress)
        skipped += failed
        failed_sources = {f.path for f in failed}
        timings["ingest"] = time.perf_counter() - clock
        # A changed file that now fails keeps its previous version in the index: nothing is lost.
        replaced = [item.report.source for item in ingested if item.report.source in old_fingerprints]
        added = [item.report.source for item in ingested if item.report.source not in old_fingerprints]
        kept_failures = [f.source for f in todo if str(f.path) in failed_sources and f.source in old_fingerprints]

        version = layout.new_version()
        store_path = version / "chunks.sqlite"
        if live is not None and not rebuild:
            shutil.copyfile(live / "chunks.sqlite", store_path)
        store = ChunkStore(store_path)
        stale_rows = store.remove_reports([*removed, *replaced])

        clock = time.perf_counter()
        cache = EmbeddingCache(layout.cache_path)
        tokenizer = make_bm25_tokenizer(options.bm25_tokenizer)
        new_rows, new_vectors, embedded, timings["tokenize"] = _store_and_embed(
            store, ingested, embedder, cache, tokenizer, progress)
        timings["embed"] = time.perf_counter() - clock - timings["tokenize"]
        store.commit()

        clock = time.perf_counter()
        rows = store.tokens_and_hashes()
        if live is not None and not rebuild and dense.supports_removal(options.dense_kind):
            faiss_index = dense.load(live / "dense.faiss")
            dense.remove(faiss_index, stale_rows)
            dense.add(faiss_index, new_rows, new_vectors)
        else:
            faiss_index = dense.new_index(options.dense_kind, embedder.dim)
            cached = cache.get_many(embedder.model_id, (h for _, h, _ in rows), embedder.dim)
            all_vectors = np.stack([cached[h] for _, h, _ in rows]) if rows else np.zeros((0, embedder.dim))
            dense.add(faiss_index, [r for r, _, _ in rows], all_vectors)
        dense.save(faiss_index, version / "dense.faiss")
        timings["dense"] = time.perf_counter() - clock
        cache.close()

        clock = time.perf_counter()
        bm25 = sparse.build([tokens for _, _, tokens in rows])
        sparse.save(bm25, np.asarray([r for r, _, _ in rows]), version / "bm25")
        timings["bm25"] = time.perf_counter() - clock

        clock = time.perf_counter()
        unit_index(store).save(version)
        timings["units"] = time.perf_counter() - clock

        clock = time.perf_counter()
        _write_figures(version, live if not rebuild else None, store, [*removed, *replaced],
                       [item.report for item in ingested])
        timings["figures"] = time.perf_counter() - clock

        reports = store.fingerprints()
        store.close()
        manifest = wanted.with_corpus(reports, chunks=len(rows), paths=tuple(str(p.resolve()) for p in folders))
        layout.publish(version, manifest)
        return UpdateSummary(
            added=tuple(sorted(added)), changed=tuple(sorted(replaced)), removed=tuple(removed),
            unchanged=tuple(sorted([*unchanged, *kept_failures])), skipped=tuple(skipped),
            warnings=tuple(w for item in ingested for w in item.warnings), reports=len(reports),
            chunks=len(rows), embedded=embedded, seconds=time.perf_counter() - started, timings=timings)


def _write_figures(version: Path, live: Path | None, store: ChunkStore, stale: Sequence[str],
                   fresh: Sequence[Report]) -> None:
    """The figure table of the new version; a live version built before figures existed is extracted whole."""
    previous = live / FIGURES_FILE if live is not None else None
    if previous is not None and previous.exists():
        update_figures(version / FIGURES_FILE, previous, stale, fresh)
        return
    everything = [r for r in (store.report(s) for s in store.sources()) if r is not None]
    update_figures(version / FIGURES_FILE, None, (), everything)


def unit_index(store: ChunkStore) -> UnitIndex:
    """The evidence units of every stored report (sentences, statistics) for answering."""
    reports = [r for r in (store.report(s) for s in store.sources()) if r is not None]
    chunks = [ChunkUnits(c.row_id, c.chunk.source, c.chunk.section_id, c.chunk.sentence_spans)
              for c in store.all_chunks()]
    return build_units(reports, chunks)


def _ingest_all(files: Sequence[ReportFile], options: IngestOptions, embedder: Embedder,
                progress: Progress | None) -> tuple[list[IngestedReport], list[SkippedFile]]:
    guards = [(embedder.count_tokens, embedder.max_tokens - CONTEXT_TOKEN_RESERVE)]
    ingested: list[IngestedReport] = []
    failed: list[SkippedFile] = []
    on_page = page_progress(progress)
    for done, file in enumerate(files, start=1):
        try:
            ingested.append(ingest_file(file, options, guards, on_page))
        except IngestError as exc:
            failed.append(SkippedFile(exc.path, exc.reason))
        if progress:
            progress("reports", done, len(files))
    return ingested, failed


def _store_and_embed(store: ChunkStore, ingested: Sequence[IngestedReport], embedder: Embedder,
                     cache: EmbeddingCache, tokenizer: Bm25Tokenizer,
                     progress: Progress | None) -> tuple[list[int], np.ndarray, int, float]:
    """Insert reports and chunks with fresh row ids; embed only passages the cache lacks.

    Returns the new row ids, their vectors, how many passages were embedded and the BM25 tokenizing time.
    """
    tokenize_s = 0.0
    next_row = store.next_row_id()
    row_ids: list[int] = []
    hashes: list[str] = []
    texts: dict[str, str] = {}
    for item in ingested:
        passages = [passage_text(c, item.report.meta) for c in item.chunks]
        report_hashes = [text_hash(p) for p in passages]
        report_rows = list(range(next_row, next_row + len(passages)))
        next_row += len(passages)
        clock = time.perf_counter()
        tokens = [tokenizer.tokenize(p) for p in passages]
        tokenize_s += time.perf_counter() - clock
        store.add_report(item.report, item.chunks, report_rows, report_hashes, tokens)
        row_ids += report_rows
        hashes += report_hashes
        texts.update(zip(report_hashes, passages, strict=True))
    cached = cache.get_many(embedder.model_id, hashes, embedder.dim)
    missing = [h for h in texts if h not in cached]
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start:start + EMBED_BATCH]
        vectors = embedder.embed_passages([texts[h] for h in batch])
        cache.put_many(embedder.model_id, batch, vectors)
        cached.update(zip(batch, vectors, strict=True))
        if progress:
            progress("chunks", min(start + EMBED_BATCH, len(missing)), len(missing))
    vectors = np.stack([cached[h] for h in hashes]) if hashes else np.zeros((0, embedder.dim), dtype=np.float32)
    return row_ids, vectors, len(missing), tokenize_s
