"""Report files made ready for an index version: ingested and chunked, each passage hashed and BM25-tokenized,
the figures extracted; for many files on a second process as well as this one.

All of this is per report and needs nothing of the rest of the corpus, so any process can prepare any file;
results are put back in file order, so row ids and every stored byte are the same whichever process prepared
a report. The worker is spawned, not forked (the parent may hold ONNX Runtime threads), and loads the token
counter that bounds chunks from the embedder's model id (for onnx-e5 the tokenizer alone, no ONNX session):
that costs it about 2 s and, at 1000 reports, a peak of 456 MB (595 MB with the whole embedder), so fewer than
MIN_FILES_FOR_WORKER files are prepared here alone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from corpus.chunk import TokenCounter
from corpus.ingest import IngestOptions, Progress, ReportFile, ingest_file, page_progress
from corpus.layout import PageProgress
from corpus.load import IngestError
from corpus.types import IngestedReport, SkippedFile
from index.analysis import Bm25Tokenizer, make_bm25_tokenizer
from index.embedders import Embedder, embedder_spec, make_token_counter
from index.figures import FigureRow, report_figures
from index.passages import passage_text, text_hash

# About 35 ms of work per text report here: a worker that takes 2 s to start pays off from some 100 files.
MIN_FILES_FOR_WORKER = 100
WORKER_BATCH = 4  # files handed to the worker at a time
WORKER_QUEUE = 2  # batches handed to it ahead, so it never waits for this process
# Files this process may prepare past the worker's oldest unfinished batch. Their results wait for that batch
# to be stored, so a worker slow to start (about 2 s, some 60 files) or stuck on one long file holds no more
# than this many prepared reports (about 50 MB at 1000 synthetic reports' size) instead of the corpus.
MAX_LEAD = 200


@dataclass(frozen=True, slots=True)
class PreparedReport:
    """An ingested report with what the chunk store and the figure table keep beside it."""

    ingested: IngestedReport
    passage_hashes: tuple[str, ...]  # each chunk's embedding cache key
    # Each chunk's BM25 tokens joined by spaces, as the chunk store keeps them; None for a report prepared by
    # the storing process itself, which makes them as it stores the report (they are not all held at once).
    bm25_tokens: tuple[str, ...] | None
    figures: tuple[FigureRow, ...]


@dataclass(frozen=True, slots=True)
class PrepareOptions:
    """How files are prepared: ingest options, the BM25 tokenizer's name and the embedder's token limit."""

    ingest: IngestOptions
    bm25_tokenizer: str
    guard_limit: int  # most embedder tokens in a chunk (its window less room for the context line)


class ReportPreparer:
    """Prepares one file at a time, with the token counter and the BM25 tokenizer loaded once."""

    def __init__(self, options: PrepareOptions, count_guard: TokenCounter, on_page: PageProgress | None = None,
                 with_tokens: bool = True) -> None:
        self.options = options
        self._guards = [(count_guard, options.guard_limit)]
        self._tokenizer = make_bm25_tokenizer(options.bm25_tokenizer)
        self._on_page = on_page
        self._with_tokens = with_tokens

    def prepare(self, file: ReportFile) -> PreparedReport | SkippedFile:
        """The file prepared, or skipped with the reason it could not be ingested."""
        try:
            ingested = ingest_file(file, self.options.ingest, self._guards, self._on_page)
        except IngestError as exc:
            return SkippedFile(exc.path, exc.reason)
        passages = [passage_text(c, ingested.report.meta) for c in ingested.chunks]
        return PreparedReport(ingested, tuple(text_hash(p) for p in passages),
                              bm25_line(self._tokenizer, passages) if self._with_tokens else None,
                              tuple(report_figures(ingested.report)))


def bm25_line(tokenizer: Bm25Tokenizer, passages: Sequence[str]) -> tuple[str, ...]:
    """Each passage's BM25 tokens joined by spaces."""
    return tuple(" ".join(tokenizer.tokenize(p)) for p in passages)


def iter_prepared(files: Sequence[ReportFile], options: PrepareOptions, embedder: Embedder,
                  progress: Progress | None = None) -> Generator[PreparedReport | SkippedFile, None, None]:
    """Each file prepared or skipped, yielded in file order as soon as it and every file before it are; on a
    worker process too when there are many files and a core to spare (page progress then comes from this
    process's files only). Only the results that arrive ahead of their turn are held: about MAX_LEAD at most."""
    here = ReportPreparer(options, embedder.count_tokens, page_progress(progress), with_tokens=False)
    spec = embedder_spec(embedder)
    # A daemonic process (a multiprocessing.Pool's) may not start processes of its own.
    daemonic = multiprocessing.current_process().daemon
    if spec is None or daemonic or len(files) < MIN_FILES_FOR_WORKER or _idle_cores() < 0.5:
        arrivals: Iterator[tuple[int, PreparedReport | SkippedFile]] = (
            (index, here.prepare(file)) for index, file in enumerate(files))
    else:
        arrivals = _prepare_with_worker(files, here, spec)
    early: dict[int, PreparedReport | SkippedFile] = {}
    turn = 0
    for index, result in arrivals:
        early[index] = result
        while turn in early:
            yield early.pop(turn)
            turn += 1
            if progress:
                progress("reports", turn, len(files))


def _idle_cores() -> float:
    """Cores other processes leave free, by the last minute's load average (which counts this process).

    With only one core free, a worker measured slower than none (its start and the results' pickling are
    extra work, and it shares this process's core): 39 s against 32 s for 1000 reports.
    """
    return (os.cpu_count() or 1) - os.getloadavg()[0]


def _prepare_with_worker(files: Sequence[ReportFile], here: ReportPreparer, spec: str
                         ) -> Iterator[tuple[int, PreparedReport | SkippedFile]]:
    """(index in files, result) as each is done, by this process and one worker, which takes batches of files in
    turn and is kept WORKER_QUEUE batches ahead; this process waits for the worker rather than run more than
    MAX_LEAD files past its oldest unfinished batch.

    A worker that dies (or cannot load the embedder) leaves its batches to this process.
    """
    batches = deque(range(start, min(start + WORKER_BATCH, len(files))) for start in range(0, len(files), WORKER_BATCH))
    handed: dict[Future[list[PreparedReport | SkippedFile]], range] = {}
    worker_alive = True
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_start_worker,
                             initargs=(spec, here.options)) as pool:
        while batches or handed:
            while worker_alive and batches and len(handed) < WORKER_QUEUE:
                batch = batches.popleft()
                handed[pool.submit(_prepare_batch, [files[i] for i in batch])] = batch
            for future in [f for f in handed if f.done()]:
                batch = handed.pop(future)
                try:
                    yield from zip(batch, future.result(), strict=True)
                except BrokenProcessPool:
                    worker_alive = False
                    batches.appendleft(batch)
            oldest = min((batch.start for batch in handed.values()), default=None)
            if batches and (oldest is None or batches[0].start - oldest < MAX_LEAD):
                for index in batches.popleft():
                    yield index, here.prepare(files[index])
            elif handed:
                wait(handed, return_when=FIRST_COMPLETED)


_worker: ReportPreparer | None = None


def _start_worker(spec: str, options: PrepareOptions) -> None:
    global _worker
    # A parent killed outright never reads the worker's last results: without this the worker would block on
    # them for good, holding its memory.
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _worker = ReportPreparer(options, make_token_counter(spec))


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _prepare_batch(files: list[ReportFile]) -> list[PreparedReport | SkippedFile]:
    assert _worker is not None
    return [_worker.prepare(file) for file in files]
