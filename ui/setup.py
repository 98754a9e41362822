"""Building the heavy objects (embedder, index) from Settings, once per process."""

from __future__ import annotations

from corpus.ingest import IngestOptions
from index.build import IndexOptions
from index.embedders import Embedder, make_embedder
from index.search import SearchIndex
from ui.settings import Settings


def load_embedder(settings: Settings) -> Embedder:
    """The configured embedder."""
    return make_embedder(settings.embedder)


def index_options(settings: Settings) -> IndexOptions:
    """How the index is built, from settings."""
    return IndexOptions(IngestOptions(settings.max_file_mb, settings.chunk_tokens), settings.dense_index)


def open_index(settings: Settings, embedder: Embedder | None = None) -> SearchIndex:
    """The live index at settings.index_dir."""
    return SearchIndex.open(settings.index_dir, embedder or load_embedder(settings))
