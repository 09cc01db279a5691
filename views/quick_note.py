"""Quick note: the text and one Save; the rest is suggested after saving (the person's team
and usual segment, today, the sentiment, and the stage, segment, touchpoint and tags of the
nearest similar insights), each shown with where it came from and accepted with one tap."""

from contextlib import suppress

import streamlit as st

from insights import Insight, InsightIn, NotFound, OivallusError, Suggestion
from insights.suggesting import applied
from language.text import escape_markdown
from views.common import allowed, attempt, display_name, kb, metadata_line, open_link, title_of
from views.i18n import SENTIMENT_NAMES, _, error_text, named, ui
from views.insight_form import LABELS
from views.tag_suggestions import show_tag_suggestions

base = kb()
words = ui()
st.title(_("Quick note"))
if not allowed(base.insights.add, InsightIn(text="a draft")):
    st.info(_("Adding insights needs the contributor role: ask an admin if you need it."))
    st.stop()

# The text lives in a form (a box outside one reran the page when it lost focus and the
# browser dropped the click on Save: see views/add.py). After a save its words are emptied by
# setting them, so the next note of the visit starts afresh.
if st.session_state.pop("quick_clear", False):
    st.session_state["quick_text"] = ""
with st.form("quick_note", clear_on_submit=False, enter_to_submit=False, border=False):
    text = st.text_area(
        _("What did you notice?"),
        key="quick_text",
        height=110,
        placeholder=_("e.g. A customer asked why the sofa delivery was two weeks late."),
    )
    buttons = st.container(horizontal=True, gap="small")
    with buttons:
        save = st.form_submit_button(_("Save"), type="primary", icon=":material/check:")
        more = st.form_submit_button(
            _("More details"), help=_("Open the full form with this text"), type="tertiary"
        )

if more:  # the full form of Add, its text box filled with this one
    st.session_state["add_text"] = text
    st.switch_page("views/add.py")
if save:
    if not text.strip():
        st.error(_("Write the note first."))
        st.stop()
    try:
        result = base.add(InsightIn(text=text, author=display_name()))
    except OivallusError as error:  # a role that may not add, a text too long, a full disk
        st.error(escape_markdown(error_text(error)))
        st.stop()
    st.session_state.quick_saved = result.insight.id
    st.session_state.quick_clear = True
    st.rerun()


def shown_value(suggestion: Suggestion) -> str:
    """A suggested value as the person reads it."""
    if suggestion.field == "sentiment":
        return named(SENTIMENT_NAMES)(suggestion.value)
    if suggestion.field == "observed_at":
        from datetime import date

        return words.day(date.fromisoformat(suggestion.value))
    if suggestion.field == "tags":
        return "#" + suggestion.value
    return suggestion.value


def why(suggestion: Suggestion, titles: dict[int, str]) -> str:
    """Where a suggestion came from, with links to the insights behind it (escaped Markdown)."""
    count = len(suggestion.neighbours)
    if suggestion.reason == "account":
        return _("Your team in your account")
    if suggestion.reason == "today":
        return _("The day you saved it")
    if suggestion.reason == "words":
        return _("From its words: {words}", words=escape_markdown(", ".join(suggestion.words)))
    if suggestion.reason == "usual":
        said = words.plural(
            "{count} of your {of} earlier insights has it:",
            "{count} of your {of} earlier insights have it:",
            count,
            of=words.number(suggestion.of),
        )
    else:
        said = words.plural(
            "{count} of the {of} most similar insights has it:",
            "{count} of the {of} most similar insights have it:",
            count,
            of=words.number(suggestion.of),
        )
    links = [
        f"[{escape_markdown(short(titles[i]))}](?insight={i})"
        for i in suggestion.neighbours[:3]
        if i in titles
    ]
    return said + " " + " · ".join(links)


def short(title: str, limit: int = 48) -> str:
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


def accept(insight: Insight, suggestion: Suggestion) -> None:
    """Store the suggestion in the saved note (an edit against the version shown)."""
    changes = InsightIn.model_validate(applied(insight, suggestion))
    if attempt(base.curation.edit, insight.id, changes, expected_version=insight.version):
        label = _(LABELS.get(suggestion.field, suggestion.field))
        st.toast(
            _("{field} saved: {value}", field=label, value=shown_value(suggestion)),
            icon=":material/check_circle:",
        )
        st.rerun()


def show_saved(insight: Insight) -> None:
    """The note just saved, and the suggestions for its empty fields."""
    st.success(_("Saved as insight #{id}.", id=insight.id))
    st.caption(escape_markdown(title_of(insight)) + " · " + metadata_line(insight))
    suggestions = base.curation.suggest(insight.id)
    if not suggestions:
        st.caption(_("No suggestions for this note: nothing similar is stored yet."))
    else:
        st.markdown(_("**Suggestions** — tap what fits, ignore the rest."))
    ids = [i for s in suggestions for i in s.neighbours[:3]]
    titles = {i.id: title_of(i) for i in base.insights.insights_by_id(list(dict.fromkeys(ids)))}
    for number, suggestion in enumerate(suggestions):
        label = _(LABELS.get(suggestion.field, suggestion.field))
        with st.container(border=True, gap="small"):
            if st.button(
                _("{field}: {value}", field=label, value=shown_value(suggestion)),
                key=f"suggested-{insight.id}-{number}-{suggestion.field}",
                icon=":material/add:",
                width="stretch",
            ):
                accept(insight, suggestion)
            st.caption(why(suggestion, titles))
    offered = [s.value for s in suggestions if s.field == "tags"]
    show_tag_suggestions(
        base,
        insight.text,
        [*insight.tags, *offered],
        f"quick-tag-{insight.id}",
        lambda tag: add_tag(insight.id, tag),
        exclude=[insight.id],
    )
    open_link(insight.id, _("Open the insight"))


def add_tag(insight_id: int, tag: str) -> None:
    """Add a suggested tag to the saved note (an edit of the version shown)."""
    insight = base.get(insight_id)
    suggestion = Suggestion(field="tags", value=tag, reason="neighbours")
    changes = InsightIn.model_validate(applied(insight, suggestion))
    attempt(base.curation.edit, insight_id, changes, expected_version=insight.version)


saved = st.session_state.get("quick_saved")
if saved is not None:
    with suppress(NotFound):  # read afresh (each Accept changes it); gone if deleted meanwhile
        show_saved(base.get(saved))
