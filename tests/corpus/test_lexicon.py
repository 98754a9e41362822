"""Word specificity from jieba's background IDF table, read without jieba.analyse's dictionaries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from corpus.lexicon import HIGH, LOW, specificities

REPO = Path(__file__).resolve().parents[2]


def test_a_rare_name_is_more_specific_than_a_common_verb() -> None:
    scores = specificities({"枫桥", "推广", "的", "不在表里的词"})
    assert scores["枫桥"] > 0.9 > 0.6 > scores["推广"] > LOW
    assert scores["的"] == LOW and scores["不在表里的词"] == HIGH


def test_the_table_is_read_without_importing_jieba_analyse() -> None:
    code = ("import sys; from corpus.lexicon import specificities; specificities({'调解'}); "
            "print('jieba.analyse' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
