"""The tag board (a tab of the Tags page): tags (rows) x studies, segments, journey stages or
months (a choice) as counts of insights; a cell opens the insights behind it."""

import streamlit as st

from language.text import escape_markdown
from views.common import card_heading, open_link
from views.i18n import N_, _, ui

DIMENSIONS = {
    "study": N_("Studies"),
    "segment": N_("Segments"),
    "journey_stage": N_("Journey stages"),
    "month": N_("Months"),
}
COLUMNS = 8  # columns of the board shown at once (the most used); the rest in a choice
ROWS = 30  # tags shown (the most used)


def tag_board(base) -> None:
    """Draw the board of `base` (a knowledge base view) and the insights of the cell opened."""
    words = ui()
    st.caption(
        _(
            "How many insights carry each tag in each study, segment, journey stage or month: "
            "open a cell to read the insights behind it."
        )
    )
    labels = {_(name): key for key, name in DIMENSIONS.items()}  # the words as options
    chosen = st.segmented_control(
        _("Columns"), list(labels), default=next(iter(labels)), key="board_dimension"
    )
    dimension = labels.get(chosen or "", "study")
    board = base.tags.board(dimension)
    if not board.cells:
        st.info(_("No insight carries a tag yet: tag insights on Add, a quick note or Search."))
        return
    none = _("(none)")
    totals = {c: sum(x.count for x in board.cells if x.column == c) for c in board.columns}
    columns = sorted(board.columns, key=lambda c: (-totals[c], c))[:COLUMNS]
    columns.sort(key=lambda c: board.columns.index(c))
    if len(board.columns) > COLUMNS:
        st.caption(
            _(
                "The {shown} columns with the most insights of {count}.",
                shown=words.number(COLUMNS),
                count=words.number(len(board.columns)),
            )
        )
    grid = st.columns([2] + [1] * len(columns))
    grid[0].markdown(_("**Tag**"))
    for place, column in zip(grid[1:], columns, strict=True):
        place.markdown("**" + escape_markdown(column or none) + "**")
    opened = st.session_state.get("board_cell")
    for tag in board.tags[:ROWS]:
        row = st.columns([2] + [1] * len(columns), vertical_alignment="center")
        row[0].markdown(escape_markdown("#" + tag))
        for number, (place, column) in enumerate(zip(row[1:], columns, strict=True)):
            cell = board.cell(tag, column)
            if cell is None:
                place.caption("·")
                continue
            here = (dimension, tag, column)
            place.button(
                words.number(cell.count),
                key=f"board-{dimension}-{tag}-{number}",
                help=_(
                    "Open the insights tagged {tag} in {column}",
                    tag=escape_markdown(tag),
                    column=escape_markdown(column or none),
                ),
                type="primary" if here == opened else "secondary",
                on_click=open_cell,
                args=(here,),
                width="stretch",
            )
    opened = st.session_state.get("board_cell")  # as the click left it
    if opened and opened[0] == dimension:
        _dimension, tag, column = opened
        cell = board.cell(tag, column)
        if cell is not None:
            show_cell(base, cell, column or none)


def open_cell(here: tuple[str, str, str]) -> None:
    """Remember the cell clicked (dimension, tag, column), before the run draws the board."""
    st.session_state["board_cell"] = here


def show_cell(base, cell, column_name: str) -> None:
    """The insights behind one cell of the board."""
    words = ui()
    st.subheader(
        _("#{tag} in {column}", tag=escape_markdown(cell.tag), column=escape_markdown(column_name)),
        anchor=False,
    )
    st.caption(words.plural("{count} insight", "{count} insights", cell.count))
    for insight in base.tags.insights_of(cell.insight_ids[:50]):
        with st.container(border=True):
            left, right = st.columns([6, 1])
            card_heading(left, insight)
            with right:
                open_link(insight.id)
