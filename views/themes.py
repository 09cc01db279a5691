"""Themes: the automatic grouping of insights, its trends, and one theme's page (?theme=ID)
where researchers rename, pin, merge and split it."""

import altair as alt
import pandas as pd
import streamlit as st

from insights.briefs import trend_word
from language.text import escape_markdown
from views.common import follow_toggle, kb, open_link, text_card
from views.i18n import N_, SOURCE_NAMES, _, named, ui
from vocabulary.errors import OivallusError

base = kb()
words = ui()
STRONG_SOURCES = 3  # independent sources (insights.rules.evidence) that make a theme well founded
SENTIMENTS = {"positive": N_("Positive"), "neutral": N_("Neutral"), "negative": N_("Negative")}
PERIODS = {"month": N_("By month"), "week": N_("By week")}


def insights_count(count: int) -> str:
    """ "12 insights" in the person's language."""
    return words.plural("{count} insight", "{count} insights", count)


def counted_word() -> str:
    """What a chart's count axis counts."""
    return _("insights")


def recompute() -> None:
    bar = st.progress(0.0, text=_("Recomputing themes"))
    base.themes.recompute_themes(
        progress=lambda done, total: bar.progress(
            done / total,
            text=_(
                "Recomputing themes: step {done} of {total}",
                done=words.number(done),
                total=words.number(total),
            ),
        )
    )
    bar.empty()


def theme_page(theme_id: int) -> None:
    back = _("All themes")
    try:
        theme = base.themes.theme(theme_id)
    except OivallusError:
        st.error(_("There is no theme {id}: it may have been merged or recomputed.", id=theme_id))
        st.page_link("views/themes.py", label=back, icon=":material/arrow_back:")
        return
    st.page_link("views/themes.py", label=back, icon=":material/arrow_back:")
    st.title(escape_markdown(theme.label), anchor=False)
    st.caption(
        _(
            "{insights} · distinctive words: {terms}",
            insights=insights_count(len(theme.insight_ids)),
            terms=escape_markdown(theme.terms),
        )
        + (" · " + _("pinned") if theme.pinned else "")
    )

    follow_toggle("theme", theme.id)
    st.page_link(
        "views/brief.py",
        label=_("Brief of this theme (Markdown, PDF)"),
        icon=":material/summarize:",
        query_params={"brief": f"theme:{theme.id}"},
    )
    with st.expander(_("Rename, pin, merge or split")):
        with st.form("rename"):
            name = st.text_input(
                _("Name"),
                value=theme.name or "",
                help=_("Kept when themes are recomputed. Empty: its words."),
            )
            if st.form_submit_button(_("Save name")):
                base.themes.rename_theme(theme.id, name)
                st.rerun()
        c1, c2, c3 = st.columns([1, 2, 1], vertical_alignment="bottom")
        if c1.button(_("Unpin") if theme.pinned else _("Pin to top")):
            base.themes.pin_theme(theme.id, not theme.pinned)
            st.rerun()
        others = {t.label: t.id for t in base.themes.all() if t.id != theme.id}
        target = c2.selectbox(_("Merge into this theme"), ["—", *others])
        if c3.button(_("Merge"), disabled=target == "—"):
            base.themes.merge_themes(theme.id, others[target])
            st.rerun()
        if st.button(_("Split in two"), disabled=len(theme.insight_ids) < 4):
            _kept, part = base.themes.split_theme(theme.id)
            st.toast(_("Split off: {name}", name=escape_markdown(part.label)))
            st.rerun()

    profile = base.themes.theme_profile(theme.id)
    trend = base.themes.theme_trends("month", theme_ids=[theme.id])
    c1, c2, c3 = st.columns(3)
    counted = _("insights")
    numbers = alt.Axis(labelExpr=words.chart_numbers())
    if trend:
        months = [words.month(period) for period in trend[0].periods]  # joulukuu 2026
        frame = pd.DataFrame({"month": months, "insights": trend[0].counts})
        c1.altair_chart(
            alt.Chart(
                frame,
                title=_("Insights per month · {trend}", trend=trend_word(words, trend[0].trend)),
            )
            .mark_bar()
            .encode(
                x=alt.X("month:O", title=None, sort=None),  # in time order, named as we do
                y=alt.Y("insights:Q", title=None, axis=numbers),
                tooltip=[
                    alt.Tooltip("month:N", title=_("month")),
                    alt.Tooltip("insights:Q", title=counted),
                ],
            ),
            width="stretch",
        )
    none = _("(none)")
    for column, key, title in ((c2, "sentiment", _("Sentiment")), (c3, "segment", _("Segments"))):
        frame = pd.DataFrame(profile[key], columns=[key, "insights"])
        shown_as = (
            (lambda v: _(SENTIMENTS[v]) if v in SENTIMENTS else v) if key == "sentiment" else str
        )
        frame[key] = [none if v is None else shown_as(v) for v in frame[key]]
        column.altair_chart(
            alt.Chart(frame, title=title)
            .mark_bar()
            .encode(
                x=alt.X("insights:Q", title=None, axis=numbers),
                y=alt.Y(f"{key}:N", title=None, sort="-x"),
                tooltip=[
                    alt.Tooltip(f"{key}:N", title=title),
                    alt.Tooltip("insights:Q", title=counted),
                ],
            ),
            width="stretch",
        )

    source_name = named(SOURCE_NAMES)
    studies = {s.id: s.title for s in base.catalog.studies()}
    used = [studies[i] for i, _n in profile["study_id"] if i in studies]
    independent = base.themes.independent_sources(theme.id)
    verdict = _("strong evidence") if independent >= STRONG_SOURCES else _("thin evidence")
    sources = words.plural("{count} independent source", "{count} independent sources", independent)
    st.markdown(
        f"**{sources} — {verdict}.** "
        + _(
            "Sources: {sources}",
            sources=", ".join(
                f"{escape_markdown(source_name(s))} ({words.number(n)})"
                for s, n in profile["source"]
            ),
        )
        + (
            ". " + _("Studies: {studies}", studies=", ".join(escape_markdown(u) for u in used))
            if used
            else ""
        )
    )

    questions = {}
    for insight_id in theme.insight_ids[:200]:
        for question, _link in base.backlog.questions_for_insight(insight_id):
            questions[question.id] = question
    if questions:
        st.subheader(_("Questions it bears on"), anchor=False)
        for question in questions.values():
            st.page_link(
                "views/backlog.py",
                label=escape_markdown(question.text),
                icon=":material/help:",
                query_params={"question": str(question.id)},
            )

    st.subheader(_("Insights, most central first"), anchor=False)
    shown = st.session_state.get(f"theme-shown-{theme.id}", 10)
    for insight in base.insights.insights_by_id(theme.insight_ids[:shown]):
        with st.container(border=True):
            text_card(insight)
            open_link(insight.id)
    if shown < len(theme.insight_ids) and st.button(_("Show more")):
        st.session_state[f"theme-shown-{theme.id}"] = shown + 20
        st.rerun()


def theme_list() -> None:
    st.title(_("Themes"))
    computed = base.themes.themes_computed()
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    if computed:
        at = computed["at"]
        c1.caption(
            _(
                "{themes} over {insights}, computed {when} in {seconds} s",
                themes=words.plural("{count} theme", "{count} themes", computed["themes"]),
                insights=insights_count(computed["insights"]),
                when=words.moment(at),
                seconds=words.number(computed["seconds"], 1),
            )
            + (
                " · "
                + words.plural(
                    "{count} insight added since",
                    "{count} insights added since",
                    computed["new_insights"],
                )
                if computed["new_insights"]
                else ""
            )
        )
    else:
        c1.caption(_("Themes group insights by meaning. Compute them to start."))
    if c2.button(_("Recompute themes"), type="primary" if not computed else "secondary"):
        recompute()
        st.rerun()
    themes = base.themes.all()
    if not themes:
        return

    st.subheader(_("Trends"), anchor=False)
    per = {p: _(name) for p, name in PERIODS.items()}
    period = st.radio(
        _("Per"), list(PERIODS), horizontal=True, label_visibility="collapsed", format_func=per.get
    )
    trends = base.themes.theme_trends(period)
    when = words.month if period == "month" else words.day  # a week by its first day
    st.caption(
        _(
            "Rising / falling: the latest period's count against the mean of the four before "
            "it, when a Poisson count with that mean would reach it with p < 0.05 (at least "
            "5 insights). Insights without a date are in no period."
        )
    )
    if trends:
        top = trends[:8]
        frame = pd.DataFrame(
            [
                {"theme": t.label, "period": p, "named": when(p), "insights": c}
                for t in top
                for p, c in zip(t.periods, t.counts, strict=True)
            ]
        )
        theme_word, period_word = _("theme"), _("period")
        st.altair_chart(
            alt.Chart(frame)
            .mark_line(point=True)
            .encode(
                x=alt.X("named:O", title=None, sort=alt.EncodingSortField("period", op="min")),
                y=alt.Y(
                    "insights:Q",
                    title=counted_word(),
                    axis=alt.Axis(labelExpr=words.chart_numbers()),
                ),
                color=alt.Color("theme:N", title=theme_word),
                tooltip=[
                    alt.Tooltip("theme:N", title=theme_word),
                    alt.Tooltip("named:N", title=period_word),
                    alt.Tooltip("insights:Q", title=counted_word()),
                ],
            ),
            width="stretch",
        )
        marks = {"rising": "▲ ", "falling": "▼ ", "steady": ""}
        table = pd.DataFrame(
            [
                {
                    theme_word: t.label,
                    _("latest"): t.current,
                    _("usual"): words.number(t.baseline, 1),
                    _("trend"): marks.get(t.trend, "") + trend_word(words, t.trend),
                    "p": words.number(t.p_value, 3),
                }
                for t in trends
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")

    st.subheader(_("All themes"), anchor=False)
    names = {
        i.id: i
        for i in base.insights.insights_by_id([t.insight_ids[0] for t in themes if t.insight_ids])
    }
    for theme in themes:
        with st.container(border=True):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            pin = "📌 " if theme.pinned else ""
            size = insights_count(len(theme.insight_ids))
            c1.markdown(f"{pin}**{escape_markdown(theme.label)}** · {size}")
            if theme.insight_ids and theme.insight_ids[0] in names:
                central = escape_markdown(names[theme.insight_ids[0]].text[:160])
                c1.caption(_("Most central: {text}", text=central))
            with c2:
                st.page_link(
                    "views/themes.py",
                    label=_("Open"),
                    icon=":material/open_in_new:",
                    query_params={"theme": str(theme.id)},
                )


if "theme" in st.query_params and st.query_params["theme"].isdigit():
    theme_page(int(st.query_params["theme"]))
else:
    theme_list()
