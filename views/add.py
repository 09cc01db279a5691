"""Add: capture an insight in under 30 seconds, catch duplicates, then confirm its links."""

from contextlib import suppress

import streamlit as st

from insights import InsightIn, NotFound, OivallusError
from language.text import escape_markdown
from views.capture import capture_help, capture_notes, prefill_add
from views.common import (
    allowed,
    attempt,
    card_heading,
    display_name,
    kb,
    open_link,
    person,
    team,
    title_of,
)
from views.i18n import N_, _, error_text, ui
from views.insight_form import NONE, draft, insight_fields, stage_suggestion
from views.tag_suggestions import show_tag_suggestions

# The lists a person may extend, each with the words of its "added" message.
LISTS = {
    N_("Segment"): ("segment", N_("Added “{value}” to the segments.")),
    N_("Touchpoint"): ("touchpoint", N_("Added “{value}” to the touchpoints.")),
    N_("Journey stage"): ("journey_stage", N_("Added “{value}” to the journey stages.")),
    N_("Channel"): ("channel", N_("Added “{value}” to the channels.")),
}

base = kb()
words = ui()
st.title(_("Add an insight"))
if not allowed(base.insights.add, InsightIn(text="a draft")):
    st.info(_("Adding insights needs the contributor role: ask an admin if you need it."))
    st.stop()


with st.expander(_("Missing a segment, touchpoint, journey stage or channel? Add it to the list")):
    c1, c2, c3 = st.columns([2, 3, 1], vertical_alignment="bottom")
    list_name = c1.selectbox(_("List"), list(LISTS), key="choice_field", format_func=words.text)
    new_value = c2.text_input(_("New value"), key="choice_value")
    if c3.button(_("Add to list")):
        field, added = LISTS[list_name]
        try:
            base.catalog.add_choice(field, new_value)
            st.toast(_(added, value=escape_markdown(new_value.strip())))
        except OivallusError as error:  # bad input, or a role that may not
            st.error(error_text(error))
capture_help()  # the bookmarklet and the share link

# Everything, the text included, lives in one form: a text box outside it reran the page when
# it lost focus, and the browser then dropped the click on Save (Streamlit issue 8725; the
# first click was lost 3 times in 3). Similar insights show beside the form for the text last
# checked or saved, so nothing above Save ever moves.
# After a save the note's own words are emptied by setting them (the browser keeps a box's
# text when its key is only forgotten on the server: Save again then said "already stored");
# How the customer felt, at which touchpoint and stage, belong to one note and are emptied too
# (kept, a second note about another matter inherited them unseen below a phone's fold); the
# segment, channel, source, study, author and team stay for the next note of the same visit.
CONTENT = ("add_text", "add_title", "add_tags", "add_source_url")
PER_NOTE = ("add_sentiment", "add_touchpoint", "add_stage")
if st.session_state.pop("add_clear", False):  # saved: the next insight starts afresh
    for name in CONTENT:
        st.session_state[name] = ""
    for name in PER_NOTE:
        st.session_state[name] = NONE
    st.session_state.pop("add_capture", None)
prefill_add()  # a share link or the bookmarklet: the form filled, nothing stored
form_column, similar_column = st.columns([3, 2], gap="large")

capture_notes(form_column)
with form_column, st.form("add_insight", clear_on_submit=False, enter_to_submit=False):
    values = insight_fields(base, "add", author=display_name() or person() or "", team=team() or "")
    b1, b2, _spare = st.columns([1, 2, 2])
    save = b1.form_submit_button(_("Save"), type="primary")
    check = b2.form_submit_button(
        _("Check for similar"),
        help=_("See similar insights (and likely duplicates) before saving."),
    )

if check:
    st.session_state.add_checked = values["text"]
    st.session_state.pop("add_result", None)
if save:
    insight = draft(values, where=form_column)
    if insight is None:
        st.stop()
    try:
        st.session_state.add_result = base.add(insight)
    except OivallusError as error:  # a role that may not add, a file that cannot be written
        form_column.error(escape_markdown(error_text(error)))
        st.stop()
    else:
        st.session_state.add_clear = True
        st.session_state.pop("add_checked", None)
        if st.session_state.add_result.created:
            st.toast(
                _("Saved as insight #{id}", id=st.session_state.add_result.insight.id),
                icon=":material/check_circle:",
            )
        st.rerun()


def tag_draft(tag: str) -> None:
    """Add a suggested tag to the Tags box of the note being written."""
    current = [t.strip() for t in st.session_state.get("add_tags", "").split(",") if t.strip()]
    st.session_state["add_tags"] = ", ".join(dict.fromkeys([*current, tag]))


def tag_saved(insight_id: int, tag: str) -> None:
    """Add a suggested tag to the insight just saved (an edit of the version shown)."""
    insight = base.get(insight_id)
    changes = InsightIn.model_validate(
        insight.model_dump(include=set(InsightIn.model_fields)) | {"tags": [*insight.tags, tag]}
    )
    attempt(base.curation.edit, insight_id, changes, expected_version=insight.version)


checked_text = st.session_state.get("add_checked", "")
if checked_text and st.session_state.get("add_result") is None:
    with form_column:  # while the note is written: the tags of its nearest tagged insights
        show_tag_suggestions(
            base,
            checked_text,
            [t for t in st.session_state.get("add_tags", "").split(",") if t.strip()],
            "add-tag",
            tag_draft,
        )

evidence_to = st.session_state.pop("add_evidence_to", None)
if evidence_to:
    form_column.success(_("Added as evidence to insight #{id}.", id=evidence_to))


def show_similar(draft_text: str, saved_id: int | None) -> None:
    """Insights like the text checked (before saving) or saved (then: make it evidence of a
    likely duplicate instead)."""
    st.markdown(_("**Similar insights already stored**"))
    found = base.insights.similar(draft_text, k=6) if draft_text.strip() else []
    similar = [(h, d) for h, d in found if h.insight_id != saved_id][:5]
    if not similar:
        st.caption(
            _("Nothing similar yet.")
            if draft_text.strip()
            else _(
                "Check for similar before saving, or save: similar insights show here, so "
                "duplicates are caught."
            )
        )
    for hit, duplicate in similar:
        with st.container(border=True):
            label = ":orange-badge[" + _("likely duplicate") + "] " if duplicate else ""
            card_heading(st, hit.insight, label, hit.score)
            left, right = st.columns(2)
            with left:
                open_link(hit.insight_id)
            action = _("Make it evidence of this") if saved_id else _("Add as evidence to it")
            if duplicate and right.button(action, key=f"ev{hit.insight_id}"):
                evidence = InsightIn(text=draft_text, author=display_name())
                if attempt(base.curation.add_evidence, hit.insight_id, evidence) and (
                    saved_id is None or attempt(base.curation.delete, saved_id)
                ):
                    st.session_state.add_clear = True
                    st.session_state.pop("add_result", None)
                    st.session_state.pop("add_checked", None)
                    st.session_state.add_evidence_to = hit.insight_id
                    st.rerun()


def show_result(result) -> None:
    """What was saved, and its suggested links to confirm or dismiss."""
    if result.created:
        st.success(_("Saved as insight #{id}.", id=result.insight.id))
    else:
        st.info(
            _(
                "This text is already stored as insight #{id}; nothing was added.",
                id=result.insight.id,
            )
        )
    open_link(result.insight.id, _("Open the insight"))
    with suppress(NotFound):  # read afresh (an Accept changes it); gone if deleted meanwhile
        saved = base.get(result.insight.id)
        stage_suggestion(base, saved)
        show_tag_suggestions(
            base,
            saved.text,
            saved.tags,
            f"saved-tag-{saved.id}",
            lambda tag: tag_saved(saved.id, tag),
            exclude=[saved.id],
        )
    suggested = [
        link for link in base.insights.links(result.insight.id) if link.status == "suggested"
    ]
    confirmed = [
        link for link in base.insights.links(result.insight.id) if link.status == "confirmed"
    ]
    if suggested or confirmed:
        st.subheader(_("Related insights"))
        st.caption(
            _("Confirm the ones that belong together; dismissed ones are never suggested again.")
        )
    linked = _("linked")
    for link in confirmed:
        st.markdown(":green-badge[" + linked + "] " + escape_markdown(title_of(link.other)))
    for link in suggested:
        with st.container(border=True):
            card_heading(st, link.other, "", link.score)
            # a row of its own under the card: the labels are never cut ("Co...", "Dis...")
            buttons = st.container(horizontal=True, gap="small")
            if buttons.button(_("Confirm"), key=f"c{link.other_id}"):
                base.curation.confirm_link(result.insight.id, link.other_id)
                st.rerun()
            if buttons.button(_("Dismiss"), key=f"d{link.other_id}"):
                base.curation.reject_link(result.insight.id, link.other_id)
                st.rerun()


result = st.session_state.get("add_result")
if result is not None:
    with form_column:
        show_result(result)
with similar_column:
    if result is not None and result.created:
        show_similar(result.insight.text, result.insight.id)
    else:
        show_similar(st.session_state.get("add_checked", ""), None)
