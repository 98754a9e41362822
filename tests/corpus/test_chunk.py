"""The chunker's token counting: hard limits hold, and each sentence is counted once per counter."""

from __future__ import annotations

from collections import Counter

from corpus.chunk import chunk_report
from corpus.tokens import count_tokens
from corpus.types import IngestResult


def test_each_sentence_is_counted_once_by_each_counter(samples: IngestResult) -> None:
    # Counting (the embedder's tokenizer above all) is most of the chunker's time: the packer reuses the
    # sizes measured when sentences are bounded instead of counting every sentence again.
    for item in samples.reports:
        calls: Counter[str] = Counter()

        def guard(text: str, calls: Counter[str] = calls) -> int:
            calls[text] += 1
            return len(text)

        chunks = chunk_report(item.report, count_tokens, guards=[(guard, 100_000)])
        assert chunks == item.chunks  # a guard no sentence comes near changes nothing
        sentences = Counter(item.report.text[a:b] for c in chunks for a, b in c.sentence_spans)
        assert calls == sentences


def test_a_sentence_over_a_guard_is_cut_at_clause_ends(samples: IngestResult) -> None:
    item = samples.reports[0]
    chunks = chunk_report(item.report, count_tokens, guards=[(len, 40)])
    assert all(len(c.text) <= 40 for c in chunks)
    def letters(parts: tuple) -> str:
        return "".join(ch for c in parts for ch in c.text if not ch.isspace())

    assert letters(chunks) == letters(item.chunks)  # nothing lost or repeated
    assert sum(c.text.endswith(("，", "、", "：", "；", "。")) for c in chunks) > len(chunks) / 2
