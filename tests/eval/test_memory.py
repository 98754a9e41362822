"""Peak memory is the measured process's own, not what Linux carries over from the process that started it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_PARENT = """
import subprocess, sys
from eval.memory import peak_rss_mb
block = bytearray(600 * 2**20)
block[::4096] = b"1" * len(block[::4096])   # touch every page: 600 MB resident
del block
child = subprocess.run([sys.executable, "-c", "from eval.memory import peak_rss_mb; print(peak_rss_mb())"],
                       capture_output=True, text=True, check=True)
print(peak_rss_mb(), child.stdout.strip())
"""


def test_a_child_reports_its_own_peak_not_its_parents() -> None:
    result = subprocess.run([sys.executable, "-c", _PARENT], cwd=REPO, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    parent_peak, child_peak = map(float, result.stdout.split())
    assert parent_peak > 600
    assert child_peak < 200   # ru_maxrss would say > 600 here
