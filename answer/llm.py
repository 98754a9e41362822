"""Optional LLM answerer: any OpenAI-compatible endpoint through langchain-openai, same citation contract."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import SecretStr

from answer.builders.figures import figure_table
from answer.evidence import CitationBook, passages_in_rank_order, sentences_of
from answer.types import Answer
from corpus.tokens import count_tokens
from prompts.templates import passage_block, system_message, user_message
from retriever.analysis import QueryPlan
from retriever.hybrid import HybridRetriever
from retriever.types import Hit

_MARKER = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
_FIGURE = re.compile(r"\d+(?:\.\d+)?%?")
_YEAR = re.compile(r"(?:19|20)\d{2}")
NOT_FOUND = "报告库中没有相关内容"


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """Where the model is and how much context it gets."""

    base_url: str
    model: str
    api_key: str = "not-needed"
    context_tokens: int = 3000  # passages packed into the prompt, counted with tiktoken o200k_base
    max_passages: int = 12
    temperature: float = 0.0
    timeout_s: float = 120.0


class LLMAnswerer:
    """Retrieves, packs numbered passages into a token budget, asks the model, then checks its answer."""

    mode = "llm"

    def __init__(self, retriever: HybridRetriever, config: LLMConfig, chat_model: Any | None = None) -> None:
        self.retriever = retriever
        self.config = config
        self._chat = chat_model

    def chat_model(self) -> Any:
        """The langchain-openai ChatOpenAI client (created on first use)."""
        if self._chat is None:
            try:
                from langchain_openai import ChatOpenAI
            except ImportError as exc:  # pragma: no cover - depends on the installed extras
                raise ImportError("the LLM answerer needs: pip install 'reportqa[llm]'") from exc
            self._chat = ChatOpenAI(base_url=self.config.base_url, model=self.config.model,
                                    api_key=SecretStr(self.config.api_key), temperature=self.config.temperature,
                                    timeout=self.config.timeout_s, max_retries=1)
        return self._chat

    def answer(self, plan: QueryPlan) -> Answer:
        """The whole answer at once."""
        final: Answer | None = None
        for item in self.stream(plan):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def stream(self, plan: QueryPlan) -> Iterator[str | Answer]:
        """Text deltas as the model writes them, then the checked Answer."""
        if plan.foreign_places and not plan.filters.regions:
            yield _abstain(plan, f"报告库中没有{'、'.join(plan.foreign_places)}的报告。")
            return
        hits = self.pack(self.candidates(plan))
        if not hits:
            yield _abstain(plan, NOT_FOUND + "。")
            return
        blocks = [passage_block(n, h.meta.title, h.chunk.section_path, h.chunk.text) for n, h in enumerate(hits, 1)]
        messages = [("system", system_message()), ("human", user_message(plan.resolved, blocks))]
        parts: list[str] = []
        for chunk in self.chat_model().stream(messages):
            delta = chunk.content if isinstance(chunk.content, str) else ""
            if delta:
                parts.append(delta)
                yield delta
        yield check_answer(plan, "".join(parts), hits)

    def candidates(self, plan: QueryPlan) -> list[Hit]:
        """Retrieved passages; list questions also get each report's best passage so none is missed, and a
        question across reports about one figure gets first the passage of every report stating it."""
        hits = self.retriever.retrieve(plan.resolved, plan.filters, self.config.max_passages)
        if plan.intent in ("list", "wording", "compare"):
            best = [h[0] for h in self.retriever.per_report(plan.resolved, plan.filters, per_report=1).values()]
            hits = _unique([*best, *hits])
        table = figure_table(self.retriever, plan)
        if table is not None:
            stating = [self.retriever.hit_at(row.source, row.start) for row in table.rows]
            hits = _unique([*(h for h in stating if h is not None), *hits])
        return hits

    def pack(self, hits: Sequence[Hit]) -> list[Hit]:
        """As many passages as fit the token budget, in rank order."""
        packed: list[Hit] = []
        used = 0
        for hit in hits[: self.config.max_passages]:
            cost = count_tokens(hit.chunk.text) + 24  # the passage header and fences
            if used + cost > self.config.context_tokens and packed:
                break
            packed.append(hit)
            used += cost
        return packed


def check_answer(plan: QueryPlan, text: str, hits: Sequence[Hit]) -> Answer:
    """Drop markers that point to no passage, quote the cited passages verbatim, flag unsupported figures."""
    text = text.strip()
    if not text or (NOT_FOUND in text and not _MARKER.search(text)):
        return _abstain(plan, NOT_FOUND + "。")
    book = CitationBook()
    renumbered: dict[int, int] = {}
    warnings: list[str] = []

    def rewrite(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*[,，、]\s*", match.group(1))]
        kept = []
        for number in numbers:
            if not 1 <= number <= len(hits):
                warnings.append(f"删除了指向不存在资料的引用标记[{number}]")
                continue
            if number not in renumbered:
                claim = _claim_before(text, match.start())
                sentence = _best_sentence(hits[number - 1], claim)
                renumbered[number] = book.cite(hits[number - 1], sentence[0], sentence[1], sentence[2])
            kept.append(f"[{renumbered[number]}]")
        return "".join(kept)

    answer_text = _MARKER.sub(rewrite, text)
    cited_text = "".join(c.quote for c in book.citations) + "".join(h.chunk.text for h in book.hits)
    unsupported = sorted({f for f in _FIGURE.findall(_MARKER.sub("", answer_text))
                          if not _YEAR.fullmatch(f) and f not in cited_text}, key=answer_text.find)
    if unsupported:
        warnings.append(f"以下数字未见于所引资料：{'、'.join(unsupported)}")
        answer_text += f"\n\n⚠ 以下数字未见于所引资料，请核对：{'、'.join(unsupported)}"
    answer = Answer(question=plan.question, answer=answer_text, answerable=bool(book.citations),
                    citations=tuple(book.citations), passages=tuple(passages_in_rank_order(book.hits, hits)),
                    intent=plan.intent, resolved_question=plan.resolved, mode="llm", warnings=tuple(warnings))
    if not book.citations:  # an answer that cites nothing is not grounded: say so rather than pass it off
        return replace(answer, answerable=False, warnings=(*warnings, "回答没有引用任何资料"))
    return answer


def _claim_before(text: str, position: int) -> str:
    """The clause a marker closes: text back to the previous sentence end or marker."""
    start = max(text.rfind(ch, 0, position) for ch in "。！？\n]】")
    return text[start + 1: position]


def _best_sentence(hit: Hit, claim: str) -> tuple[int, int, str]:
    """The passage sentence sharing most character bigrams with the claim (the whole passage as fallback)."""
    claim_bigrams = {claim[i:i + 2] for i in range(len(claim) - 1)}
    best: tuple[float, int, int, str] | None = None
    for sentence in sentences_of([hit]):
        bigrams = {sentence.text[i:i + 2] for i in range(len(sentence.text) - 1)}
        overlap = len(claim_bigrams & bigrams) / (1 + len(claim_bigrams))
        if best is None or overlap > best[0]:
            best = (overlap, sentence.start, sentence.end, sentence.text)
    if best is None:
        return hit.chunk.start, hit.chunk.end, hit.chunk.text
    return best[1], best[2], best[3]


def _unique(hits: Sequence[Hit]) -> list[Hit]:
    seen: set[int] = set()
    out = []
    for hit in hits:
        if hit.row_id not in seen:
            seen.add(hit.row_id)
            out.append(hit)
    return out


def _abstain(plan: QueryPlan, message: str) -> Answer:
    return Answer(question=plan.question, answer=message, answerable=False, intent=plan.intent,
                  resolved_question=plan.resolved, mode="llm")
