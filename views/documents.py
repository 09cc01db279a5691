"""Documents (?document=ID&at=START&to=END): the list of imported documents, and the reader
of one: its whole text with speakers, times and headings, the passages that are insights
marked, a selection that becomes a highlight (tags and a note) or is redacted, the speakers
named once, and the document's highlights to edit, re-tag or delete."""

import streamlit as st

from insights import NotFound
from language.text import escape_markdown
from views.common import allowed, attempt, choose_many, kb, may, open_link, speaker_name, title_of
from views.i18n import SPEAKER_ROLE_NAMES, _, error_text, named, ui
from views.reader_component import BrowserOffsets, reader_text
from views.tag_suggestions import show_tag_suggestions
from vocabulary.documents import Document
from vocabulary.errors import OivallusError

base = kb()
words = ui()
raw_id = st.query_params.get("document", "")
READER = "views/documents.py"


def document_list() -> None:
    """Every live document, newest first, each a link into the reader."""
    st.title(_("Documents"))
    st.caption(
        _(
            "Interviews, notes and reports imported as files, each kept whole. Open one to "
            "read it, highlight passages as insights and name its speakers."
        )
    )
    found = base.documents.documents()
    if not found:
        st.info(_("No documents yet. Import a transcript, Word, PDF or Markdown file."))
        st.page_link("views/import.py", label=_("Import"), icon=":material/upload_file:")
        st.stop()
    for summary in found:
        with st.container(border=True):
            left, right = st.columns([5, 1])
            left.markdown(f"**{escape_markdown(summary.file)}**")
            facts = [
                _("Transcript") if summary.kind == "transcript" else _("Document"),
                words.day(summary.created_at),
                words.plural("{count} insight", "{count} insights", summary.insights),
            ]
            if summary.text_dropped_at:
                facts.append(_("text dropped by the retention rules"))
            left.caption(escape_markdown(" · ".join(facts)))
            with right:
                st.page_link(
                    READER,
                    label=_("Read"),
                    icon=":material/menu_book:",
                    query_params={"document": str(summary.id)},
                )


if not raw_id:
    deleted = st.session_state.pop("documents_deleted", None)
    if deleted:
        st.success(_("Deleted {file} from the documents.", file=escape_markdown(deleted)))
    document_list()
    st.stop()

try:
    document = base.documents.get(int(raw_id))
except (ValueError, NotFound) as error:
    st.title(_("Documents"))
    message = error_text(error) if isinstance(error, NotFound) else _("There is no such document.")
    st.error(escape_markdown(message))
    st.page_link(READER, label=_("All documents"), icon=":material/arrow_back:")
    st.stop()

# a page link's query parameters reach the first run but not the address bar: written here, the
# reruns a selection or a form starts keep the document (and the place it links to)
st.query_params["document"] = str(document.id)
st.title(escape_markdown(document.file), anchor=False)
back, remove = st.columns([3, 1], vertical_alignment="center")
with back:
    st.page_link(READER, label=_("All documents"), icon=":material/arrow_back:")
if may("researcher"):
    with remove.popover(_("Delete document"), icon=":material/delete:"):
        st.caption(
            _(
                "The reader lists it no more and takes no highlights in it; its insights and "
                "highlights stay."
            )
        )
        delete = st.button(_("Delete"), key=f"delete_document_{document.id}", type="primary")
        if delete and attempt(base.documents.delete, document.id):
            st.query_params.clear()
            st.session_state["documents_deleted"] = document.file
            st.rerun()
speakers = {s.number: s for s in document.speakers}


def who(number: int | None) -> str:
    """A speaker as this document shows them."""
    speaker = speakers.get(number or 0)
    return speaker_name(speaker, document.names_allowed) if speaker else ""


def speakers_form(document: Document) -> None:
    """Name the speakers once and mark their roles; only participants' turns are insights."""
    if not document.speakers or not may("researcher"):
        return
    with (
        st.expander(_("Speakers"), expanded=False),
        st.form(f"speakers_{document.id}"),
    ):
        st.caption(
            _(
                "Only participants' turns become insights. Cards show the role and a number "
                "unless you allow names."
            )
        )
        chosen = {}
        roles = list(SPEAKER_ROLE_NAMES)
        for speaker in document.speakers:
            left, right = st.columns([3, 2])
            label = escape_markdown(speaker.label or "") or _(
                "Speaker {number}", number=speaker.number
            )
            name = left.text_input(
                _("Name of {label}", label=label),
                value=speaker.name or "",
                key=f"speaker_name_{document.id}_{speaker.number}",
            )
            role = right.selectbox(
                _("Role of {label}", label=label),
                roles,
                index=roles.index(speaker.role),
                format_func=named(SPEAKER_ROLE_NAMES),
                key=f"speaker_role_{document.id}_{speaker.number}",
            )
            chosen[speaker.number] = (name, role)
        names = st.checkbox(
            _("Show speakers' names instead of roles"), value=document.names_allowed
        )
        if st.form_submit_button(_("Save speakers"), type="primary") and attempt(
            base.documents.set_speakers, document.id, chosen, names
        ):
            st.rerun()


if document.text is None:
    st.info(
        _(
            "The text of this document was dropped by the retention rules on {day}; its "
            "insights stay.",
            day=words.day(document.text_dropped_at) if document.text_dropped_at else "",
        )
    )
    st.stop()

speakers_form(document)
spans = base.documents.spans(document.id)
titles = {i.id: title_of(i) for i in base.insights.insights_by_id([s.insight_id for s in spans])}
participant = {n for n, s in speakers.items() if s.role == "participant"}


def times(segment) -> str:
    return f"{segment.started}–{segment.ended}" if segment.started else ""


focus = None
try:
    at, to = int(st.query_params.get("at", "")), int(st.query_params.get("to", ""))
    focus = {"start": at, "end": to}
    st.query_params["at"], st.query_params["to"] = str(at), str(to)
except ValueError:
    pass
hint = _("Select words in the text to highlight them as an insight.") if may("contributor") else ""
units = BrowserOffsets(document.text)  # the browser counts an emoji as two
result = reader_text(
    key=f"reader_{document.id}",
    data={
        "document_id": document.id,
        "text": document.text,
        "hint": hint,
        "segments": [
            {
                "number": s.number,
                "start": units.to_browser(s.start),
                "end": units.to_browser(s.end),
                "heading": s.heading,
                "who": who(s.speaker) if s.speaker else "",
                "times": times(s),
                "quiet": bool(document.speakers) and s.speaker not in participant,
            }
            for s in document.segments
        ],
        "marks": [
            {
                "start": units.to_browser(s.start),
                "end": units.to_browser(s.end),
                "insight_id": s.insight_id,
                "origin": s.origin,
                "title": titles.get(s.insight_id, ""),
            }
            for s in spans
        ],
        "focus": focus and {k: units.to_browser(v) for k, v in focus.items()},
    },
    on_selection_change=lambda: None,
    on_opened_change=lambda: None,
)
opened = getattr(result, "opened", None)
if opened:
    st.switch_page("views/insight.py", query_params={"insight": str(opened)})

# a selection the component reported, its offsets as Python counts (AppTest, where no browser
# runs it, sets the session key)
selection = getattr(result, "selection", None)
if selection:
    selection = dict(selection) | {
        "start": units.from_browser(int(selection.get("start") or 0)),
        "end": units.from_browser(int(selection.get("end") or 0)),
    }
selection = selection or st.session_state.get("reader_selection")
done = st.session_state.pop("reader_done", None)
if done is not None:  # the run after a highlight or a redaction: say what became of it
    if done:
        st.success(_("Highlighted as insight #{id}.", id=done))
        open_link(done)
    else:
        st.success(_("Redacted everywhere it was stored."))


def handled(selection) -> None:
    """Close the selection's panel: it was highlighted or redacted (the page shows the new
    state after a rerun; the component still holds the old selection)."""
    st.session_state["reader_handled"] = (selection["document_id"], selection["start"])
    st.session_state.pop("reader_selection", None)


if (
    selection
    and may("contributor")  # a viewer reads; adding an insight is a contributor's
    and int(selection.get("document_id") or 0) == document.id
    and st.session_state.get("reader_handled") != (selection["document_id"], selection["start"])
):
    with st.container(border=True):
        chosen_text = document.text[selection["start"] : selection["end"]]
        st.markdown(_("**Selected:** {text}", text=escape_markdown(chosen_text.strip()) or "—"))
        tags_key = f"highlight_tags_{document.id}"
        # the tag set's names and every tag in use (free tags too); synonyms are stored as
        # their tag's name by kb.documents.highlight
        tag_names = sorted(
            set(base.insights.filter_values("tags")) | {t.name for t in base.tags.tag_set()}
        )

        def pick(tag: str) -> None:
            chosen = st.session_state.get(tags_key) or []
            st.session_state[tags_key] = [*chosen, tag] if tag not in chosen else chosen

        show_tag_suggestions(
            base,
            chosen_text,
            st.session_state.get(tags_key) or [],
            f"reader-tag-{document.id}",
            pick,
        )
        with st.form(f"highlight_{document.id}", clear_on_submit=True):
            tags = choose_many(st, _("Tags"), tag_names, accept_new_options=True, key=tags_key)
            note = st.text_input(_("Note (optional)"), key=f"highlight_note_{document.id}")
            left, right = st.columns(2)
            save = left.form_submit_button(_("Highlight"), type="primary")
            redact = may("researcher") and right.form_submit_button(_("Redact"))
        if save:
            try:
                made = base.documents.highlight(selection, tags, note)
            except OivallusError as error:
                st.error(escape_markdown(error_text(error)))
            else:
                handled(selection)
                st.session_state["reader_done"] = made.id
                st.rerun()
        if redact and attempt(base.redaction.redact, selection):
            handled(selection)
            st.session_state["reader_done"] = 0
            st.rerun()

highlights = [s for s in spans if s.origin == "highlight"]
st.subheader(_("Highlights ({count})", count=words.number(len(highlights))))
if not highlights:
    st.caption(_("No highlights yet."))
for span in highlights:
    insight = base.insights.get(span.insight_id)
    with st.container(border=True):
        left, right = st.columns([5, 1])
        said = who(span.speaker)
        left.markdown(f"> {escape_markdown(insight.text)}")
        facts = [said, f"{span.started}–{span.ended}" if span.started else ""]
        facts += [insight.title or "", " ".join("#" + t for t in insight.tags)]
        left.caption(escape_markdown(" · ".join(f for f in facts if f)))
        with right:
            open_link(insight.id)
        if allowed(base.curation.edit, insight.id):
            with st.popover(_("Edit")), st.form(f"edit_highlight_{insight.id}"):
                tags = choose_many(
                    st,
                    _("Tags"),
                    sorted(
                        set(base.insights.filter_values("tags"))
                        | {t.name for t in base.tags.tag_set()}
                        | set(insight.tags)
                    ),
                    default=insight.tags,
                    accept_new_options=True,
                    key=f"edit_tags_{insight.id}",
                )
                note = st.text_input(_("Note (optional)"), value=insight.title or "")
                if st.form_submit_button(_("Save")) and attempt(
                    base.documents.retag, insight.id, tags, note
                ):
                    st.rerun()
        if (
            allowed(base.curation.delete, insight.id)
            and st.button(_("Delete"), key=f"delete_highlight_{insight.id}")
            and attempt(base.documents.delete_highlight, insight.id)
        ):
            st.rerun()
