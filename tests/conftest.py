"""Shared fixtures: the bundled sample corpus, ingested once per test session."""

from __future__ import annotations

import pytest

from corpus.ingest import ingest, samples_dir
from corpus.types import IngestResult


@pytest.fixture(scope="session")
def samples() -> IngestResult:
    """The five bundled sample reports, ingested with default options."""
    return ingest([samples_dir()])


@pytest.fixture(scope="session")
def sample_by_region(samples: IngestResult) -> dict:
    """Ingested samples keyed by region name."""
    return {item.report.meta.region: item for item in samples.reports}
