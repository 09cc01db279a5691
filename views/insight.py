"""One insight (deep link ?insight=ID): text, metadata, evidence, study, links, edit, history."""

import streamlit as st

from insights import NotFound
from language.text import escape_markdown
from views.common import (
    allowed,
    attempt,
    card_heading,
    kb,
    may,
    metadata_line,
    open_link,
    own_title,
    title_of,
)
from views.i18n import ACTION_NAMES, RELATION_NAMES, SOURCE_NAMES, _, named, ui
from views.insight_form import edit_form, stage_suggestion

base = kb()
words = ui()
raw_id = st.query_params.get("insight", "")
if not raw_id:
    st.title(_("Insight"))
    chosen = st.number_input(_("Open insight number"), min_value=1, step=1, value=None)
    if chosen:
        st.query_params["insight"] = str(int(chosen))
        st.rerun()
    st.subheader(_("Newest"))
    for item in base.insights.browse(limit=10)[0]:
        open_link(item.id, f"#{item.id} {escape_markdown(title_of(item))}")
    st.stop()

try:
    insight = base.get(int(raw_id), include_deleted=True)
except (ValueError, NotFound):
    st.error(
        _(
            "There is no insight {id}. Check the link or search for it.",
            id=escape_markdown(raw_id),
        )
    )
    st.stop()

heading = own_title(insight)
st.title(escape_markdown(heading) if heading else _("Insight #{id}", id=insight.id), anchor=False)


def when(moment) -> str:
    """A moment as the person writes it: the day, then the time."""
    return words.moment(moment)


if insight.deleted_at:
    st.warning(_("This insight was deleted on {when}.", when=when(insight.deleted_at)))
    if may("admin") and st.button(_("Restore it")):
        base.curation.restore(insight.id)
        st.rerun()
st.caption(metadata_line(insight))
with st.container(border=True):
    st.text(insight.text)
span = base.documents.span_of(insight.id)
if span is not None:  # from a document: its place in the reader, marked and scrolled to
    place = [
        _("characters {start}–{end}", start=words.number(span.start), end=words.number(span.end))
    ]
    if span.started:
        place.insert(0, f"{span.started}–{span.ended}")
    st.caption(escape_markdown(" · ".join(place)))
    st.page_link(
        "views/documents.py",
        label=_("Read it in its document"),
        icon=":material/menu_book:",
        query_params={
            "document": str(span.document_id),
            "at": str(span.start),
            "to": str(span.end),
        },
    )
details = {
    _("Author"): insight.author,
    _("Language"): words.language_name(insight.language),
    _("Version"): words.number(insight.version),
    _("Added"): when(insight.created_at),
    _("External id"): insight.external_id,
}
st.caption(" · ".join(escape_markdown(f"{k}: {v}") for k, v in details.items() if v))
if insight.source_url:  # checked as an http(s) address when stored; shown as plain text
    source_row = st.container(horizontal=True, vertical_alignment="center")
    source_row.link_button(  # opens in a new tab without a referrer
        _("Open the source page"), insight.source_url, icon=":material/open_in_new:"
    )
    source_row.text(insight.source_url)

stage_suggestion(base, insight)

if insight.study_id:
    study = base.catalog.study(insight.study_id)
    named_study = escape_markdown(study.title) + (
        f" ({escape_markdown(study.method)})" if study.method else ""
    )
    st.markdown(_("**Study:** {study}", study=named_study))

evidence = base.curation.evidence(insight.id)
if evidence:
    st.subheader(_("Evidence ({count})", count=words.number(len(evidence))))
    for item in evidence:
        with st.container(border=True):
            st.text(item.text)
            st.caption(
                escape_markdown(
                    " · ".join(
                        str(v)
                        for v in (
                            named(SOURCE_NAMES)(item.source).lower(),
                            item.author,
                            words.day(item.created_at),
                        )
                        if v
                    )
                )
            )

if not insight.deleted_at:
    st.subheader(_("Linked insights"))
    links = base.insights.links(insight.id)
    if not links:
        st.caption(_("No links yet."))
    for link in links:
        with st.container(border=True):
            left, right = st.columns([5, 2])
            badge = (
                ":green-badge[" + _("confirmed") + "]"
                if link.status == "confirmed"
                else ":blue-badge[" + _("suggested") + "]"
            )
            if link.duplicate:
                badge += " :orange-badge[" + _("possible duplicate") + "]"
            card_heading(left, link.other, badge, link.score)
            with right:
                open_link(link.other_id)
                if (
                    link.duplicate
                    and allowed(base.curation.merge, insight.id, link.other_id)
                    and st.button(
                        _("Merge into this"),
                        key=f"m{link.other_id}",
                        help=_(
                            "Its text becomes evidence of this insight; it is deleted (restorable)."
                        ),
                    )
                    and attempt(base.curation.merge, insight.id, link.other_id)
                ):
                    st.rerun()
                if link.status == "suggested" and allowed(
                    base.curation.confirm_link, insight.id, link.other_id
                ):
                    b1, b2 = st.columns(2)
                    if b1.button(_("Confirm"), key=f"c{link.other_id}") and attempt(
                        base.curation.confirm_link, insight.id, link.other_id
                    ):
                        st.rerun()
                    if b2.button(_("Dismiss"), key=f"d{link.other_id}") and attempt(
                        base.curation.reject_link, insight.id, link.other_id
                    ):
                        st.rerun()

    matched = base.backlog.questions_for_insight(insight.id)
    if matched:
        st.subheader(_("Questions it may answer"))
        for question, evidence in matched:
            label = (
                named(RELATION_NAMES)(evidence.relation).lower()
                if evidence.status == "confirmed"
                else _("may answer")
            )
            st.page_link(
                "views/backlog.py",
                label=escape_markdown(
                    _(
                        "{relation}: #{id} {question} (score {score})",
                        relation=label,
                        id=question.id,
                        question=question.text,
                        score=words.number(evidence.score, 2),
                    )
                ),
                query_params={"question": str(question.id)},
            )

    editable = allowed(base.curation.edit, insight.id, None)
    if not editable:
        st.caption(_("Only its author's account, researchers and admins may edit or delete it."))
    if editable:
        edit_form(base, insight)

    versions = base.insights.versions(insight.id)
    with st.expander(
        words.plural(
            "History ({count} earlier version)", "History ({count} earlier versions)", len(versions)
        )
    ):
        for version in reversed(versions):
            if version.edited_by:
                line = _(
                    "**Version {version}** · replaced {when} by {person}",
                    version=version.version,
                    when=when(version.edited_at),
                    person=escape_markdown(version.edited_by),
                )
            else:
                line = _(
                    "**Version {version}** · replaced {when}",
                    version=version.version,
                    when=when(version.edited_at),
                )
            st.markdown(line)
            st.text(version.data.text)
            if may("admin") and st.button(_("Restore this version"), key=f"v{version.version}"):
                base.curation.restore_version(insight.id, version.version)
                st.rerun()
        trail = base.people.audit("insight", insight.id) if may("researcher") else []
        if trail:
            st.markdown(_("**Audit trail**"))
            for entry in trail:
                st.caption(
                    _(
                        "{when} · {action} by {person}",
                        when=when(entry.at),
                        action=escape_markdown(named(ACTION_NAMES)(entry.action)),
                        person=escape_markdown(entry.actor or _("the system")),
                    )
                )

    if (
        allowed(base.curation.delete, insight.id)
        and st.button(_("Delete this insight"), icon=":material/delete:")
        and attempt(base.curation.delete, insight.id)
    ):
        st.rerun()
