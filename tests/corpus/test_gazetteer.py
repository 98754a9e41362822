"""Place mentions read by the gazetteer's scan are those one alternation of every name would match."""

from __future__ import annotations

import re
from collections import Counter

from corpus.gazetteer import gazetteer
from tests.fakes import SAMPLES


def test_mentions_match_the_longest_first_alternation_on_every_sample() -> None:
    places = gazetteer()
    alternation = re.compile("|".join(map(re.escape, sorted(places.by_name, key=len, reverse=True))))
    texts = [path.read_text(encoding="utf-8", errors="ignore") for path in SAMPLES]
    texts.append("浙江省绍兴市诸暨市与杭州市西湖区、黑龙江省伊春市铁力市；西湖区西湖区" + "诸暨" * 3)
    for text in texts:
        expected = Counter(m.group(0) for m in alternation.finditer(text))
        assert places.mentions(text) == expected
    assert places.mentions("杭州市西湖区")["西湖区"] == 1 and places.mentions("") == Counter()
    assert all(len(name) >= 2 for name in places.by_name)  # the scan starts names at their first two characters
