"""One answer builder per intent, each composing an answer from scored evidence units."""

from __future__ import annotations

from collections.abc import Callable

from answer.builders import compare, facts, listing, metadata, section, wording
from answer.builders.common import AnswerContext
from answer.types import Answer
from retriever.analysis import QueryPlan
from retriever.intent import Intent

Builder = Callable[[AnswerContext, QueryPlan], Answer]

BUILDERS: dict[Intent, Builder] = {
    Intent.LIST: listing.build,
    Intent.NUMERIC: facts.build,
    Intent.FACTOID: facts.build,
    Intent.SECTION: section.build,
    Intent.COMPARE: compare.build,
    Intent.WORDING: wording.build,
    Intent.FILTER: metadata.build,
}
