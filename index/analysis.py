"""Search-side text normalisation and the BM25 tokenizer (rjieba words, optional character bigrams)."""

from __future__ import annotations

import re

from corpus.patterns import normalize_for_search

# Function words that carry no retrieval signal in this genre.
STOPWORDS = frozenset((
    "的", "了", "和", "与", "及", "等", "在", "是", "对", "为", "将", "把", "被", "以", "于", "并", "或", "其",
    "之", "也", "都", "而", "中", "上", "下", "个", "这", "那", "有", "哪些", "什么", "多少", "如何", "怎么",
    "怎样", "是否", "哪个", "进行", "开展", "工作", "方面", "已", "吗", "呢",
))
_WORD = re.compile(r"[\w\u4e00-\u9fff%.]+")

__all__ = ["STOPWORDS", "Bm25Tokenizer", "make_bm25_tokenizer", "normalize_for_search"]


class Bm25Tokenizer:
    """rjieba word segmentation of normalised text, with optional Chinese character bigrams."""

    def __init__(self, bigrams: bool = False) -> None:
        self.bigrams = bigrams
        self.tokenizer_id = "rjieba+bigrams" if bigrams else "rjieba"

    def tokenize(self, text: str) -> list[str]:
        """Tokens of one text, stop words and punctuation dropped."""
        import rjieba

        normal = normalize_for_search(text)
        tokens = [w for w in rjieba.cut(normal) if _WORD.fullmatch(w) and w not in STOPWORDS]
        if self.bigrams:
            for run in re.findall(r"[\u4e00-\u9fff]{2,}", normal):
                tokens.extend(f"#{run[i:i + 2]}" for i in range(len(run) - 1))
        return tokens


def make_bm25_tokenizer(tokenizer_id: str) -> Bm25Tokenizer:
    """The tokenizer a manifest names."""
    if tokenizer_id not in ("rjieba", "rjieba+bigrams"):
        raise ValueError(f"unknown BM25 tokenizer '{tokenizer_id}'")
    return Bm25Tokenizer(bigrams=tokenizer_id.endswith("+bigrams"))

