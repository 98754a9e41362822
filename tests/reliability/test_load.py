"""20 concurrent clients for 60 s against `reportqa serve` on loopback: no errors, memory bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ui.conftest import ARTIFACTS, serve_copy, stop_server
from ui.loadtest import as_json, run_load


@pytest.mark.slow
def test_twenty_clients_for_a_minute(real_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    server = serve_copy(real_index_dir, tmp_path_factory)
    try:
        run_load(server.url, clients=2, seconds=3)  # warm up models and caches
        result = run_load(server.url, clients=20, seconds=60, pid=server.process.pid)
    finally:
        stop_server(server)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(as_json(result), indent=2), encoding="utf-8")
    print(json.dumps(as_json(result)))
    assert result.errors == 0, result.first_error
    assert result.requests > 60 and result.seconds < 120
    assert result.rss_start_mb and result.rss_end_mb and result.rss_max_mb
    assert result.rss_max_mb < result.rss_start_mb * 1.5 + 300  # no unbounded growth


def test_load_tests_only_target_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        run_load("http://10.0.0.1:7860", clients=1, seconds=1)
