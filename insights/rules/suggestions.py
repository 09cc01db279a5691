"""Suggesting the fields of a quick note from its nearest similar insights and its own words.

Pure computations on search hits (best first) and text; insights/suggesting.py gathers the hits
and the person's history. The floors and the agreement rule are measured by
benchmarks/eval_suggestions.py (figures in the docstrings below).
"""

from __future__ import annotations

import re
from collections import Counter

from language.pairs import STAGE_NEIGHBOUR
from vocabulary.knowledge import Hit, Insight

# A neighbour counts only from this fused score on (the journey stage's floor, language/pairs.py:
# no parliament sentence and 4 % of English sib200 sentences pass it among the demo insights).
NEIGHBOUR_FLOOR = STAGE_NEIGHBOUR
NEIGHBOURS = 7  # how many neighbours on the note's subject are looked at
TAG_NEIGHBOURS = 3  # a tag is suggested when at least two of the three nearest carry it


def value_of(insight: Insight, field: str) -> str | None:
    """A single-valued field of an insight as text (None when empty)."""
    value = getattr(insight, field)
    return str(value) if value not in (None, "") else None


def on_subject(hits: list[Hit], floor: float = NEIGHBOUR_FLOOR) -> list[Hit]:
    """The hits close enough to count as the same subject."""
    return [h for h in hits if h.score >= floor]


def agreed(
    hits: list[Hit], field: str, floor: float = NEIGHBOUR_FLOOR, k: int = NEIGHBOURS
) -> tuple[str, list[Hit], int] | None:
    """The value of `field` the two nearest neighbours on the subject that have one share:
    (value, the neighbours with it among the `k` nearest with a value, how many were looked
    at); None when fewer than two have a value or the nearest two disagree (the rule of
    insights/rules/stages.py for any field)."""
    near = [h for h in on_subject(hits, floor) if value_of(h.insight, field)][:k]
    if len(near) < 2 or value_of(near[0].insight, field) != value_of(near[1].insight, field):
        return None
    value = value_of(near[0].insight, field)
    assert value is not None
    return value, [h for h in near if value_of(h.insight, field) == value], len(near)


def agreed_tags(
    hits: list[Hit], floor: float = NEIGHBOUR_FLOOR, k: int = TAG_NEIGHBOURS
) -> list[tuple[str, list[Hit], int]]:
    """Tags at least two of the `k` nearest tagged neighbours on the subject carry, most
    carried first: (tag, the neighbours carrying it, how many were looked at)."""
    near = [h for h in on_subject(hits, floor) if h.insight.tags][:k]
    counts = Counter(tag for h in near for tag in dict.fromkeys(h.insight.tags))
    return [
        (tag, [h for h in near if tag in h.insight.tags], len(near))
        for tag, count in counts.most_common()
        if count >= 2
    ]


# Words that report a problem or a pleasure, English and Finnish; a Finnish entry is a word's
# beginning (it is inflected: "myöhästyi", "myöhässä"), an English one a whole word unless it
# ends in "*".
NEGATIVE = """
not no never cannot can't couldn't don't didn't doesn't won't wasn't isn't aren't without
late* delay* wrong problem* issue* complain* angry annoy* frustrat* confus* hard difficult*
broke* damag* missing fail* lost stolen declin* error* slow* expensive cancel* churn* hidden
too worse worst bad poor unclear hesitat* crash* stuck wait* disappoint* unhappy mistake*
overcharg* charged twice refund* leak* spoil* unable
ei eivät en et emme ette eikä myöhä* ongelm* vaike* hankal* rikki puuttu* valit* sekav*
kallis* kallii* hidas* hitaa* turhaut* virhe* epäselv* liian huono* harmi* lopet* odot*
suuttu* pettyn* unohtu* kadon* katos* peru* pilaan* lämmin* reklam*
"""
POSITIVE = """
love* great easy easier happy like liked thanks thank helpful good excellent prais*
pleased impressed favourabl* popular polite friendly best enjoy* recommend* glad smooth*
kiitos kiitt* hyvä* hieno* helppo* helpo* tykkä* ihana* erinomai* kätevä* mahtava* kehu*
ilahtu* tyytyväi* paras* suosi* monipuoli* kiva* loistava*
"""


def _lexicon(words: str) -> tuple[frozenset[str], tuple[str, ...]]:
    entries = words.split()
    return (
        frozenset(e for e in entries if not e.endswith("*")),
        tuple(e[:-1] for e in entries if e.endswith("*")),
    )


_LEXICONS = {"negative": _lexicon(NEGATIVE), "positive": _lexicon(POSITIVE)}
_WORD = re.compile(r"[\w'’]+")


def sentiment_words(text: str) -> dict[str, list[str]]:
    """The words of `text` that report a problem ("negative") or a pleasure ("positive")."""
    found: dict[str, list[str]] = {"negative": [], "positive": []}
    for word in _WORD.findall(text.lower().replace("’", "'")):
        for name, (whole, starts) in _LEXICONS.items():
            if word in whole or word.startswith(starts):
                found[name].append(word)
    return found


def sentiment_from_words(text: str) -> tuple[str, list[str]] | None:
    """A sentiment read from the words: "negative" when problem words are at least as many as
    pleasure words, "positive" when pleasure words are more; None when it has neither."""
    found = sentiment_words(text)
    negative, positive = found["negative"], found["positive"]
    if not negative and not positive:
        return None
    if len(negative) >= len(positive):
        return "negative", negative
    return "positive", positive
