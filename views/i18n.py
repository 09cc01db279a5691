"""The interface language of the person using the app, and the words and formats in it.

The language is the person's own choice (their account), else the browser's
(`st.context.locale`), else $OIVALLUS_LANGUAGE, else English; Finnish, Swedish and English are
offered (language/interface.py holds the catalogues and the formats).

A widget's `format_func` is kept and called again outside the run (AppTest does): give it
`ui().text` or a closure over words translated in the run, never `_` itself.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from language.interface import LANGUAGES, Interface, supported
from language.names import (  # noqa: F401 - the pages take the names (and N_) from here
    ACTION_NAMES,
    KIND_NAMES,
    N_,
    PLACE_NAMES,
    RELATION_NAMES,
    SENTIMENT_NAMES,
    SOURCE_NAMES,
    SPEAKER_ROLE_NAMES,
    STATUS_NAMES,
)
from vocabulary import settings
from vocabulary.errors import Message, OivallusError


def language_code(chosen: str | None = None) -> str:
    """The language to speak: `chosen` (a person's setting), the browser's, the server's."""
    try:
        browser = st.context.locale
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest, bare mode)
        browser = None
    return supported(chosen) or supported(browser) or supported(settings.current().language) or "en"


def ui() -> Interface:
    """The words and formats of this session (its language is set on every run by app.py)."""
    return _interface(st.session_state.get("language") or language_code())


@st.cache_resource(show_spinner=False)
def _interface(code: str) -> Interface:
    return Interface(code)


def _(message: str, **values: object) -> str:
    """A message in this session's language, its `{placeholders}` filled."""
    return ui().text(message, **values)


def act(message: str, **values: object) -> str:
    """A button's verb in this session's language, where English spells the noun alike
    ("Import" the page, "Import" the button: Finnish "Tuonti", "Tuo")."""
    return ui().action(message, **values)


# The roles as people read them (the stored values stay English).
ROLE_NAMES = {
    "viewer": N_("viewer"),
    "contributor": N_("contributor"),
    "researcher": N_("researcher"),
    "admin": N_("admin"),
}


def named(names: dict[str, str]) -> Callable[[object], str]:
    """A widget's `format_func` (and a display function) for stored English values: each value
    by its name in this run's language; a value without a name as it is."""
    words = ui()
    return lambda value: words.text(names[value]) if value in names else str(value)


def language_names() -> dict[str, str]:
    """Each offered language in its own words (Suomi, Svenska, English)."""
    return dict(LANGUAGES)


# Our fields as an error names them ("text is empty"): the stored names are English keys.
FIELD_NAMES = (
    N_("text"),
    N_("title"),
    N_("kind"),
    N_("source"),
    N_("study_id"),
    N_("author"),
    N_("team"),
    N_("segment"),
    N_("touchpoint"),
    N_("journey_stage"),
    N_("channel"),
    N_("sentiment"),
    N_("observed_at"),
    N_("tags"),
    N_("language"),
    N_("external_id"),
    N_("source_url"),
    N_("name"),
    N_("started_on"),
    N_("ended_on"),
    N_("username"),
    N_("display_name"),
    N_("email"),
    N_("role"),
    N_("decision"),
    N_("impact"),
    N_("effort"),
    N_("decision_date"),
    N_("segments"),
    N_("asked_by"),
    N_("method"),
    N_("owner"),
    N_("description"),
    N_("answer"),
    N_("reason"),
    N_("password"),
    N_("passphrase"),
    N_("group"),
    N_("synonyms"),
    N_("into"),
    N_("new name"),
    N_("dimension"),
)


def error_text(error: BaseException | Message) -> str:
    """What went wrong, in this session's language: one of our errors (or a `Message`) is
    looked up in the catalogues by its English template and filled with its values (counts
    written as the language does, our field names translated); any other error as it says."""
    message = error.message if isinstance(error, OivallusError) else error
    if isinstance(message, Message):
        words = ui()
        return message.fill(words.text, words.number)
    return str(error)
