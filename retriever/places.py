"""Places a question names: the corpus's regions (full or short form), their parents, and places elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from corpus.gazetteer import gazetteer, short_form

MentionedInCorpus = Callable[[str], bool]  # does any report's text contain this name?


@dataclass(frozen=True, slots=True)
class PlaceMentions:
    """What the places named in a question are, relative to the corpus."""

    regions: tuple[str, ...]  # corpus regions (a report is about each), in order of mention
    foreign: tuple[str, ...]  # places no report is about nor mentions: the corpus cannot answer for them
    named_in_reports: tuple[str, ...]  # other places that reports mention (铁力市 in 伊春's report): topic terms
    within: tuple[str, ...] = ()  # corpus regions under a province or prefecture named instead (浙江 -> 诸暨市…)


class RegionResolver:
    """Maps full and short place names in text to the corpus's regions; spots places outside it."""

    def __init__(self, corpus_regions: Iterable[str], corpus_parents: Iterable[str] = (),
                 mentioned: MentionedInCorpus | None = None,
                 region_parents: Mapping[str, Iterable[str | None]] | None = None) -> None:
        """region_parents: each region's province and prefecture, so a question naming one (浙江的报告, 泉州)
        is about the corpus regions under it."""
        self.regions = sorted(set(filter(None, corpus_regions)))
        self.aliases: dict[str, str] = {}
        for region in self.regions:
            self.aliases[region] = region
            if len(short_form(region)) >= 2:
                self.aliases.setdefault(short_form(region), region)
        parents = {p for p in corpus_parents if p}
        self.parents = parents | {short_form(p) for p in parents}
        self._mentioned = mentioned or (lambda name: False)
        self._under: dict[str, set[str]] = {}  # a parent's full and short name -> corpus regions under it
        for region, parents_of_region in (region_parents or {}).items():
            for parent in filter(None, parents_of_region):
                for name in {parent, short_form(parent)}:
                    if len(name) >= 2:
                        self._under.setdefault(name, set()).add(region)
        names = sorted(self.aliases, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def in_reports(self, text: str) -> bool:
        """Whether any report's text contains the (normalised) text."""
        return self._mentioned(text)

    def regions_in(self, text: str) -> list[str]:
        """Corpus regions the text names, in order of first mention."""
        if self._pattern is None:
            return []
        found: list[str] = []
        for match in self._pattern.finditer(text):
            region = self.aliases[match.group(0)]
            if region not in found:
                found.append(region)
        return found

    def mentions(self, text: str) -> PlaceMentions:
        """The corpus regions, foreign places and report-mentioned places a question names."""
        regions = self.regions_in(text)
        rest = self.strip(text)
        foreign: list[str] = []
        named: list[str] = []
        for name in _place_names(rest):
            if name in self.parents or short_form(name) in self.parents:
                continue
            if any(name in region or region in name for region in self.regions):
                continue
            if self._mentioned(name) or (short_form(name) != name and self._mentioned(short_form(name))):
                named.append(name)
            elif name not in foreign:
                foreign.append(name)
        # A parent qualifying a place elsewhere (浙江省宁波市) narrows nothing: that place has no report.
        within = () if regions or foreign else self.within(text)
        return PlaceMentions(tuple(regions), tuple(foreign), tuple(named), within)

    def within(self, text: str) -> tuple[str, ...]:
        """Corpus regions under the provinces and prefectures the text names, in corpus order."""
        under = set().union(*(regions for name, regions in self._under.items() if name in text))
        return tuple(region for region in self.regions if region in under)

    def strip(self, text: str) -> str:
        """Text with corpus place names (and their parents) removed."""
        if self._pattern is not None:
            text = self._pattern.sub(" ", text)
        for parent in sorted(self.parents, key=len, reverse=True):
            text = text.replace(parent, " ")
        return text


def _place_names(text: str) -> list[str]:
    """Place names in text: full names, and short forms of provinces and prefectures (深圳) or of a county
    after its parent (深圳南山) or standing as a word of its own (余杭的…)."""
    import rjieba

    places = gazetteer()
    found = list(places.mentions(text))
    remaining = text
    for name in found:
        remaining = remaining.replace(name, " ")
    tokens = set(rjieba.cut(remaining))
    for short, full_names in _short_names().items():
        if short not in remaining:
            continue
        chosen = None
        for full in full_names:
            for place in places.by_name[full]:
                parent = short_form(place.prefecture or place.province)
                if place.level != "county" or parent + short in remaining:
                    chosen = full
        # A county's short form alone is a place only where it reads as one: a word of its own that opens
        # the question or is followed by 的 (余杭的…), not a common word (新建几个).
        reads_as_place = re.search(rf"(^|\s){re.escape(short)}|{re.escape(short)}的", remaining)
        if chosen is None and short in tokens and reads_as_place:
            chosen = full_names[0]
        if chosen is not None:
            found.append(chosen)
            remaining = remaining.replace(short, " ")
    return found


_SHORT_NAMES: dict[str, tuple[str, ...]] = {}


def _short_names() -> dict[str, tuple[str, ...]]:
    """Short form (two characters or more) -> the full names it may stand for, longest short forms first."""
    if not _SHORT_NAMES:
        names: dict[str, set[str]] = {}
        for place in gazetteer().places:
            short = short_form(place.name)
            if short != place.name and len(short) >= 2:
                names.setdefault(short, set()).add(place.name)
        for short in sorted(names, key=len, reverse=True):
            _SHORT_NAMES[short] = tuple(sorted(names[short]))
    return _SHORT_NAMES
