"""The default answerer: offline and deterministic, every statement a verbatim clause with a citation.

It routes each question to the builder of its intent (answer/builders/); every builder ranks the
reports' clauses with the same fitted scorer (answer/scoring.py).
"""

from __future__ import annotations

from answer.builders import BUILDERS, figures
from answer.builders.common import AnswerContext, ExtractiveOptions, abstain
from answer.scoring import ClauseScorer, ScorerModel
from answer.types import Answer
from retriever.analysis import QueryPlan
from retriever.intent import Intent
from retriever.types import Retriever

__all__ = ["ExtractiveAnswerer", "ExtractiveOptions"]


class ExtractiveAnswerer:
    """Composes answers from the reports' own clauses, each carrying a citation marker."""

    mode = "extractive"

    def __init__(self, retriever: Retriever, options: ExtractiveOptions | None = None,
                 model: ScorerModel | None = None) -> None:
        self.retriever = retriever
        self.options = options or ExtractiveOptions()
        self.scorer = ClauseScorer(retriever, model)

    def answer(self, plan: QueryPlan) -> Answer:
        """Answer one analysed question."""
        context = AnswerContext(self.retriever, self.scorer, self.options)
        if plan.foreign_places and not plan.filters.regions:
            names = "、".join(plan.foreign_places)
            return abstain(context, plan, f"报告库中没有关于{names}的报告（也没有报告提到它），无法回答这个问题。"
                                          "下面列出最相关的段落，供参考。")
        if not plan.parts and plan.intent not in (Intent.FILTER, Intent.SECTION):
            return abstain(context, plan, "没有从问题中识别出要查找的内容，请说明想了解哪方面的情况"
                                          "（例如：“哪些县设立了行政争议调解中心？”）。")
        table = figures.figure_table(self.retriever, plan)
        if table is not None:
            return figures.build(context, plan, table)
        return BUILDERS[plan.intent](context, plan)
