"""Building the heavy objects (embedder, index) from Settings, once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass

from answer.pipeline import AnswerPipeline
from corpus.ingest import IngestOptions
from index.build import IndexOptions
from index.embedders import Embedder, make_embedder
from index.parallel import EmbedWorkers
from index.search import SearchIndex
from retriever.conversation import user_turns
from ui.settings import Settings


def load_embedder(settings: Settings) -> Embedder:
    """The configured embedder."""
    return make_embedder(settings.embedder)


def index_options(settings: Settings) -> IndexOptions:
    """How the index is built, from settings."""
    return IndexOptions(IngestOptions(settings.max_file_mb, settings.chunk_tokens), settings.dense_index)


def embed_workers(settings: Settings) -> EmbedWorkers | None:
    """Worker processes for embedding while indexing, when more than one is asked for."""
    return EmbedWorkers(settings.embedder, settings.embed_workers) if settings.embed_workers > 1 else None


def open_index(settings: Settings, embedder: Embedder | None = None) -> SearchIndex:
    """The live index at settings.index_dir."""
    return SearchIndex.open(settings.index_dir, embedder or load_embedder(settings), settings.store_spec())


def build_pipeline(settings: Settings, llm: bool = False) -> AnswerPipeline:
    """The answer pipeline over the configured index, loading models once; llm picks the LLM answerer."""
    pipeline = AnswerPipeline(open_index(settings))
    if llm:
        from answer.llm import LLMAnswerer, LLMConfig

        if not (settings.llm_base_url and settings.llm_model):
            raise ValueError("the LLM answerer needs REPORTQA_LLM_BASE_URL and REPORTQA_LLM_MODEL "
                             "(an OpenAI-compatible endpoint such as Ollama, vLLM, DeepSeek or Qwen)")
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        pipeline.answerer = LLMAnswerer(pipeline.retriever, LLMConfig(settings.llm_base_url, settings.llm_model, key))
    return pipeline


@dataclass(frozen=True, slots=True)
class BatchQuestion:
    """One line of a batch file (the gold-set format: id, question, history)."""

    id: str | None
    question: str
    history: tuple[str, ...]


def read_questions(path: str) -> list[BatchQuestion]:
    """Questions of a JSONL file; a bad line is an error naming the file and line."""
    out = []
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                question = str(item["question"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a question line ({exc})") from exc
            out.append(BatchQuestion(item.get("id"), question, tuple(user_turns(item.get("history") or []))))
    return out


def read_history(path: str) -> list[str]:
    """Earlier user turns from a JSON file of [{role, content}] (or a list of strings)."""
    with open(path, encoding="utf-8-sig") as handle:
        return user_turns(json.load(handle))


