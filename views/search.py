"""Search: one box, hybrid meaning + words, filters, paginated result cards."""

import streamlit as st

from insights import EditConflict, InvalidInput, SearchFilters
from language.text import escape_markdown, snippet
from views.common import (
    PAGE_SIZE,
    allowed,
    attempt,
    choose_many,
    highlighted,
    kb,
    metadata_line,
    my_names,
    open_link,
    own_title,
)
from views.i18n import KIND_NAMES, SENTIMENT_NAMES, SOURCE_NAMES, _, error_text, named, ui
from vocabulary.knowledge import Kind, Sentiment, Source

MAX_RESULTS = 200

base = kb()
st.title(_("Search insights"))
waiting = base.backlog.questions_with_new_evidence()
if waiting:
    st.page_link(
        "views/backlog.py",
        label=ui().plural(
            "New evidence for {count} open question",
            "New evidence for {count} open questions",
            len(waiting),
        ),
        icon=":material/notifications:",
    )
box, mine_column = st.columns([6, 1], vertical_alignment="center")
query = box.text_input(
    _("Search"),
    key="q",
    placeholder=_("e.g. slow checkout on mobile · toimitukset"),
    label_visibility="collapsed",
)
mine = mine_column.toggle(
    _("Mine"), key="search_mine", help=_("Only insights you are the author of.")
)

with st.expander(_("Filters"), expanded=False):
    c1, c2, c3 = st.columns(3)
    kinds = choose_many(c1, _("Kind"), [k.value for k in Kind], format_func=named(KIND_NAMES))
    sources = choose_many(
        c2, _("Source"), [s.value for s in Source], format_func=named(SOURCE_NAMES)
    )
    sentiments = choose_many(
        c3, _("Sentiment"), [s.value for s in Sentiment], format_func=named(SENTIMENT_NAMES)
    )
    c1, c2, c3 = st.columns(3)
    segments = choose_many(c1, _("Segment"), base.catalog.choices("segment"))
    touchpoints = choose_many(c2, _("Touchpoint"), base.catalog.choices("touchpoint"))
    stages = choose_many(c3, _("Journey stage"), base.catalog.choices("journey_stage"))
    c1, c2, c3 = st.columns(3)
    studies = {s.title: s.id for s in base.catalog.studies()}
    study_titles = choose_many(c1, _("Study"), list(studies))
    teams = choose_many(c2, _("Team"), base.insights.filter_values("team"))
    names = {w for t in base.tags.tag_set() for w in (t.name, *t.synonyms)}  # synonyms find too
    tags = choose_many(c3, _("Tags"), sorted(set(base.insights.filter_values("tags")) | names))
    c1, c2, _spare = st.columns(3)
    observed_from = c1.date_input(_("Observed from"), value=None, format=ui().date_input_format)
    observed_to = c2.date_input(_("Observed to"), value=None, format=ui().date_input_format)

filters = SearchFilters(
    kind=kinds,
    source=sources,
    sentiment=sentiments,
    segment=segments,
    touchpoint=touchpoints,
    journey_stage=stages,
    study_id=[studies[t] for t in study_titles],
    team=teams,
    author=my_names() if mine else [],
    tags=tags,
    observed_from=observed_from,
    observed_to=observed_to,
)

# A new query or new filters start again from the first page.
signature = (query, filters.model_dump_json())
if st.session_state.get("search_signature") != signature:
    st.session_state.search_signature = signature
    st.session_state.search_page = 0
page = st.session_state.search_page
offset = page * PAGE_SIZE

try:
    if query.strip():
        hits = base.search(query, k=PAGE_SIZE + 1, offset=offset, filters=filters)
        has_next = len(hits) > PAGE_SIZE and offset + PAGE_SIZE < MAX_RESULTS
        results = [(h.insight, h.score) for h in hits[:PAGE_SIZE]]
        st.caption(
            _(
                "Best matches for “{query}”, page {page}",
                query=escape_markdown(query.strip()),
                page=page + 1,
            )
        )
    else:
        insights, total = base.insights.browse(filters, offset=offset, limit=PAGE_SIZE)
        has_next = offset + PAGE_SIZE < total
        results = [(i, None) for i in insights]
        st.caption(
            ui().plural(
                "{count} insight, newest first · page {page}",
                "{count} insights, newest first · page {page}",
                total,
                page=page + 1,
            )
        )
except InvalidInput as error:
    st.error(error_text(error))
    st.stop()

if not results:
    st.info(_("Nothing found. Try other words or fewer filters."))

may_edit = allowed(base.curation.bulk_edit, [])
picked: set[int] = st.session_state.setdefault("search_picked", set())
# The version of each picked insight as it was shown: the bulk edit is checked against it.
seen: dict[int, int] = st.session_state.setdefault("search_picked_versions", {})
if results:
    export, *_spare = st.columns([3, 1, 1])
    export.caption(_("Export this result (every page, all fields and links):"))
    e1, e2, bulk = st.columns([1, 1, 3])
    formats = {"csv": ("CSV", "text/csv"), "parquet": ("Parquet", "application/vnd.apache.parquet")}
    speaking = ui().code  # a CSV's headers in my language (Import reads them back)
    for column, (fmt, (label, mime)) in zip((e1, e2), formats.items(), strict=True):
        column.download_button(  # the file is built only when the button is pressed
            label,
            lambda fmt=fmt: base.insights.export_insights(query, filters, fmt, language=speaking),
            file_name=f"insights.{fmt}",
            mime=mime,
            icon=":material/download:",
        )
    if may_edit:
        note, select_page = bulk.columns([3, 1], vertical_alignment="center")
        note.caption(
            ui().plural(
                "{count} insight selected: tick cards, then set their stage, segment, "
                "touchpoint or tags at the bottom.",
                "{count} insights selected: tick cards, then set their stage, segment, "
                "touchpoint or tags at the bottom.",
                len(picked),
            )
        )
        if select_page.button(_("Select page")):
            for insight, _score in results:
                picked.add(insight.id)
                seen.setdefault(insight.id, insight.version)
                st.session_state[f"pick{insight.id}"] = True
            st.rerun()

for insight, score in results:
    with st.container(border=True):
        if may_edit:
            pick, head, link = st.columns([0.4, 6, 1])
            chosen = pick.checkbox(
                _("Select"),
                value=insight.id in picked,
                key=f"pick{insight.id}",
                label_visibility="collapsed",
            )
            (picked.add if chosen else picked.discard)(insight.id)
            if chosen:
                seen.setdefault(insight.id, insight.version)
            else:
                seen.pop(insight.id, None)
        else:
            head, link = st.columns([6, 1])
        title = own_title(insight)
        text = highlighted(snippet(insight.text, query, insight.language))
        if title:
            head.markdown(f"**{highlighted(snippet(title, query, insight.language, 120))}**")
            st.markdown(text)
        else:  # no title of its own: the text once, not its first words twice
            head.markdown(text)
        with link:
            open_link(insight.id)
        caption = metadata_line(insight)
        if score is not None:
            caption += " · " + _("score {score}", score=ui().number(score, 2))
        st.caption(caption)

prev_col, _middle, next_col = st.columns([1, 4, 1])
if prev_col.button(_("Previous"), disabled=page == 0, width="stretch"):
    st.session_state.search_page = page - 1
    st.rerun()
if next_col.button(_("Next"), disabled=not has_next, width="stretch"):
    st.session_state.search_page = page + 1
    st.rerun()


def _apply_bulk(ids: list[int], changes: dict, versions: dict[int, int] | None) -> None:
    """Run the bulk edit; on a conflict keep it pending (which insights changed meanwhile)."""
    refused: list[EditConflict] = []

    def run() -> None:
        try:
            base.curation.bulk_edit(ids, **changes, expected_versions=versions)
        except EditConflict as error:
            refused.append(error)

    if not attempt(run):
        return
    if refused:
        st.session_state.search_bulk_conflict = {
            "ids": ids,
            "changes": changes,
            "message": error_text(refused[0]),
        }
        st.rerun()
    st.session_state.pop("search_bulk_conflict", None)
    st.session_state.search_bulk_done = len(ids)
    picked.clear()
    seen.clear()
    for key in [k for k in st.session_state if str(k).startswith("pick")]:
        del st.session_state[key]
    st.rerun()


pending = st.session_state.get("search_bulk_conflict")
if may_edit and pending:
    st.error(escape_markdown(pending["message"]))
    st.caption(
        _(
            "Tags are added and removed as a change, so applying it to the current versions "
            "keeps what the others did to these insights."
        )
    )
    again, drop = st.columns(2)
    if again.button(_("Apply to the current versions"), type="primary"):
        _apply_bulk(pending["ids"], pending["changes"], None)
    if drop.button(_("Cancel the bulk edit")):
        st.session_state.pop("search_bulk_conflict", None)
        st.rerun()

if may_edit and results:
    with (
        st.expander(
            _("Edit the selected insights ({count})", count=len(picked)), expanded=bool(picked)
        ),
        st.form("bulk-edit", clear_on_submit=True),
    ):
        c1, c2, c3, c4, c5 = st.columns(5)
        keep = _("— leave as it is —")
        new_stage = c1.selectbox(_("Journey stage"), [keep, *base.catalog.choices("journey_stage")])
        new_segment = c2.selectbox(_("Segment"), [keep, *base.catalog.choices("segment")])
        new_touchpoint = c3.selectbox(_("Touchpoint"), [keep, *base.catalog.choices("touchpoint")])
        new_tags = c4.text_input(_("Add tags"), placeholder=_("comma, separated"))
        old_tags = c5.text_input(_("Remove tags"), placeholder=_("comma, separated"))
        apply = ui().plural("Apply to {count} insight", "Apply to {count} insights", len(picked))
        if st.form_submit_button(apply, disabled=not picked):
            changes: dict = {
                "journey_stage": new_stage,
                "segment": new_segment,
                "touchpoint": new_touchpoint,
            }
            changes = {k: v for k, v in changes.items() if v != keep}
            changes["add_tags"] = [t for t in new_tags.split(",") if t.strip()]
            changes["remove_tags"] = [t for t in old_tags.split(",") if t.strip()]
            ids = sorted(picked)
            _apply_bulk(ids, changes, {i: seen[i] for i in ids if i in seen})
done = st.session_state.pop("search_bulk_done", None)
if done:
    st.toast(
        ui().plural("Updated {count} insight.", "Updated {count} insights.", done),
        icon=":material/check_circle:",
    )
