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
    "e-mail": N_("E-mail"),
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
SPEAKER_ROLE_NAMES = {
    "interviewer": N_("Interviewer"),
    "participant": N_("Participant"),
    "other": N_("Other speaker"),
}

# What an audit entry says was done (its stored action), as people read it.
ACTION_NAMES = {
    "add evidence": N_("evidence added"),
    "apply retention": N_("retention rules applied"),
    "ask": N_("question asked"),
    "backup": N_("backed up"),
    "bulk edit": N_("edited in bulk"),
    "confirm link": N_("link confirmed"),
    "create": N_("created"),
    "create many": N_("created in a batch"),
    "define": N_("defined"),
    "delete": N_("deleted"),
    "disable": N_("disabled"),
    "dismiss evidence": N_("evidence dismissed"),
    "edit": N_("edited"),
    "erase": N_("personal data erased"),
    "export": N_("exported"),
    "highlight": N_("highlighted"),
    "import": N_("imported"),
    "import behaviour": N_("behaviour imported"),
    "link evidence": N_("evidence linked"),
    "merge": N_("merged"),
    "pin": N_("pinned"),
    "recompute": N_("recomputed"),
    "redact": N_("redacted"),
    "reject link": N_("link rejected"),
    "rename": N_("renamed"),
    "restore": N_("restored"),
    "restore version": N_("version restored"),
    "set choices": N_("choice lists changed"),
    "set email": N_("e-mail address changed"),
    "set language": N_("language changed"),
    "set password": N_("password changed"),
    "set retention": N_("retention rule set"),
    "set role": N_("role changed"),
    "set speakers": N_("speakers named"),
    "set status": N_("status changed"),
    "show on overview": N_("shown on the Overview"),
    "split": N_("split"),
    "undo": N_("undone"),
    "vote": N_("voted"),
}


def name_of(words: Interface, names: dict[str, str], value: str | None) -> str:
    """A stored value by its name in the words' language ("survey" -> "kysely"); a value without
    a name (the organisation's own segment or team) as it is."""
    if value is None:
        return ""
    return words.text(names[value]) if value in names else value


# Where a person's data may stand (storage.privacy.TEXT_PLACES), as the Privacy page names it.
PLACE_NAMES = {
    "insight": N_("Insight"),
    "insight version": N_("Earlier version of an insight"),
    "evidence": N_("Evidence"),
    "question": N_("Question"),
    "question note": N_("Note on a question's state"),
    "import": N_("Imported file"),
    "audit entry": N_("Audit log entry"),
    "document": N_("Document"),
    "document segment": N_("Part of a document"),
    "speaker": N_("Speaker"),
    "API token": N_("API token"),
}
