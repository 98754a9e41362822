"""The Python query tokenizer gives the Rust tokenizer's ids, and answering questions never loads the Rust one."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corpus.types import IngestResult
from eval.metrics import load_gold
from index.build import passage_text
from index.e5_tokenizer import E5Tokenizer, QueryTokenizer
from index.e5_weights import E5File, _split_pieces, bundled_weights_path
from index.onnx_embedder import OnnxE5Embedder

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
EDGE_CASES = ["", " ", "   ", "  two  spaces  ", "▁", "▁▁ ▁x", "\t\n\r tab", "<s> </s> <pad> <unk> <mask>",
              "x<unk>y", "ＡＢＣ１２３，全角", "①②③ ㈠ ﬁ", "𠀀𠀁𠀂 and \U0010fffd\U0010fffd", "😀😀 ☃", "\ue000\ue001",
              "ꙮꙮꙮ", "abc\u200bdef", "\x00\x01", "中文English混合123.45%", "The commission was founded in 2021."]


@pytest.fixture(scope="module")
def tokenizers(onnx_models_dir: Path) -> tuple[QueryTokenizer, E5Tokenizer]:
    folder = OnnxE5Embedder(models_dir=onnx_models_dir).model_folder
    return QueryTokenizer(E5File(bundled_weights_path()).vocab), E5Tokenizer(folder)


def test_query_tokenizer_equals_the_rust_one(tokenizers: tuple[QueryTokenizer, E5Tokenizer],
                                            samples: IngestResult) -> None:
    python, rust = tokenizers
    questions = [q.question for gold in sorted((REPO / "eval" / "gold").glob("*.jsonl")) if gold.stem != "figures"
                 for q in load_gold(gold)]
    passages = [passage_text(c, item.report.meta) for item in samples.reports for c in item.chunks]
    alphabet = [*"中文调解abc ▁\t", "<unk>", "<s>", "𠀀", "\ue000", "①", "ﬁ", *map(chr, range(0x2000, 0x2070))]
    rng = random.Random(7)
    mixed = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    texts = [*EDGE_CASES, *questions, *passages, *mixed]
    texts += ["query: " + t for t in texts]
    assert len(questions) > 200
    assert python.content_ids(texts) == rust.content_ids(texts)
    assert (python.bos, python.eos, python.pad, python.unk) == (rust.bos, rust.eos, rust.pad, rust.unk)


def test_pieces_are_cut_where_the_offsets_say() -> None:
    pieces = ["<s>", "", "▁的", "ab", "𠀀x", "é"]
    blob = b"".join(p.encode() for p in pieces)
    offsets = np.cumsum([0, *(len(p.encode()) for p in pieces)]).astype(np.uint32)
    assert _split_pieces(blob, offsets) == tuple(pieces)
    vocab = E5File(bundled_weights_path()).vocab
    assert len(vocab.pieces) == len(vocab.scores) == 250002 and vocab.pieces[:4] == ("<s>", "<pad>", "</s>", "<unk>")


def test_embedding_queries_leaves_the_rust_tokenizer_unloaded(onnx_models_dir: Path) -> None:
    script = ("import sys; from pathlib import Path; from index.onnx_embedder import OnnxE5Embedder; "
              f"e = OnnxE5Embedder(models_dir=Path({str(onnx_models_dir)!r})); "
              "v = e.embed_queries(['哪些县设立了行政争议调解中心？']); "
              "print(v.shape, 'tokenizers' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["(1,", "384)", "False"]
