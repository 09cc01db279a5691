"""The stored English values of our vocabulary as people read them: an insight's kind, source
and sentiment, a question's state, how evidence bears on a question. Each name is an English
message of the catalogues (language/interface.py translates it); the stored values never change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from language.interface import Interface


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    """Mark a message for the catalogues; translated where it is shown."""
    return message


# The kinds, sources and sentiments of insights, the states of questions and how evidence bears on
# them, as people read them (the stored values stay English).
KIND_NAMES = {
    "observation": N_("Observation"),
    "finding": N_("Finding"),
    "quote": N_("Quote"),
    "metric": N_("Metric"),
}
SOURCE_NAMES = {
    "field note": N_("Field note"),
    "interview": N_("Interview"),
    "survey": N_("Survey"),
    "support ticket": N_("Support ticket"),
    "usability test": N_("Usability test"),
    "analytics": N_("Analytics"),
    "other": N_("Other"),
}
SENTIMENT_NAMES = {
    "positive": N_("Positive"),
    "neutral": N_("Neutral"),
    "negative": N_("Negative"),
}
STATUS_NAMES = {
    "open": N_("Still open"),
    "in research": N_("In research"),
    "answered": N_("Answered"),
    "dropped": N_("Dropped"),
}
RELATION_NAMES = {
    "answers": N_("Answers"),
    "supports": N_("Supports"),
    "contradicts": N_("Contradicts"),
}


def name_of(words: Interface, names: dict[str, str], value: str | None) -> str:
    """A stored value by its name in the words' language ("survey" -> "kysely"); a value without
    a name (the organisation's own segment or team) as it is."""
    if value is None:
        return ""
    return words.text(names[value]) if value in names else value
