"""Building and updating an index folder: only added, changed and removed reports are processed.

Layout of an index folder (for a Milvus store: its own folder under <index>/stores/, see index.stores):
    CURRENT                  name of the live version (replaced atomically)
    versions/<name>/         manifest.json, chunks.sqlite, dense.faiss, bm25/, units.*, unit_vectors.npy
    embeddings.sqlite        embedding cache shared by all versions
    .lock                    held by the one writer at a time

An update writes a new version beside the live one and then swaps CURRENT, so killing the
process at any moment leaves the previous version loadable.

Indexing is progressive: the first version published holds the text, BM25 and the evidence units
(searchable and answerable at once) plus whatever vectors the cache already has; `complete_vectors`
then embeds the rest (chunks and units, shortest first, identical texts once, each batch saved to the
cache as it is done, so a stopped run resumes where it was) and publishes the version with every vector.

With a Milvus store the dense vectors and BM25 live in a collection instead of dense.faiss and bm25/,
and chunks are embedded before the version is published (see index.milvus_build).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from corpus.ingest import IngestOptions, Progress, ReportFile, discover
from corpus.types import IngestWarning, SkippedFile
from index import dense, sparse
from index.analysis import Bm25Tokenizer, make_bm25_tokenizer
from index.cache import EmbeddingCache
from index.embedders import Embedder
from index.figures import FIGURES_FILE, FigureRow, report_figures, update_figures
from index.layout import IndexLayout, Manifest, writer_lock
from index.parallel import EmbedWorkers, embed_batches
from index.passages import passage_text, text_hash
from index.prepare import PreparedReport, PrepareOptions, bm25_line, iter_prepared
from index.row_file import write_rows
from index.search import UNIT_VECTORS
from index.store import ChunkStore
from index.stores import StoreSpec
from index.types import UpdateSummary
from index.units import ChunkUnits, UnitIndex, build_units

if TYPE_CHECKING:
    from index.milvus_build import CollectionSync

EMBED_BATCH = 32
VECTOR_BATCH = 5000  # vectors read from the cache at a time when a version's dense files are written
# Room left in the embedder's window for the context line put before each chunk.
CONTEXT_TOKEN_RESERVE = 64


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """How an index is built; a change of any of these needs a rebuild."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    dense_kind: str = "flat"
    bm25_tokenizer: str = "rjieba+bigrams"  # measured better than words alone (eval/retrieval_study.py)


def update_index(index_dir: Path, paths: Iterable[str | Path], embedder: Embedder,
                 options: IndexOptions | None = None, rebuild: bool = False,
                 progress: Progress | None = None, exclude: Iterable[str] = (), vectors: bool = True,
                 on_searchable: Callable[[UpdateSummary], None] | None = None, store: StoreSpec | None = None,
                 workers: EmbedWorkers | None = None) -> UpdateSummary:
    """Make the index at index_dir hold exactly the reports under paths (minus excluded file names).

    The text stage is published first (on_searchable is called then); with vectors False the embedding
    stage is left to a later `complete_vectors` (the web app runs it in the background). store picks where
    dense and BM25 search run (local files by default, or a Milvus collection, built in one stage);
    workers embeds on several processes.
    """
    if store is not None and store.kind == "milvus":
        return _update_milvus(index_dir, paths, embedder, options, rebuild, progress, exclude, store, workers)
    summary = _update_text(index_dir, paths, embedder, options, rebuild, progress, exclude)
    if on_searchable:
        on_searchable(summary)
    if not vectors or not summary.pending_vectors:
        return summary
    done = complete_vectors(index_dir, embedder, progress, workers)
    return replace(summary, embedded=summary.embedded + done.embedded, embedded_units=done.embedded_units,
                   pending_vectors=done.pending_vectors, seconds=summary.seconds + done.seconds,
                   timings={**summary.timings, **done.timings})


def _update_text(index_dir: Path, paths: Iterable[str | Path], embedder: Embedder, options: IndexOptions | None,
                 rebuild: bool, progress: Progress | None, exclude: Iterable[str]) -> UpdateSummary:
    """The text stage: ingest what changed, store it, BM25 and units; dense from cached vectors only."""
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

        skipped, removed, todo, unchanged = _compare(folders, excluded, old_fingerprints)
        if live is not None and not rebuild and not todo and not removed:
            manifest = layout.read_manifest(live)
            return UpdateSummary(unchanged=tuple(unchanged), skipped=tuple(skipped), reports=len(unchanged),
                                 chunks=manifest.chunks, pending_vectors=manifest.pending_vectors,
                                 seconds=time.perf_counter() - started)

        timings: dict[str, float] = {}
        version, store, _ = _next_version(layout, None if rebuild else live, removed)
        try:
            stored = _prepare_and_store(store, todo, options, embedder, progress, old_fingerprints, timings)
        except BaseException:  # a bug, a worker error, Ctrl-C: the unpublished version is left closed
            store.close()
            raise
        store.commit()
        skipped += stored.failed
        kept_failures = _kept_failures(todo, stored.failed, old_fingerprints)

        clock = time.perf_counter()
        _write_figures(version, live if not rebuild else None, store, [*removed, *stored.replaced], stored.figures)
        stored.figures.clear()  # written: not held while the BM25 and unit indexes are built
        timings["figures"] = time.perf_counter() - clock

        clock = time.perf_counter()
        bm25_rows = _write_bm25(version, store)
        timings["bm25"] = time.perf_counter() - clock

        clock = time.perf_counter()
        unit_texts = _write_units(version, store)
        timings["units"] = time.perf_counter() - clock

        clock = time.perf_counter()
        cache = EmbeddingCache(layout.cache_path)
        pending = _write_vectors(version, store, unit_texts, embedder, cache, options.dense_kind)
        cache.close()
        timings["dense"] = time.perf_counter() - clock

        reports = store.fingerprints()
        store.close()
        manifest = wanted.with_corpus(reports, chunks=len(bm25_rows), paths=tuple(str(p.resolve()) for p in folders))
        layout.publish(version, replace(manifest, pending_vectors=pending))
        return UpdateSummary(
            added=tuple(sorted(stored.added)), changed=tuple(sorted(stored.replaced)), removed=tuple(removed),
            unchanged=tuple(sorted([*unchanged, *kept_failures])), skipped=tuple(skipped),
            warnings=tuple(stored.warnings), reports=len(reports), chunks=len(bm25_rows), pending_vectors=pending,
            seconds=time.perf_counter() - started, timings=timings)


def complete_vectors(index_dir: Path, embedder: Embedder, progress: Progress | None = None,
                     workers: EmbedWorkers | None = None) -> UpdateSummary:
    """Embed the live version's missing chunk and unit vectors and publish the version holding them all.

    Embedding runs outside the writer lock (updates are not held up; finished batches are kept in the
    cache, so stopping and re-running loses no work); if an update published meanwhile, its texts are
    embedded in turn before the vectors are published.
    """
    layout = IndexLayout(index_dir)
    started = time.perf_counter()
    embedded = embedded_units = 0
    timings: dict[str, float] = {"embed": 0.0, "dense": 0.0}
    for _round in range(5):
        live = layout.live_version()
        if live is None:
            return UpdateSummary()
        manifest = layout.read_manifest(live)
        if not manifest.pending_vectors:
            break
        clock = time.perf_counter()
        cache = EmbeddingCache(layout.cache_path)
        # Each kind's texts are read for its own pass only: none is held while the vectors are published.
        embedded += embed_missing(_distinct_passages(live), embedder, cache, progress, "chunks", workers)
        embedded_units += embed_missing(_distinct_unit_texts(live), embedder, cache, progress, "units", workers)
        timings["embed"] += time.perf_counter() - clock
        clock = time.perf_counter()
        with writer_lock(layout):
            if layout.live_version() == live:
                _publish_vectors(layout, live, manifest, embedder, cache)
        cache.close()
        timings["dense"] += time.perf_counter() - clock
    live = layout.live_version()
    final = layout.read_manifest(live) if live else manifest
    return UpdateSummary(reports=final.reports, chunks=final.chunks, embedded=embedded, embedded_units=embedded_units,
                         pending_vectors=final.pending_vectors, seconds=time.perf_counter() - started, timings=timings)


def _distinct_passages(version: Path) -> dict[str, str]:
    """The passage text of every chunk of a version, by text hash (identical passages once)."""
    store = ChunkStore(version / "chunks.sqlite", readonly=True)
    try:
        return {text_hash(p): p for p in (passage_text(c.chunk, c.meta) for c in store.iter_chunks())}
    finally:
        store.close()


def _distinct_unit_texts(version: Path) -> dict[str, str]:
    """The text of every evidence unit of a version, by text hash (identical sentences once)."""
    return {text_hash(t): t for t in UnitIndex.load(version).texts}


def _publish_vectors(layout: IndexLayout, live: Path, manifest: Manifest, embedder: Embedder,
                     cache: EmbeddingCache) -> None:
    """A copy of the live version with its dense index and unit vectors rebuilt from the cache."""
    version = layout.new_version()
    for name in ("chunks.sqlite", "units.npz", "units.json", FIGURES_FILE):
        if (live / name).exists():
            shutil.copyfile(live / name, version / name)
    shutil.copytree(live / "bm25", version / "bm25")
    store = ChunkStore(version / "chunks.sqlite", readonly=True)
    pending = _write_vectors(version, store, UnitIndex.load(version).texts, embedder, cache,
                             manifest.dense_kind)
    store.close()
    layout.publish(version, replace(manifest, pending_vectors=pending))


def embed_missing(texts: dict[str, str], embedder: Embedder, cache: EmbeddingCache,
                  progress: Progress | None = None, stage: str = "chunks", workers: EmbedWorkers | None = None) -> int:
    """Embed the texts (hash -> text) the cache lacks, shortest first (batches of like length pad least),
    saving each batch as it is done (on several processes with workers). Returns how many were embedded."""
    cached = cache.contains(embedder.model_id, texts)
    missing = sorted((h for h in texts if h not in cached), key=lambda h: len(texts[h]))
    batches = [missing[start:start + EMBED_BATCH] for start in range(0, len(missing), EMBED_BATCH)]
    done = 0
    for batch, vectors in zip(batches, embed_batches(embedder, [[texts[h] for h in b] for b in batches], workers),
                              strict=True):
        cache.put_many(embedder.model_id, batch, vectors)
        done += len(batch)
        if progress:
            progress(stage, done, len(missing))
    return len(missing)


def _write_vectors(version: Path, store: ChunkStore, unit_texts: Sequence[str], embedder: Embedder,
                   cache: EmbeddingCache, dense_kind: str) -> int:
    """dense.faiss over the chunks whose vectors are cached, unit_vectors.npy when every unit has one.

    Returns how many chunk and unit vectors are still missing.
    """
    # The FAISS index (70 MB at 1000 reports) is freed before the unit vectors are read.
    missing = _write_dense(version, store, embedder, cache, dense_kind)
    return missing + _write_unit_vectors(version, unit_texts, embedder, cache)


def _write_dense(version: Path, store: ChunkStore, embedder: Embedder, cache: EmbeddingCache, dense_kind: str) -> int:
    """dense.faiss over the chunks whose vectors are cached; returns how many chunks have none.

    Vectors are read from the cache VECTOR_BATCH at a time, so memory stays flat however large the corpus.
    """
    rows = store.row_hashes()
    faiss_index = dense.new_index(dense_kind, embedder.dim)
    missing = 0
    for start in range(0, len(rows), VECTOR_BATCH):
        batch = rows[start:start + VECTOR_BATCH]
        cached = cache.get_many(embedder.model_id, (h for _, h in batch), embedder.dim)
        present = [(row, h) for row, h in batch if h in cached]
        missing += len(batch) - len(present)
        if present:
            dense.add(faiss_index, [row for row, _ in present], np.stack([cached[h] for _, h in present]))
    dense.save(faiss_index, version / "dense.faiss")
    return missing


def _write_unit_vectors(version: Path, unit_texts: Sequence[str], embedder: Embedder, cache: EmbeddingCache) -> int:
    """unit_vectors.npy (float16) when the cache holds every unit's vector; returns how many are missing.

    Which vectors the cache holds is asked first, so a version still missing some reads none; the file is
    written VECTOR_BATCH rows at a time, never held whole (98 MB at 1000 reports).
    """
    unit_hashes = [text_hash(t) for t in unit_texts]
    held = cache.contains(embedder.model_id, unit_hashes)
    missing = sum(h not in held for h in unit_hashes)
    if missing:
        return missing

    def blocks() -> Iterator[np.ndarray]:
        for start in range(0, len(unit_hashes), VECTOR_BATCH):
            batch = unit_hashes[start:start + VECTOR_BATCH]
            cached = cache.get_many(embedder.model_id, batch, embedder.dim)
            yield np.stack([cached[h] for h in batch]).astype(np.float16)

    write_rows(version / UNIT_VECTORS, (len(unit_hashes), embedder.dim), np.float16, blocks())
    return 0


def _write_figures(version: Path, live: Path | None, store: ChunkStore, stale: Sequence[str],
                   fresh: Sequence[FigureRow]) -> None:
    """The figure table of the new version: the live one's minus stale reports, plus fresh (the figures of the
    reports just ingested); a live version built before figures existed is extracted whole."""
    previous = live / FIGURES_FILE if live is not None else None
    if previous is None:  # every stored report was just ingested: their rows go in as the store lists them
        update_figures(version / FIGURES_FILE, None, (), sorted(fresh, key=lambda row: row.source))
    elif previous.exists():
        update_figures(version / FIGURES_FILE, previous, stale, fresh)
    else:
        everything = (r for r in (store.report(s) for s in store.sources()) if r is not None)
        update_figures(version / FIGURES_FILE, None, (), (row for r in everything for row in report_figures(r)))


def _write_bm25(version: Path, store: ChunkStore) -> np.ndarray:
    """The BM25 index of every stored chunk, saved (and not kept); returns the row id of each position."""
    bm25, rows = sparse.build(store.iter_tokens())
    sparse.save(bm25, rows, version / "bm25")
    return rows


def _write_units(version: Path, store: ChunkStore) -> list[str]:
    """The unit index of every stored report, saved (and not kept: it is the text stage's largest object);
    returns the unit texts, which are embedded next."""
    units = unit_index(store)
    units.save(version)
    return units.texts


def unit_index(store: ChunkStore) -> UnitIndex:
    """The evidence units of every stored report (sentences, statistics) for answering."""
    stored = ((store.report(source), store.sentence_spans(source)) for source in store.sources())
    return build_units((report, [ChunkUnits(*chunk) for chunk in chunks])
                       for report, chunks in stored if report is not None)


def _compare(folders: Sequence[Path], excluded: set[str], old_fingerprints: dict[str, str]
             ) -> tuple[list[SkippedFile], list[str], list[ReportFile], list[str]]:
    """The files under folders against the live version: skipped files, removed sources, files to ingest
    (added or changed) and unchanged sources."""
    files, skipped = discover(folders)
    files = [f for f in files if f.source not in excluded]
    by_source = {f.source: f for f in files}
    removed = sorted(set(old_fingerprints) - set(by_source))
    todo = [f for f in files if old_fingerprints.get(f.source) != f.fingerprint]
    unchanged = sorted(s for s, f in by_source.items() if old_fingerprints.get(s) == f.fingerprint)
    return list(skipped), removed, todo, unchanged


def _next_version(layout: IndexLayout, base: Path | None, dropped: Sequence[str]
                  ) -> tuple[Path, ChunkStore, list[int]]:
    """A new version folder whose chunk store starts as base's (empty without one), the dropped reports
    removed; returns the folder, the open store and the rows removed."""
    version = layout.new_version()
    store_path = version / "chunks.sqlite"
    if base is not None:
        shutil.copyfile(base / "chunks.sqlite", store_path)
    store = ChunkStore(store_path)
    return version, store, store.remove_reports(dropped)


def _outcome(prepared: Sequence[PreparedReport], failed: Sequence[SkippedFile], todo: Sequence[ReportFile],
             old_fingerprints: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """Replaced and added sources, and changed files that now fail: those keep their previous version in the
    index (nothing is lost)."""
    sources = [item.ingested.report.source for item in prepared]
    replaced = [source for source in sources if source in old_fingerprints]
    added = [source for source in sources if source not in old_fingerprints]
    return replaced, added, _kept_failures(todo, failed, old_fingerprints)


def _kept_failures(todo: Sequence[ReportFile], failed: Sequence[SkippedFile], old_fingerprints: dict[str, str]
                   ) -> list[str]:
    """Changed files that now fail to ingest: they keep their previous version in the index."""
    failed_paths = {f.path for f in failed}
    return [f.source for f in todo if str(f.path) in failed_paths and f.source in old_fingerprints]


def _ingest_all(files: Sequence[ReportFile], options: IndexOptions, embedder: Embedder, progress: Progress | None,
                timings: dict[str, float]) -> tuple[list[PreparedReport], list[SkippedFile]]:
    """Every file ingested, its passages hashed and BM25-tokenized and its figures extracted, or skipped with its
    reason, both in file order; the time taken goes into timings["ingest"]."""
    started = time.perf_counter()
    preparation = PrepareOptions(options.ingest, options.bm25_tokenizer, embedder.max_tokens - CONTEXT_TOKEN_RESERVE)
    results = list(iter_prepared(files, preparation, embedder, progress))
    timings["ingest"] = time.perf_counter() - started
    return ([r for r in results if isinstance(r, PreparedReport)], [r for r in results if isinstance(r, SkippedFile)])


@dataclass(slots=True)
class _Stored:
    """What storing the prepared files came to."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # changed reports, their previous version removed
    failed: list[SkippedFile] = field(default_factory=list)
    figures: list[FigureRow] = field(default_factory=list)
    warnings: list[IngestWarning] = field(default_factory=list)


def _prepare_and_store(store: ChunkStore, files: Sequence[ReportFile], options: IndexOptions, embedder: Embedder,
                       progress: Progress | None, old_fingerprints: dict[str, str],
                       timings: dict[str, float]) -> _Stored:
    """Each file prepared and stored as soon as it and the files before it are: in file order, so row ids do not
    depend on which process prepared a report, and only the few prepared ahead of their turn are held. A changed
    report replaces its previous version as it is stored; one that fails to ingest keeps it (nothing is lost).

    timings gets "store" (inserting, with the BM25 tokens made for reports prepared here) and "ingest" (the rest).
    """
    started = time.perf_counter()
    preparation = PrepareOptions(options.ingest, options.bm25_tokenizer, embedder.max_tokens - CONTEXT_TOKEN_RESERVE)
    tokenizer = make_bm25_tokenizer(options.bm25_tokenizer)
    stored = _Stored()
    next_row = store.next_row_id()
    storing = 0.0
    with closing(iter_prepared(files, preparation, embedder, progress)) as prepared:  # shuts a worker down
        for item in prepared:
            if isinstance(item, SkippedFile):
                stored.failed.append(item)
                continue
            clock = time.perf_counter()
            report, chunks = item.ingested.report, item.ingested.chunks
            if report.source in old_fingerprints:
                store.remove_reports([report.source])
                stored.replaced.append(report.source)
            else:
                stored.added.append(report.source)
            tokens = (item.bm25_tokens if item.bm25_tokens is not None
                      else bm25_line(tokenizer, [passage_text(c, report.meta) for c in chunks]))
            store.add_report(report, chunks, range(next_row, next_row + len(chunks)), item.passage_hashes, tokens)
            next_row += len(chunks)
            stored.figures.extend(item.figures)
            stored.warnings.extend(item.ingested.warnings)
            storing += time.perf_counter() - clock
    timings["ingest"] = time.perf_counter() - started - storing
    timings["store"] = storing
    return stored


def _update_milvus(index_dir: Path, paths: Iterable[str | Path], embedder: Embedder,
                   options: IndexOptions | None, rebuild: bool, progress: Progress | None, exclude: Iterable[str],
                   store: StoreSpec, workers: EmbedWorkers | None) -> UpdateSummary:
    """update_index for a Milvus store: chunks and sentences are embedded before the version is published."""
    folders = [Path(p) for p in paths]
    excluded = set(exclude)
    options = options or IndexOptions()
    # Every store of one --index shares the embedding cache: a Milvus build reuses the local build's vectors.
    layout = IndexLayout(store.folder(index_dir), cache_path=IndexLayout(index_dir).cache_path)
    started = time.perf_counter()
    with writer_lock(layout):
        wanted = Manifest.for_build(embedder, options.dense_kind, options.bm25_tokenizer,
                                    options.ingest.chunk_tokens, store.kind)
        live = layout.live_version()
        old_fingerprints: dict[str, str] = {}
        live_next_row = 0
        live_manifest = None
        if live is not None and not rebuild:
            live_manifest = layout.read_manifest(live)
            live_manifest.ensure_compatible(wanted, index_dir)
            old_store = ChunkStore(live / "chunks.sqlite", readonly=True)
            old_fingerprints = old_store.fingerprints()
            live_next_row = old_store.next_row_id()
            old_store.close()

        skipped, removed, todo, unchanged = _compare(folders, excluded, old_fingerprints)
        if live is not None and not rebuild and not todo and not removed:
            return UpdateSummary(unchanged=tuple(unchanged), skipped=tuple(skipped), reports=len(unchanged),
                                 chunks=layout.read_manifest(live).chunks, seconds=time.perf_counter() - started)

        timings: dict[str, float] = {}
        prepared, failed = _ingest_all(todo, options, embedder, progress, timings)
        skipped += failed
        replaced, added, kept_failures = _outcome(prepared, failed, todo, old_fingerprints)
        version, chunk_store, stale_rows = _next_version(layout, None if rebuild else live, [*removed, *replaced])

        clock = time.perf_counter()
        cache = EmbeddingCache(layout.cache_path)
        new_rows, new_vectors, embedded = _store_and_embed(chunk_store, prepared, embedder, cache, progress,
                                                           make_bm25_tokenizer(options.bm25_tokenizer),
                                                           first_row=live_next_row, workers=workers)
        timings["embed"] = time.perf_counter() - clock
        chunk_store.commit()

        rows = chunk_store.tokens_and_hashes()
        clock = time.perf_counter()
        sync = _fill_collection(store, layout.root, live, live_manifest, live_next_row, version, chunk_store,
                                (embedder, cache), options.dense_kind, (rows, new_rows, new_vectors, stale_rows),
                                progress)
        timings["milvus"] = time.perf_counter() - clock
        cache.close()

        clock = time.perf_counter()
        units = unit_index(chunk_store)
        units.save(version)
        cache = EmbeddingCache(layout.cache_path)
        embed_missing({text_hash(t): t for t in units.texts}, embedder, cache, progress, "units", workers)
        _write_unit_vectors(version, units.texts, embedder, cache)
        cache.close()
        timings["units"] = time.perf_counter() - clock

        clock = time.perf_counter()
        _write_figures(version, live if not rebuild else None, chunk_store, [*removed, *replaced],
                       [row for item in prepared for row in item.figures])
        timings["figures"] = time.perf_counter() - clock

        reports = chunk_store.fingerprints()
        chunk_store.close()
        manifest = wanted.with_corpus(reports, chunks=len(rows), paths=tuple(str(p.resolve()) for p in folders))
        layout.publish(version, replace(manifest, collection=sync.collection))
        sync.finish(version)
        return UpdateSummary(
            added=tuple(sorted(added)), changed=tuple(sorted(replaced)), removed=tuple(removed),
            unchanged=tuple(sorted([*unchanged, *kept_failures])), skipped=tuple(skipped),
            warnings=tuple(w for item in prepared for w in item.ingested.warnings), reports=len(reports),
            chunks=len(rows), embedded=embedded, seconds=time.perf_counter() - started, timings=timings)


RowChanges = tuple[list[tuple[int, str, list[str]]], list[int], np.ndarray, list[int]]  # all, new, vectors, stale


def _fill_collection(store: StoreSpec, folder: Path, live: Path | None, live_manifest: Manifest | None,
                     live_next_row: int, version: Path, chunk_store: ChunkStore,
                     embedding: tuple[Embedder, EmbeddingCache], dense_kind: str, changes: RowChanges,
                     progress: Progress | None) -> CollectionSync:
    """Insert the new rows into the live collection (or every row into a new one) before publishing."""
    from index.milvus_build import CollectionSync

    embedder, cache = embedding
    rows, new_rows, new_vectors, stale_rows = changes
    sync = CollectionSync(store, folder)
    sync.prepare(live if live_manifest else None, live_manifest, live_next_row, version, embedder.dim, dense_kind)
    if sync.fresh:  # a new collection gets every row; vectors of unchanged chunks come from the cache
        cached = cache.get_many(embedder.model_id, (h for _, h, _ in rows), embedder.dim)
        vectors_by_row = {r: cached[h] for r, h, _ in rows}
    else:
        vectors_by_row = dict(zip(new_rows, new_vectors, strict=True))
    sync.insert(chunk_store, {r: t for r, _, t in rows}, vectors_by_row, progress)
    sync.publish_stale(version, stale_rows)
    return sync


def _store_and_embed(store: ChunkStore, prepared: Sequence[PreparedReport], embedder: Embedder,
                     cache: EmbeddingCache, progress: Progress | None, tokenizer: Bm25Tokenizer, first_row: int = 0,
                     workers: EmbedWorkers | None = None) -> tuple[list[int], np.ndarray, int]:
    """Insert reports and chunks with fresh row ids; embed only passages the cache lacks.

    New rows start at first_row or later: never an id the live version uses, even for a removed report.
    Returns the new row ids, their vectors and how many passages were embedded.
    """
    next_row = max(store.next_row_id(), first_row)
    row_ids: list[int] = []
    hashes: list[str] = []
    texts: dict[str, str] = {}
    for item in prepared:
        report, chunks = item.ingested.report, item.ingested.chunks
        report_rows = list(range(next_row, next_row + len(chunks)))
        next_row += len(chunks)
        tokens = (item.bm25_tokens if item.bm25_tokens is not None
                  else bm25_line(tokenizer, [passage_text(c, report.meta) for c in chunks]))
        store.add_report(report, chunks, report_rows, item.passage_hashes, tokens)
        row_ids += report_rows
        hashes += item.passage_hashes
        texts.update(zip(item.passage_hashes, (passage_text(c, report.meta) for c in chunks), strict=True))
    cached = cache.get_many(embedder.model_id, hashes, embedder.dim)
    missing = [h for h in texts if h not in cached]
    batches = [missing[start:start + EMBED_BATCH] for start in range(0, len(missing), EMBED_BATCH)]
    done = 0
    for batch, vectors in zip(batches, embed_batches(embedder, [[texts[h] for h in b] for b in batches], workers),
                              strict=True):
        cache.put_many(embedder.model_id, batch, vectors)  # each batch is kept at once: a killed build resumes
        cached.update(zip(batch, vectors, strict=True))
        done += len(batch)
        if progress:
            progress("chunks", done, len(missing))
    vectors = np.stack([cached[h] for h in hashes]) if hashes else np.zeros((0, embedder.dim), dtype=np.float32)
    return row_ids, vectors, len(missing)
