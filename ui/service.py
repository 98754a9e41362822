"""What the web app and the HTTP API share: the pipeline, corpus management, ratings.

One instance per server. Readers keep answering while an update runs: the update builds a new
index version, then the pipeline is swapped under a lock.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from answer.pipeline import AnswerPipeline
from answer.types import Answer
from corpus.load import SUPPORTED_SUFFIXES
from corpus.types import Report
from index.build import update_index
from index.embedders import Embedder
from index.layout import IndexLayout
from index.search import SearchIndex
from index.types import UpdateSummary
from retriever.analysis import Filters
from ui.settings import Settings

RATINGS = ("正确", "部分正确", "错误")


@dataclass(frozen=True, slots=True)
class Rating:
    """An evaluator's judgement of one answer."""

    time: str
    question: str
    answer: str
    rating: str
    comment: str
    citations: int


class RatingsStore:
    """Ratings appended to a JSONL file, so they survive restarts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(self, question: str, answer: str, rating: str, comment: str, citations: int) -> Rating:
        """Record one rating; the rating must be one of RATINGS."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
        item = Rating(time.strftime("%Y-%m-%d %H:%M:%S"), question, answer, rating, comment.strip(), citations)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
        return item

    def all(self) -> list[Rating]:
        """Every rating, oldest first."""
        if not self.path.exists():
            return []
        return [Rating(**json.loads(line)) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def to_csv(self) -> str:
        """The ratings as CSV text (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["time", "question", "answer", "rating", "comment", "citations"])
        for item in self.all():
            writer.writerow([item.time, item.question, item.answer, item.rating, item.comment, item.citations])
        return "\ufeff" + buffer.getvalue()


class AssistantService:
    """The pipeline over the live index, corpus uploads and removals, ratings."""

    def __init__(self, settings: Settings, embedder: Embedder, data_dir: Path | None = None,
                 corpus_paths: Sequence[Path] = ()) -> None:
        self.settings = settings
        self.embedder = embedder
        self.data_dir = data_dir or settings.index_dir.parent / "server-data"
        self.uploads = self.data_dir / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self.ratings = RatingsStore(self.data_dir / "ratings.jsonl")
        self._update_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        manifest_paths: tuple[str, ...] = ()
        layout = IndexLayout(settings.store_spec().folder(settings.index_dir))
        live = layout.live_version()
        if live is not None:
            manifest_paths = layout.read_manifest(live).corpus_paths
        given = [str(Path(p).resolve()) for p in corpus_paths] or list(manifest_paths)
        self.corpus_paths = [p for p in given if Path(p).resolve() != self.uploads.resolve()]
        self._pipeline = AnswerPipeline(SearchIndex.open(settings.index_dir, embedder, settings.store_spec()))
        self._embedding: threading.Thread | None = None
        self.embed_in_background()

    def embed_in_background(self) -> None:
        """Embed the vectors the live index lacks in a background thread, then answer with them."""
        if not self.pipeline.retriever.pending_vectors or (self._embedding and self._embedding.is_alive()):
            return
        self._embedding = threading.Thread(target=self._complete_vectors, name="embed-vectors", daemon=True)
        self._embedding.start()

    def wait_for_vectors(self, timeout: float | None = None) -> bool:
        """Wait for background embedding to finish; True when no vectors are pending."""
        if self._embedding is not None:
            self._embedding.join(timeout)
        return not self.pipeline.retriever.pending_vectors

    def _complete_vectors(self) -> None:
        from index.build import complete_vectors

        complete_vectors(self.settings.index_dir, self.embedder)
        self._swap()

    def _swap(self) -> None:
        fresh = AnswerPipeline(SearchIndex.open(self.settings.index_dir, self.embedder, self.settings.store_spec()))
        with self._swap_lock:
            self._pipeline = fresh

    @property
    def pipeline(self) -> AnswerPipeline:
        """The pipeline over the current index version."""
        with self._swap_lock:
            return self._pipeline

    def ask(self, question: str, history: Sequence[str] = (), filters: Filters | None = None) -> Answer:
        """Answer with the current pipeline."""
        return self.pipeline.ask(question, history, filters)

    def reports(self) -> list[Report]:
        """Every indexed report, by file name."""
        index = self.pipeline.retriever.index
        return [r for r in (index.report(s) for s in index.sources()) if r is not None]

    def report(self, source: str) -> Report | None:
        """One indexed report."""
        return self.pipeline.retriever.index.report(source)

    def add_files(self, files: Sequence[tuple[str, Path]],
                  progress: Callable[[str, int, int], None] | None = None) -> tuple[UpdateSummary, list[str]]:
        """Copy uploaded files (original name, temp path) into the uploads folder and update the index."""
        problems: list[str] = []
        for name, path in files:
            safe = safe_file_name(name)
            if Path(safe).suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(f"{name}：不支持的文件类型（支持 {'、'.join(sorted(SUPPORTED_SUFFIXES))}）")
                continue
            shutil.copyfile(path, self.uploads / safe)
        return self.update(progress), problems

    def remove(self, source: str) -> UpdateSummary:
        """Take a report out of the index; an uploaded file is deleted, another one is excluded."""
        uploaded = self.uploads / source
        if uploaded.is_file():
            uploaded.unlink()
        else:
            excluded = self._excluded() | {source}
            (self.data_dir / "excluded.json").write_text(json.dumps(sorted(excluded), ensure_ascii=False),
                                                         encoding="utf-8")
        return self.update()

    def update(self, progress: Callable[[str, int, int], None] | None = None) -> UpdateSummary:
        """Update the index from the corpus folders and uploads (one update at a time) and answer from it at
        once (searchable by words); the new texts' vectors are embedded in the background."""
        from ui.setup import index_options

        with self._update_lock:
            summary = update_index(self.settings.index_dir, [*self.corpus_paths, self.uploads], self.embedder,
                                   index_options(self.settings), progress=progress, exclude=self._excluded(),
                                   vectors=False, store=self.settings.store_spec())
            self._swap()
        self.embed_in_background()
        return summary

    def _excluded(self) -> set[str]:
        path = self.data_dir / "excluded.json"
        return set(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else set()


def safe_file_name(name: str) -> str:
    """A file name without folders, control characters or path tricks, at most 120 characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if (ch.isprintable() and ch not in '/\\:*?"<>|'))
    cleaned = cleaned.lstrip(".") or "upload"
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and len(suffix) <= 8:
        return stem[: 120 - len(suffix) - 1] + "." + suffix
    return cleaned[:120]
