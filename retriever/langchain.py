"""The hybrid retriever as a LangChain BaseRetriever, for users composing their own chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retriever.analysis import Filters, analyze
from retriever.hybrid import HybridRetriever


class ReportRetriever(BaseRetriever):
    """Chunks of the reports as Documents; filters are inferred from the query unless given."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    hybrid: HybridRetriever
    k: int = 8
    filters: Filters | None = None
    infer_filters: bool = True

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        filters = self.filters or Filters()
        if self.infer_filters:
            filters = analyze(query, self.hybrid.resolver, explicit=self.filters).filters
        return [Document(page_content=hit.chunk.text, metadata=_metadata(hit))
                for hit in self.hybrid.retrieve(query, filters, self.k)]


def _metadata(hit: Any) -> dict[str, Any]:
    chunk, meta = hit.chunk, hit.meta
    return {"source": chunk.source, "chunk_id": chunk.chunk_id, "title": meta.title, "region": meta.region,
            "year": meta.year, "section": chunk.section_path, "section_kind": chunk.section_kind,
            "start": chunk.start, "end": chunk.end, "score": hit.score}
