"""The answer pipeline: analyse the question, retrieve, answer; also a LangChain Runnable."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, Protocol

from answer.types import Answer
from corpus.pages import page_in
from index.search import SearchIndex
from retriever.analysis import Filters, QueryPlan, analyze
from retriever.hybrid import HybridRetriever, RetrievalOptions

MAX_QUESTION_CHARS = 500  # longer text is refused with a message, in the CLI, the web app and both APIs


class Answerer(Protocol):
    """Turns an analysed question into a cited answer, retrieving what it needs."""

    mode: str

    def answer(self, plan: QueryPlan) -> Answer:
        """Answer the question the plan describes."""
        ...


class AnswerPipeline:
    """Question (+ history, filters) -> Answer, with timings; models are loaded once by the caller."""

    def __init__(self, index: SearchIndex, answerer: Answerer | None = None,
                 retrieval: RetrievalOptions | None = None) -> None:
        from answer.extractive import ExtractiveAnswerer

        self.retriever = HybridRetriever(index, retrieval)
        self.answerer = answerer or ExtractiveAnswerer(self.retriever)

    def plan(self, question: str, history: Sequence[str] = (), filters: Filters | None = None) -> QueryPlan:
        """The analysed question."""
        return analyze(question, self.retriever.resolver, history, filters)

    def ask(self, question: str, history: Sequence[str] = (), filters: Filters | None = None,
            question_id: str | None = None) -> Answer:
        """Answer one question; history holds the earlier user turns, oldest first."""
        started = time.perf_counter()
        question = question.strip()
        if not question:
            return Answer(question=question, answer="请输入问题。", answerable=False, id=question_id,
                          timings_ms={"total": 0.0})
        if len(question) > MAX_QUESTION_CHARS:
            return Answer(question=question, answerable=False, id=question_id, timings_ms={"total": 0.0},
                          answer=f"问题过长（{len(question)}字），请精简到{MAX_QUESTION_CHARS}字以内。",
                          warnings=("question_too_long",))
        plan = self.plan(question, history, filters)
        planned = time.perf_counter()
        answer = self.answerer.answer(plan)
        done = time.perf_counter()
        if self.retriever.pending_vectors:  # searched by words only: the index is still embedding
            answer = replace(answer, warnings=(*answer.warnings, "vectors_pending"))
        answer = self.with_pages(answer)
        return replace(answer, id=question_id, mode=self.answerer.mode,
                       timings_ms={**answer.timings_ms, "analyze": (planned - started) * 1000,
                                   "answer": (done - planned) * 1000, "total": (done - started) * 1000})

    def with_pages(self, answer: Answer) -> Answer:
        """The answer with each citation's page number, for reports read from paged files."""
        starts = self.retriever.page_starts(sorted({c.source for c in answer.citations}))
        citations = [replace(c, page=page_in(starts.get(c.source, ()), c.start)) for c in answer.citations]
        return replace(answer, citations=tuple(citations))

    def stream(self, question: str, history: Sequence[str] = (),
               filters: Filters | None = None) -> Iterator[str | Answer]:
        """Text as it is written (the LLM's deltas; the extractive answer at once), then the checked Answer."""
        started = time.perf_counter()
        streaming = getattr(self.answerer, "stream", None)
        if streaming is None or not question.strip() or len(question.strip()) > MAX_QUESTION_CHARS:
            answer = self.ask(question, history, filters)
            yield answer.answer
            yield answer
            return
        for item in streaming(self.plan(question.strip(), history, filters)):
            if isinstance(item, Answer):
                yield replace(self.with_pages(item), timings_ms={"total": (time.perf_counter() - started) * 1000})
            else:
                yield item

    def as_runnable(self) -> Any:
        """A LangChain Runnable: {"question", "history"?, "filters"?} -> Answer."""
        from langchain_core.runnables import RunnableLambda

        def run(payload: dict[str, Any] | str) -> Answer:
            if isinstance(payload, str):
                return self.ask(payload)
            filters = payload.get("filters")
            return self.ask(payload["question"], payload.get("history", ()),
                            filters if isinstance(filters, Filters) or filters is None else Filters(**filters),
                            payload.get("id"))

        return RunnableLambda(run, name="reportqa_answer")
