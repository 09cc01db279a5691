"""Themes: the automatic grouping of insights, its trends, and one theme's page (?theme=ID)
where researchers rename, pin, merge and split it."""

import altair as alt
import pandas as pd
import streamlit as st

from language.text import escape_markdown, plural
from views.common import follow_toggle, kb, open_link, text_card
from vocabulary.errors import OivallusError

base = kb()
STRONG_SOURCES = 3  # independent sources (insights.rules.evidence) that make a theme well founded


def recompute() -> None:
    bar = st.progress(0.0, text="Recomputing themes")
    base.themes.recompute_themes(
        progress=lambda done, total: bar.progress(
            done / total, text=f"Recomputing themes: step {done} of {total}"
        )
    )
    bar.empty()


def theme_page(theme_id: int) -> None:
    try:
        theme = base.themes.theme(theme_id)
    except OivallusError as error:
        st.error(f"{error}.")
        st.page_link("views/themes.py", label="All themes", icon=":material/arrow_back:")
        return
    st.page_link("views/themes.py", label="All themes", icon=":material/arrow_back:")
    st.title(escape_markdown(theme.label), anchor=False)
    st.caption(
        f"{plural(len(theme.insight_ids), 'insight')} · distinctive words: {theme.terms}"
        + (" · pinned" if theme.pinned else "")
    )

    follow_toggle("theme", theme.id, "this theme")
    st.page_link(
        "views/brief.py",
        label="Brief of this theme (Markdown, PDF)",
        icon=":material/summarize:",
        query_params={"brief": f"theme:{theme.id}"},
    )
    with st.expander("Rename, pin, merge or split"):
        with st.form("rename"):
            name = st.text_input(
                "Name",
                value=theme.name or "",
                help="Kept when themes are recomputed. Empty: its words.",
            )
            if st.form_submit_button("Save name"):
                base.themes.rename_theme(theme.id, name)
                st.rerun()
        c1, c2, c3 = st.columns([1, 2, 1], vertical_alignment="bottom")
        if c1.button("Unpin" if theme.pinned else "Pin to top"):
            base.themes.pin_theme(theme.id, not theme.pinned)
            st.rerun()
        others = {t.label: t.id for t in base.themes.all() if t.id != theme.id}
        target = c2.selectbox("Merge into this theme", ["—", *others])
        if c3.button("Merge", disabled=target == "—"):
            base.themes.merge_themes(theme.id, others[target])
            st.rerun()
        if st.button("Split in two", disabled=len(theme.insight_ids) < 4):
            _, part = base.themes.split_theme(theme.id)
            st.toast(f"Split off: {escape_markdown(part.label)}")
            st.rerun()

    profile = base.themes.theme_profile(theme.id)
    trend = base.themes.theme_trends("month", theme_ids=[theme.id])
    c1, c2, c3 = st.columns(3)
    if trend:
        frame = pd.DataFrame({"month": trend[0].periods, "insights": trend[0].counts})
        c1.altair_chart(
            alt.Chart(frame, title=f"Insights per month · {trend[0].trend}")
            .mark_bar()
            .encode(x=alt.X("yearmonth(month):T", title=None), y=alt.Y("insights:Q", title=None)),
            width="stretch",
        )
    for column, key, title in ((c2, "sentiment", "Sentiment"), (c3, "segment", "Segments")):
        frame = pd.DataFrame(profile[key], columns=[key, "insights"]).fillna("(none)")
        column.altair_chart(
            alt.Chart(frame, title=title)
            .mark_bar()
            .encode(x=alt.X("insights:Q", title=None), y=alt.Y(f"{key}:N", title=None, sort="-x")),
            width="stretch",
        )

    studies = {s.id: s.title for s in base.catalog.studies()}
    used = [studies[i] for i, _ in profile["study_id"] if i in studies]
    independent = base.themes.independent_sources(theme.id)
    verdict = "strong evidence" if independent >= STRONG_SOURCES else "thin evidence"
    st.markdown(
        f"**{plural(independent, 'independent source')} — {verdict}.** Sources: "
        + ", ".join(f"{escape_markdown(str(s))} ({n})" for s, n in profile["source"])
        + (". Studies: " + ", ".join(escape_markdown(u) for u in used) if used else "")
    )

    questions = {}
    for insight_id in theme.insight_ids[:200]:
        for question, _ in base.backlog.questions_for_insight(insight_id):
            questions[question.id] = question
    if questions:
        st.subheader("Questions it bears on", anchor=False)
        for question in questions.values():
            st.page_link(
                "views/backlog.py",
                label=escape_markdown(question.text),
                icon=":material/help:",
                query_params={"question": str(question.id)},
            )

    st.subheader("Insights, most central first", anchor=False)
    shown = st.session_state.get(f"theme-shown-{theme.id}", 10)
    for insight in base.insights.insights_by_id(theme.insight_ids[:shown]):
        with st.container(border=True):
            text_card(insight)
            open_link(insight.id)
    if shown < len(theme.insight_ids) and st.button("Show more"):
        st.session_state[f"theme-shown-{theme.id}"] = shown + 20
        st.rerun()


def theme_list() -> None:
    st.title("Themes")
    computed = base.themes.themes_computed()
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    if computed:
        c1.caption(
            f"{plural(computed['themes'], 'theme')} over "
            f"{plural(computed['insights'], 'insight')}, computed "
            f"{computed['at']:%Y-%m-%d %H:%M} in {computed['seconds']:.1f} s"
            + (
                f" · {plural(computed['new_insights'], 'insight')} added since"
                if computed["new_insights"]
                else ""
            )
        )
    else:
        c1.caption("Themes group insights by meaning. Compute them to start.")
    if c2.button("Recompute themes", type="primary" if not computed else "secondary"):
        recompute()
        st.rerun()
    themes = base.themes.all()
    if not themes:
        return

    st.subheader("Trends", anchor=False)
    period = st.radio("Per", ["month", "week"], horizontal=True, label_visibility="collapsed")
    trends = base.themes.theme_trends(period)
    st.caption(
        "Rising / falling: the latest period's count against the mean of the four before "
        "it, when a Poisson count with that mean would reach it with p < 0.05 (at least "
        "5 insights)."
    )
    if trends:
        top = trends[:8]
        frame = pd.DataFrame(
            [
                {"theme": t.label, "period": p, "insights": c}
                for t in top
                for p, c in zip(t.periods, t.counts, strict=True)
            ]
        )
        st.altair_chart(
            alt.Chart(frame)
            .mark_line(point=True)
            .encode(
                x=alt.X("period:T", title=None),
                y=alt.Y("insights:Q"),
                color=alt.Color("theme:N"),
                tooltip=["theme", "period", "insights"],
            ),
            width="stretch",
        )
        flags = {"rising": "▲ rising", "falling": "▼ falling", "steady": "steady"}
        table = pd.DataFrame(
            [
                {
                    "theme": t.label,
                    "latest": t.current,
                    "usual": round(t.baseline, 1),
                    "trend": flags[t.trend],
                    "p": round(t.p_value, 3),
                }
                for t in trends
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")

    st.subheader("All themes", anchor=False)
    names = {
        i.id: i
        for i in base.insights.insights_by_id([t.insight_ids[0] for t in themes if t.insight_ids])
    }
    for theme in themes:
        with st.container(border=True):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            pin = "📌 " if theme.pinned else ""
            c1.markdown(
                f"{pin}**{escape_markdown(theme.label)}** · "
                f"{plural(len(theme.insight_ids), 'insight')}"
            )
            if theme.insight_ids and theme.insight_ids[0] in names:
                c1.caption(
                    "Most central: " + escape_markdown(names[theme.insight_ids[0]].text[:160])
                )
            with c2:
                st.page_link(
                    "views/themes.py",
                    label="Open",
                    icon=":material/open_in_new:",
                    query_params={"theme": str(theme.id)},
                )


if "theme" in st.query_params and st.query_params["theme"].isdigit():
    theme_page(int(st.query_params["theme"]))
else:
    theme_list()
