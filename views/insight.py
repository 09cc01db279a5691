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
from views.insight_form import draft, edit_form

base = kb()
raw_id = st.query_params.get("insight", "")
if not raw_id:
    st.title("Insight")
    chosen = st.number_input("Open insight number", min_value=1, step=1, value=None)
    if chosen:
        st.query_params["insight"] = str(int(chosen))
        st.rerun()
    st.subheader("Newest")
    for item in base.insights.browse(limit=10)[0]:
        open_link(item.id, f"#{item.id} {escape_markdown(title_of(item))}")
    st.stop()

try:
    insight = base.get(int(raw_id), include_deleted=True)
except (ValueError, NotFound):
    st.error(f"There is no insight {escape_markdown(raw_id)}. Check the link or search for it.")
    st.stop()

heading = own_title(insight)
st.title(escape_markdown(heading) if heading else f"Insight #{insight.id}", anchor=False)
if insight.deleted_at:
    st.warning(f"This insight was deleted on {insight.deleted_at:%Y-%m-%d %H:%M}.")
    if may("admin") and st.button("Restore it"):
        base.curation.restore(insight.id)
        st.rerun()
st.caption(metadata_line(insight))
with st.container(border=True):
    st.text(insight.text)
details = {
    "Author": insight.author,
    "Language": insight.language,
    "Version": insight.version,
    "Added": f"{insight.created_at:%Y-%m-%d %H:%M}",
    "External id": insight.external_id,
}
st.caption(" · ".join(escape_markdown(f"{k}: {v}") for k, v in details.items() if v))

if (
    not insight.journey_stage
    and not insight.deleted_at
    and allowed(base.curation.edit, insight.id, None)
):
    suggestion = base.curation.suggest_stage(insight.id)
    if suggestion is not None:
        with st.container(border=True):
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(
                f"**Suggested journey stage: {escape_markdown(suggestion.stage)}** — "
                f"{len(suggestion.neighbours)} of the {suggestion.of} most similar "
                "insights with a stage are there."
            )
            if right.button("Accept", key="accept-stage", type="primary"):
                changes = draft({"journey_stage": suggestion.stage}, insight)
                if changes is not None and attempt(
                    base.curation.edit, insight.id, changes, expected_version=insight.version
                ):
                    st.rerun()

if insight.study_id:
    study = base.catalog.study(insight.study_id)
    st.markdown(
        f"**Study:** {escape_markdown(study.title)}"
        + (f" ({escape_markdown(study.method)})" if study.method else "")
    )

evidence = base.curation.evidence(insight.id)
if evidence:
    st.subheader(f"Evidence ({len(evidence)})")
    for item in evidence:
        with st.container(border=True):
            st.text(item.text)
            st.caption(
                escape_markdown(
                    " · ".join(
                        str(v)
                        for v in (item.source, item.author, f"{item.created_at:%Y-%m-%d}")
                        if v
                    )
                )
            )

if not insight.deleted_at:
    st.subheader("Linked insights")
    links = base.insights.links(insight.id)
    if not links:
        st.caption("No links yet.")
    for link in links:
        with st.container(border=True):
            left, right = st.columns([5, 2])
            badge = (
                ":green-badge[confirmed]"
                if link.status == "confirmed"
                else ":blue-badge[suggested]"
            )
            if link.duplicate:
                badge += " :orange-badge[possible duplicate]"
            card_heading(left, link.other, badge, link.score)
            with right:
                open_link(link.other_id)
                if (
                    link.duplicate
                    and allowed(base.curation.merge, insight.id, link.other_id)
                    and st.button(
                        "Merge into this",
                        key=f"m{link.other_id}",
                        help="Its text becomes evidence of this insight; it is deleted "
                        "(restorable).",
                    )
                    and attempt(base.curation.merge, insight.id, link.other_id)
                ):
                    st.rerun()
                if link.status == "suggested" and allowed(
                    base.curation.confirm_link, insight.id, link.other_id
                ):
                    b1, b2 = st.columns(2)
                    if b1.button("Confirm", key=f"c{link.other_id}") and attempt(
                        base.curation.confirm_link, insight.id, link.other_id
                    ):
                        st.rerun()
                    if b2.button("Dismiss", key=f"d{link.other_id}") and attempt(
                        base.curation.reject_link, insight.id, link.other_id
                    ):
                        st.rerun()

    matched = base.backlog.questions_for_insight(insight.id)
    if matched:
        st.subheader("Questions it may answer")
        for question, evidence in matched:
            label = evidence.relation if evidence.status == "confirmed" else "may answer"
            st.page_link(
                "views/backlog.py",
                label=escape_markdown(
                    f"{label}: #{question.id} {question.text} (score {evidence.score:.2f})"
                ),
                query_params={"question": str(question.id)},
            )

    editable = allowed(base.curation.edit, insight.id, None)
    if not editable:
        st.caption("Only its author's account, researchers and admins may edit or delete it.")
    if editable:
        edit_form(base, insight)

    versions = base.insights.versions(insight.id)
    with st.expander(f"History ({len(versions)} earlier versions)"):
        for version in reversed(versions):
            st.markdown(
                f"**Version {version.version}** · replaced {version.edited_at:%Y-%m-%d %H:%M}"
                + (f" by {escape_markdown(version.edited_by)}" if version.edited_by else "")
            )
            st.text(version.data.text)
            if may("admin") and st.button("Restore this version", key=f"v{version.version}"):
                base.curation.restore_version(insight.id, version.version)
                st.rerun()
        trail = base.people.audit("insight", insight.id) if may("researcher") else []
        if trail:
            st.markdown("**Audit trail**")
            for entry in trail:
                st.caption(
                    f"{entry.at:%Y-%m-%d %H:%M} · {entry.action} by "
                    f"{escape_markdown(entry.actor or 'the system')}"
                )

    if (
        allowed(base.curation.delete, insight.id)
        and st.button("Delete this insight", icon=":material/delete:")
        and attempt(base.curation.delete, insight.id)
    ):
        st.rerun()
