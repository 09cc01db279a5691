"""The KPI tiles: the customer scores with their change and margin, and the metrics an admin
chose for everyone (the Overview and the team lead's view show them)."""

import streamlit as st

from insights.rules.kpis import SMALL_SAMPLE
from language.text import escape_markdown
from views.common import kb
from views.i18n import N_, _, ui

NAMES = {"nps": N_("NPS"), "csat": N_("CSAT %"), "ces": N_("CES (1-7)")}
BEFORE = {  # the period before each choice of the period picker
    "Last 30 days": N_("the 30 days before"),
    "Last 90 days": N_("the 90 days before"),
    "Last 12 months": N_("the 12 months before"),
}


def signed(value: float, digits: int) -> str:
    """A change with its sign: +3, -1,5 (never +0)."""
    shown = ui().number(value, digits)
    return f"+{shown}" if round(value, digits) > 0 else shown


def number(value: float) -> str:
    """A metric value as people read it: 12 345, 0,84 (three significant digits below 100)."""
    words = ui()
    if abs(value) >= 100:
        return words.number(value, 0)
    return words.number(float(f"{value:.3g}"))


def kpi_tiles(period: str, start, end, segment: str | None, insights: int | None = None) -> None:
    """NPS (always), CSAT and CES (when answered) for the period, with the change against the
    period before and its margin; `insights`, when given, is counted in the same row."""
    base, words = kb(), ui()
    columns = st.columns(4)
    shown = 0
    for metric, name in NAMES.items():
        if start is not None:
            change = base.analysis.kpi_change(metric, start, end, segment)
            kpi, delta = change.current, change.change
        else:
            kpi, delta, change = base.analysis.kpi(metric, segment), None, None
        if kpi.n == 0 and metric != "nps":
            continue
        digits = 1 if metric == "ces" else 0
        help_text = (
            words.plural(
                "{count} response, 95 % margin ± {margin}",
                "{count} responses, 95 % margin ± {margin}",
                kpi.n,
                margin=words.number(kpi.margin, digits),
            )
            if kpi.n
            else _("No responses")
        )
        if change is not None and delta is not None:
            help_text += ". " + _(
                "Change against {before}: {change} ± {margin} ({verdict})",
                before=_(BEFORE[period]),
                change=signed(delta, digits),
                margin=words.number(change.margin, digits),
                verdict=_("larger than its margin")
                if change.significant
                else _("within the margin"),
            )
        columns[shown].metric(
            _(name),
            "—" if kpi.score is None else words.number(kpi.score, digits),
            delta=None if delta is None else signed(delta, digits),
            help=help_text,
        )
        if kpi.n:
            columns[shown].caption(
                f"n = {words.number(kpi.n)} · ± {words.number(kpi.margin, digits)}"
                + (" · " + _("small sample") if kpi.n < SMALL_SAMPLE else "")
            )
        shown += 1
    if insights is not None:
        columns[shown].metric(_("Insights"), words.number(insights))


def metric_tiles() -> None:
    """The behaviour metrics an admin chose for everyone (Behaviour page): last month's value,
    its change, its trend line and its target."""
    words = ui()
    tiles = kb().metrics.tiles()
    for row in range(0, len(tiles), 4):
        for column, tile in zip(st.columns(4), tiles[row : row + 4], strict=False):
            if tile.value is None:
                column.metric(escape_markdown(tile.metric), "—", help=_("No values yet."))
                continue
            delta = None if tile.previous is None else tile.value - tile.previous
            interval = (
                " "
                + _(
                    "95 % interval {low}-{high} (a count).",
                    low=number(tile.low),
                    high=number(tile.high),
                )
                if tile.low is not None and tile.high is not None
                else ""
            )
            column.metric(
                escape_markdown(f"{tile.metric} ({words.month(tile.month)})"),
                escape_markdown(number(tile.value) + (f" {tile.unit}" if tile.unit else "")),
                delta=None if delta is None else ("+" if delta > 0 else "") + number(delta),
                delta_color="normal" if tile.better == "higher" else "inverse",
                chart_data=tile.trend,
                chart_type="line",
                help=_("Change against the month before; the line is the last 12 months.")
                + interval,
            )
            if tile.target is not None:
                verdict = _("on target") if tile.on_target else _("off target")
                column.caption(
                    _("target {target} · {verdict}", target=number(tile.target), verdict=verdict)
                )


QUESTION_ICON = ":material/help:"


def questions_with_new_evidence(shown: int, label: str, icon: str) -> None:
    """The open questions with new evidence to review (at most `shown`), each a card with a
    link (`label`, in the person's language already) to the question on the Backlog."""
    words = ui()
    waiting = kb().backlog.questions_with_new_evidence()
    if not waiting:
        st.caption(_("No open question has new evidence to review."))
    for question in waiting[:shown]:
        with st.container(border=True):
            st.markdown(f"{QUESTION_ICON} {escape_markdown(question.text)}")
            st.caption(
                words.plural(
                    "{count} new piece of evidence",
                    "{count} new pieces of evidence",
                    question.new_evidence,
                )
            )
            st.page_link(
                "views/backlog.py",
                label=label,
                icon=icon,
                query_params={"question": str(question.id)},
            )
